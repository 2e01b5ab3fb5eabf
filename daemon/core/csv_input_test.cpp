#include "core/csv_input.hpp"

#include <gtest/gtest.h>

#include "core/csv.hpp"

namespace fk {
namespace {

std::string textOf(std::string_view body, TextEncoding encoding = TextEncoding::utf8) {
  std::string storage;
  auto text = csvText(body, encoding, storage);
  EXPECT_TRUE(text.has_value()) << (text ? "" : text.error().message);
  return text ? std::string(*text) : std::string();
}

TEST(CsvText, StripsTheByteOrderMark) {
  EXPECT_EQ(textOf("\xEF\xBB\xBF" "asset_tag\nA-1\n"), "asset_tag\nA-1\n");
  EXPECT_EQ(textOf("asset_tag\nA-1\n"), "asset_tag\nA-1\n");
}

TEST(CsvText, ConvertsWindows1252) {
  // "Caf\xE9" and the euro sign (0x80) and a curly quote (0x93) as an old Excel saves them.
  EXPECT_EQ(textOf("notes\nCaf\xE9 \x80 \x93x\x94\n", TextEncoding::windows_1252),
            "notes\nCaf\xC3\xA9 \xE2\x82\xAC \xE2\x80\x9Cx\xE2\x80\x9D\n");
}

TEST(CsvText, RefusesInvalidUtf8NamingLineAndColumn) {
  std::string storage;
  auto text = csvText("asset_tag,notes\nA-1,ok\nA-2,Caf\xE9\n", TextEncoding::utf8, storage);
  ASSERT_FALSE(text.has_value());
  EXPECT_EQ(text.error().line, 3u);
  EXPECT_NE(text.error().message.find("column 8"), std::string::npos) << text.error().message;
  EXPECT_NE(text.error().message.find("windows-1252"), std::string::npos);
}

TEST(CsvText, CountsColumnsInCharactersAndLinesOnEveryLineEnd) {
  std::string storage;
  // Line 3 by CR-only ends; "é" is one character before the bad byte.
  auto text = csvText("a\rb\r\xC3\xA9x\xFF", TextEncoding::utf8, storage);
  ASSERT_FALSE(text.has_value());
  EXPECT_EQ(text.error().line, 3u);
  EXPECT_NE(text.error().message.find("column 3"), std::string::npos) << text.error().message;
}

TEST(CsvText, RefusesOverlongsSurrogatesAndTruncatedSequences) {
  for (const char* bad : {"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82", "\x80"}) {
    std::string storage;
    EXPECT_FALSE(csvText(std::string("x,") + bad, TextEncoding::utf8, storage).has_value()) << bad;
  }
  std::string storage;
  EXPECT_TRUE(csvText("\xF0\x9F\x98\x80 \xE2\x82\xAC \xC3\xA9", TextEncoding::utf8, storage).has_value());
}

TEST(CsvText, RefusesBytesWindows1252Lacks) {
  std::string storage;
  auto text = csvText("notes\nab\x81\n", TextEncoding::windows_1252, storage);
  ASSERT_FALSE(text.has_value());
  EXPECT_EQ(text.error().line, 2u);
  EXPECT_NE(text.error().message.find("0x81"), std::string::npos);
}

TEST(DetectDelimiter, PicksWhatTheHeaderUses) {
  EXPECT_EQ(detectDelimiter("asset_tag,serial,model\n"), ',');
  EXPECT_EQ(detectDelimiter("asset_tag;serial;model\nA,1;2;3\n"), ';');
  EXPECT_EQ(detectDelimiter("asset_tag\tserial\tmodel\r\n"), '\t');
  EXPECT_EQ(detectDelimiter("\n\nasset_tag;serial\n"), ';');
  // A quoted header name with commas inside does not vote.
  EXPECT_EQ(detectDelimiter("\"Checked Out To: Name, Full\";serial;model\n"), ';');
  EXPECT_EQ(detectDelimiter("asset_tag\n"), ',');
  EXPECT_EQ(detectDelimiter(""), ',');
}

TEST(CsvReaderDelimiter, ReadsSemicolonAndTabFiles) {
  std::vector<std::string> fields;
  CsvReader semi("a;\"b;c\";d\r1;2;3", ';');
  ASSERT_TRUE(semi.next(fields));
  EXPECT_EQ(fields, (std::vector<std::string>{"a", "b;c", "d"}));
  ASSERT_TRUE(semi.next(fields));
  EXPECT_EQ(fields, (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(semi.line(), 2u);
  CsvReader tab("a\tb,c\n", '\t');
  ASSERT_TRUE(tab.next(fields));
  EXPECT_EQ(fields, (std::vector<std::string>{"a", "b,c"}));
}

TEST(CsvReaderDelimiter, CountsCrOnlyLinesInsideQuotes) {
  std::vector<std::string> fields;
  CsvReader reader("a,b\r\"x\ry\",z\rlast,row\r", ',');
  ASSERT_TRUE(reader.next(fields));
  ASSERT_TRUE(reader.next(fields));
  EXPECT_EQ(fields[0], "x\ry");
  ASSERT_TRUE(reader.next(fields));
  EXPECT_EQ(reader.line(), 4u);
}

TEST(CountLines, CountsLfCrlfAndCrOnlyEnds) {
  EXPECT_EQ(countLines("a\nb\nc"), 3u);
  EXPECT_EQ(countLines("a\r\nb\r\n"), 3u);
  EXPECT_EQ(countLines("a\rb\rc\r"), 4u);
}

// Found by fuzz_device_csv: one LF then lone CRs counted only the LF, so rowsAtMost() was no bound.
TEST(CountLines, CountsEveryEndInAFileThatMixesThem) {
  EXPECT_EQ(countLines("asset_tag\nA1\rA2\rA3\r"), 5u);
  EXPECT_EQ(countLines("a\r\nb\rc\nd"), 4u);
  EXPECT_EQ(countLines(""), 1u);
  EXPECT_EQ(countLines("\r"), 2u);
}

TEST(CsvOptionValues, ParseTheirSpellings) {
  EXPECT_EQ(parseTextEncoding("Windows-1252"), TextEncoding::windows_1252);
  EXPECT_EQ(parseTextEncoding("cp1252"), TextEncoding::windows_1252);
  EXPECT_EQ(parseTextEncoding("UTF-8"), TextEncoding::utf8);
  EXPECT_FALSE(parseTextEncoding("latin9"));
  EXPECT_EQ(parseDateOrder("DMY"), DateOrder::dmy);
  EXPECT_FALSE(parseDateOrder("ymd"));
}

}  // namespace
}  // namespace fk
