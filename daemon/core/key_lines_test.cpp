#include "core/key_lines.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <unordered_map>

namespace fk {
namespace {

TEST(KeyLines, AgreesWithAMapThroughEveryGrowth) {
  KeyLines lines;
  std::unordered_map<std::string, std::size_t> want;
  std::mt19937_64 random(7);
  for (std::size_t line = 1; line <= 200000; ++line) {
    // Repeats, keys that differ by one character, empty and long keys, lines past 2^32.
    std::string key = "K-" + std::to_string(random() % 150000);
    if (line % 1000 == 0) key = std::string(300, 'x') + std::to_string(line % 3);
    if (line % 4999 == 0) key.clear();
    const std::size_t at = line % 7 == 0 ? line + (std::size_t{1} << 33) : line;
    const auto [it, fresh] = want.try_emplace(key, at);
    const auto got = lines.firstLine(key, at);
    if (fresh) {
      EXPECT_FALSE(got) << key;
    } else {
      ASSERT_TRUE(got) << key;
      EXPECT_EQ(*got, it->second) << key;
    }
  }
  EXPECT_EQ(lines.size(), want.size());
  // A key longer than a block of the arena, then short ones after it.
  const std::string huge(3 << 19, 'h');
  EXPECT_FALSE(lines.firstLine(huge, 5));
  EXPECT_FALSE(lines.firstLine("after-huge", 6));
  EXPECT_EQ(lines.firstLine(huge, 7), 5u);
  EXPECT_EQ(lines.firstLine("after-huge", 8), 6u);
  lines.clear();
  EXPECT_EQ(lines.size(), 0u);
  EXPECT_FALSE(lines.firstLine("K-1", 3));
  EXPECT_EQ(lines.firstLine("K-1", 9), 3u);
}

}  // namespace
}  // namespace fk
