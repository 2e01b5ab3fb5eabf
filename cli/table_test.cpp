#include "table.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "format.hpp"
#include "http_client.hpp"

namespace fkcli {
namespace {

TEST(Table, PadsToWidestCellCountingCodePointsNotBytes) {
  Table table({"FIELD", "CHANGE"});
  table.add({"location", "A → B"});
  table.add({"é", "x"});
  std::ostringstream out;
  table.print(out);
  EXPECT_EQ(out.str(),
            "FIELD     CHANGE\n"
            "location  A → B\n"
            "é         x\n");
}

TEST(Table, ShortRowsAreFilledWithEmptyCells) {
  Table table({"A", "B", "C"});
  table.add({"1"});
  std::ostringstream out;
  table.print(out);
  EXPECT_EQ(out.str(), "A  B  C\n1\n");
}

TEST(Format, DisplayValueReadsLikeText) {
  EXPECT_EQ(displayValue(nullptr), "-");
  EXPECT_EQ(displayValue(""), "-");
  EXPECT_EQ(displayValue("x"), "x");
  EXPECT_EQ(displayValue(true), "yes");
  EXPECT_EQ(displayValue(12), "12");
  EXPECT_EQ(displayValue(nlohmann::json::array({"aa:bb", "cc:dd"})), "aa:bb, cc:dd");
}

TEST(Format, KeyValuesAlignValues) {
  std::ostringstream out;
  printKeyValues(out, {{"id", "1"}, {"serial", "S1"}});
  EXPECT_EQ(out.str(), "id:     1\nserial: S1\n");
}

TEST(HttpClient, OnlyHttpAndHttpsUrls) {
  EXPECT_TRUE(isSupportedUrl("http://127.0.0.1:9470"));
  EXPECT_TRUE(isSupportedUrl("https://fleet.example.org"));
  EXPECT_FALSE(isSupportedUrl("file:///etc/passwd"));
  EXPECT_FALSE(isSupportedUrl("127.0.0.1:9470"));
}

TEST(HttpClient, EncodeComponentKeepsRefPrefixesAndEscapesTheRest) {
  EXPECT_EQ(encodeComponent("tag:CB-1001"), "tag:CB-1001");
  EXPECT_EQ(encodeComponent("Room 12/B"), "Room%2012%2FB");
  EXPECT_EQ(encodeComponent("a&b=c"), "a%26b%3Dc");
}

}  // namespace
}  // namespace fkcli
