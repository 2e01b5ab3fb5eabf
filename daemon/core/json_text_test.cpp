#include "core/json_text.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace fk {
namespace {

std::string viaLibrary(std::string_view text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

TEST(JsonText, MatchesTheLibraryForEveryKindOfText) {
  const std::string samples[] = {
      "",
      "Lenovo 300e Chromebook Gen 3",
      "say \"hi\"",
      "back\\slash",
      "tab\there\nnew line\x01",
      "\x7f delete",
      "Escuela Benito Juárez",
      "日本語",
      std::string("bad \xff\xfe utf-8"),
      std::string("nul \0 inside", 12),
  };
  for (const std::string& s : samples) {
    std::string out = "[";
    appendJsonString(out, s);
    EXPECT_EQ(out, "[" + viaLibrary(s)) << s;
  }
}

TEST(JsonText, PlainTextIsCopiedAsIs) {
  std::string out;
  appendJsonString(out, "CB-100001");
  EXPECT_EQ(out, "\"CB-100001\"");
}

}  // namespace
}  // namespace fk
