#include "core/csv.hpp"

#include <gtest/gtest.h>

#include "core/csv_test_support.hpp"

namespace fk {
namespace {

using Rows = std::vector<std::vector<std::string>>;

using test::readAll;

TEST(CsvReader, ReadsPlainRowsWithLfOrCrlf) {
  for (const char* text : {"a,b,c\n1,2,3\n", "a,b,c\r\n1,2,3\r\n", "a,b,c\r\n1,2,3"}) {
    const auto r = readAll(text);
    EXPECT_EQ(r.error, "");
    EXPECT_EQ(r.rows, (Rows{{"a", "b", "c"}, {"1", "2", "3"}})) << text;
    EXPECT_EQ(r.lines, (std::vector<std::size_t>{1, 2}));
  }
}

TEST(CsvReader, HandlesQuotedFields) {
  const auto r =
      readAll("\"a,1\",\"say \"\"hi\"\"\",\"\"\r\n\"two\r\nlines\",x,\"\"\"\"\r\nnext,row,here\r\n");
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.rows, (Rows{{"a,1", "say \"hi\"", ""}, {"two\r\nlines", "x", "\""}, {"next", "row", "here"}}));
  // The record after a quoted line break starts on line 4, not 3.
  EXPECT_EQ(r.lines, (std::vector<std::size_t>{1, 2, 4}));
}

TEST(CsvReader, KeepsEmptyFieldsAndBlankLines) {
  const auto r = readAll(",a,\n\nb\n");
  EXPECT_EQ(r.rows, (Rows{{"", "a", ""}, {""}, {"b"}}));
  EXPECT_EQ(r.lines, (std::vector<std::size_t>{1, 2, 3}));
}

TEST(CsvReader, TrailingCommaAtEndOfInputIsAnEmptyField) {
  EXPECT_EQ(readAll("a,").rows, (Rows{{"a", ""}}));
}

TEST(CsvReader, SkipsUtf8Bom) {
  const auto r = readAll(
      "\xEF\xBB\xBF"
      "Asset Tag,Serial\n");
  EXPECT_EQ(r.rows, (Rows{{"Asset Tag", "Serial"}}));
}

TEST(CsvReader, EmptyInputHasNoRecords) {
  EXPECT_TRUE(readAll("").rows.empty());
  EXPECT_TRUE(readAll("\xEF\xBB\xBF").rows.empty());
}

TEST(CsvReader, UnterminatedQuoteReportsTheLineItOpened) {
  const auto r = readAll("a,b\n1,\"open\nstill open\nand more\n");
  EXPECT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.error, "unterminated quoted field");
  EXPECT_EQ(r.error_line, 2u);
}

TEST(CsvReader, StrayQuoteInUnquotedFieldIsAnError) {
  const auto r = readAll("a,b\n1,2\n3,4\"5\n");
  EXPECT_EQ(r.rows.size(), 2u);
  EXPECT_NE(r.error.find("stray quote"), std::string::npos);
  EXPECT_EQ(r.error_line, 3u);
}

TEST(CsvReader, TextAfterClosingQuoteIsAnError) {
  const auto r = readAll("\"ab\"c,d\n");
  EXPECT_TRUE(r.rows.empty());
  EXPECT_NE(r.error, "");
  EXPECT_EQ(r.error_line, 1u);
}

TEST(CsvReader, StopsAfterAnError) {
  CsvReader reader("\"x\ny");
  std::vector<std::string> fields;
  EXPECT_FALSE(reader.next(fields));
  EXPECT_FALSE(reader.next(fields));
  EXPECT_NE(reader.error(), "");
}

TEST(CsvReader, ReusesTheCallersVectorAcrossRowsOfDifferentWidths) {
  CsvReader reader("a,b,c\nd\ne,f\n");
  std::vector<std::string> fields;
  ASSERT_TRUE(reader.next(fields));
  EXPECT_EQ(fields.size(), 3u);
  ASSERT_TRUE(reader.next(fields));
  EXPECT_EQ(fields, (std::vector<std::string>{"d"}));
  ASSERT_TRUE(reader.next(fields));
  EXPECT_EQ(fields, (std::vector<std::string>{"e", "f"}));
  EXPECT_FALSE(reader.next(fields));
  EXPECT_EQ(reader.error(), "");
}

TEST(CsvEscape, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(csvEscape("plain"), "plain");
  EXPECT_EQ(csvEscape(""), "");
  EXPECT_EQ(csvEscape("a,b"), "\"a,b\"");
  EXPECT_EQ(csvEscape("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csvEscape("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csvEscape(" padded "), "\" padded \"");
  // Formula-looking text is neutralised (a leading quote); plain numbers stay numbers.
  EXPECT_EQ(csvEscape("=SUM(A1)"), "'=SUM(A1)");
  EXPECT_EQ(csvEscape("-5"), "-5");
}

TEST(CsvFormulaInjection, CellsAFormulaCouldStartWithGetALeadingQuote) {
  EXPECT_EQ(neutraliseCsvCell("=HYPERLINK(\"http://x\",\"y\")"), "'=HYPERLINK(\"http://x\",\"y\")");
  EXPECT_EQ(neutraliseCsvCell("+1+cmd|' /C calc'!A0"), "'+1+cmd|' /C calc'!A0");
  EXPECT_EQ(neutraliseCsvCell("-2+3"), "'-2+3");
  EXPECT_EQ(neutraliseCsvCell("@SUM(1)"), "'@SUM(1)");
  EXPECT_EQ(neutraliseCsvCell("\t=1"), "'\t=1");
  EXPECT_EQ(neutraliseCsvCell("\r=1"), "'\r=1");
  EXPECT_EQ(neutraliseCsvCell("-"), "'-");
  EXPECT_EQ(neutraliseCsvCell("-.5"), "'-.5");
  EXPECT_EQ(neutraliseCsvCell("-5."), "'-5.");
  EXPECT_EQ(neutraliseCsvCell("-1e5"), "'-1e5");
  EXPECT_EQ(neutraliseCsvCell("1-800-FLOWERS"), "1-800-FLOWERS");  // only the first character counts
  EXPECT_EQ(neutraliseCsvCell(""), "");
}

TEST(CsvFormulaInjection, PlainNumbersStayNumbers) {
  for (const char* n : {"-54.00", "+3", "-0", "12.5", "0.00", "-1234567.89"}) EXPECT_EQ(neutraliseCsvCell(n), n);
}

TEST(CsvFormulaInjection, QuotesBeforeAFormulaLeadGetOneMore) {
  EXPECT_EQ(neutraliseCsvCell("'=x"), "''=x");
  EXPECT_EQ(neutraliseCsvCell("''-54.00"), "'''-54.00");
  EXPECT_EQ(neutraliseCsvCell("'twas"), "'twas");
  EXPECT_EQ(neutraliseCsvCell("'"), "'");
  EXPECT_EQ(neutraliseCsvCell("''"), "''");
}

TEST(CsvFormulaInjection, TheReaderTakesTheNeutraliserOff) {
  EXPECT_EQ(readAll("'=SUM(A1),'twas,''@x,'-54.00,\"'\t=1\"\r\n").rows,
            (Rows{{"=SUM(A1)", "'twas", "'@x", "-54.00", "\t=1"}}));
}

TEST(CsvFormulaInjection, EveryValueRoundTrips) {
  const std::vector<std::string> values{"=1+1", "+1", "-1", "-54.00", "@a", "\tx", "\rx", "'", "''", "'=",
                                        "''=", "'twas", "'-5", "a'=b", " =x", "x,=y", "\"=\"", "-", "", "=",
                                        "'\t", "normal"};
  std::string out;
  appendCsvRow(out, values);
  const Rows back = readAll(out).rows;
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0], values);
  for (const auto& v : values) {
    std::string cell = neutraliseCsvCell(v);
    restoreCsvCell(cell);
    EXPECT_EQ(cell, v);
  }
}

TEST(CsvFormulaInjection, NoWrittenCellStartsAFormula) {
  const std::string leads = "=+-@\t\r";
  for (const std::string v : {"=1", "+a", "-a", "@a", "\ta", "\ra", "'=1", "''+a"}) {
    const std::string cell = neutraliseCsvCell(v);
    EXPECT_EQ(leads.find(cell.front()), std::string::npos) << v;
  }
}

TEST(CsvWriter, RowsEndInCrlfAndReadBackUnchanged) {
  const Rows rows{{"id", "notes", "x"},
                  {"1", "has, comma", "quote \" here"},
                  {"2", "line\r\nbreak", " lead"},
                  {"", "", "=cmd"}};
  std::string out;
  for (const auto& row : rows) appendCsvRow(out, row);
  EXPECT_EQ(out.substr(0, 12), "id,notes,x\r\n");
  EXPECT_NE(out.find(",'=cmd\r\n"), std::string::npos);
  EXPECT_EQ(readAll(out).rows, rows);
}

}  // namespace
}  // namespace fk
