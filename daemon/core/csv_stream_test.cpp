// A CSV read as it arrives must read exactly as the same bytes held whole: every test here compares
// the streamed path with the in-memory one, over every way of cutting the input into pieces.

#include "core/csv_stream.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/csv.hpp"
#include "core/csv_test_support.hpp"
#include "core/device_csv.hpp"

namespace fk {
namespace {

// Pieces of `size` bytes, then an abort when `abort_after` pieces were handed out (0: never).
class PieceSource : public ByteSource {
 public:
  PieceSource(std::string text, std::size_t size, std::size_t abort_after = 0)
      : text_(std::move(text)), size_(size), abort_after_(abort_after) {}
  std::optional<std::string_view> next() override {
    if (abort_after_ != 0 && given_ == abort_after_) throw InputAborted("the client went away");
    if (pos_ >= text_.size()) return std::nullopt;
    std::string_view out = std::string_view(text_).substr(pos_, size_);
    pos_ += out.size();
    ++given_;
    return out;
  }

 private:
  std::string text_;
  std::size_t size_, abort_after_, pos_ = 0, given_ = 0;
};

struct Streamed {
  std::string text;
  std::optional<FieldError> failure;
};

Streamed streamText(const std::string& body, TextEncoding encoding, std::size_t piece) {
  PieceSource source(body, piece);
  CsvTextStream stream(source, encoding);
  Streamed out;
  while (stream.more(out.text)) {
  }
  out.failure = stream.failure();
  return out;
}

TEST(PositionCounter, MatchesPositionOfHoweverTheTextIsSplit) {
  const std::string text = "ab\r\ncd\ref\n\r\ngh\xC3\xA9ij\r\rk\nl\r";
  for (std::size_t offset = 0; offset <= text.size(); ++offset) {
    if (offset < text.size() && text[offset] == '\n') continue;  // a reported byte is never LF
    const TextPosition want = positionOf(text.substr(0, offset), offset);
    for (std::size_t split = 0; split <= offset; ++split) {
      PositionCounter counter;
      counter.advance(std::string_view(text).substr(0, split));
      const TextPosition got = counter.at(std::string_view(text).substr(split), offset - split);
      EXPECT_EQ(got.line, want.line) << "offset " << offset << " split " << split;
      EXPECT_EQ(got.column, want.column) << "offset " << offset << " split " << split;
    }
  }
}

TEST(CsvTextStream, ReadsAsCsvTextDoesInEveryPieceSize) {
  const std::vector<std::pair<std::string, TextEncoding>> bodies = {
      {"\xEF\xBB\xBF" "a,b\r\nx\xC3\xA9,\xE2\x82\xAC\n\xF0\x9F\x98\x80,z\n", TextEncoding::utf8},
      {"\xEF\xBB", TextEncoding::utf8},                                   // shorter than a BOM
      {"a,b\nc\xC3", TextEncoding::utf8},                                 // cut off at the end
      {"a,b\r\ncd,e\r\nf\xFFg,h\n", TextEncoding::utf8},                  // a bad byte on line 3
      {"a\rb\r\xC3\x28", TextEncoding::utf8},                             // a bad continuation after a CR
      {"\xEF\xBB\xBF" "caf\xE9,\x80\r\nna\xEFve\n", TextEncoding::windows_1252},
      {"a,b\nok\r\nbad\x81here\n", TextEncoding::windows_1252},          // 0x81 is not Windows-1252
      {"", TextEncoding::utf8},
  };
  for (const auto& [body, encoding] : bodies) {
    std::string storage;
    const auto whole = csvText(body, encoding, storage);
    for (std::size_t piece = 1; piece <= body.size() + 1; ++piece) {
      const Streamed got = streamText(body, encoding, piece);
      if (whole) {
        EXPECT_FALSE(got.failure) << "piece " << piece;
        EXPECT_EQ(got.text, std::string(*whole)) << "piece " << piece;
      } else {
        ASSERT_TRUE(got.failure) << "piece " << piece;
        EXPECT_EQ(got.failure->line, whole.error().line) << "piece " << piece;
        EXPECT_EQ(got.failure->message, whole.error().message) << "piece " << piece;
      }
    }
  }
}

using test::readAll;

TEST(CsvReader, FromASourceReadsAsFromMemoryInEveryPieceSize) {
  const std::vector<std::string> texts = {
      "a,b,c\r\n1,\"x, \"\"y\"\"\",3\r\n\"multi\nline\",,\r\n",
      "a;b\n\"q\"\"\";\"\"\"\"\nlast;row",
      "a,b\rone,two\r\rthree,\"fo\r\nur\"\r",
      "h\n'=1+2\n\"'-x\"\n",
      "a,b\n1,\"unterminated\n2,3\n",
      "a,b\n1,x\"y\n",
      "a,b\n\"1\"x,2\n",
      "trailing,\n,\n",
  };
  for (const std::string& text : texts) {
    CsvReader whole(text, detectDelimiter(text));
    const test::CsvRecords want = readAll(whole);
    for (std::size_t piece = 1; piece <= text.size() + 1; ++piece) {
      PieceSource source(text, piece);
      CsvTextStream stream(source, TextEncoding::utf8);
      CsvReader streamed(stream);
      EXPECT_EQ(streamed.delimiter(), detectDelimiter(text)) << "piece " << piece;
      const test::CsvRecords got = readAll(streamed);
      EXPECT_EQ(got.rows, want.rows) << text << " piece " << piece;
      EXPECT_EQ(got.lines, want.lines) << text << " piece " << piece;
      EXPECT_EQ(got.error, want.error) << text << " piece " << piece;
      EXPECT_EQ(got.error_line, want.error_line) << text << " piece " << piece;
    }
  }
}

TEST(CsvReader, AQuoteLeftOpenDoesNotPullTheWholeStreamIntoMemory) {
  std::string text = "a,b\n1,\"open\n";
  while (text.size() < 3 * CsvReader::kMaxStreamedRecord) text += "more text inside the quotes,\n";
  PieceSource source(text, 64 * 1024);
  CsvTextStream stream(source, TextEncoding::utf8);
  CsvReader reader(stream);
  const test::CsvRecords got = readAll(reader);
  ASSERT_EQ(got.rows.size(), 1u);
  EXPECT_EQ(got.error_line, 2u);
  EXPECT_NE(got.error.find("longer than 1 MiB"), std::string::npos) << got.error;
}

std::string describe(const FieldErrors& errors) {
  std::string out;
  for (const FieldError& e : errors) out += std::to_string(e.line) + " " + e.field + ": " + e.message + "\n";
  return out;
}

struct Parsed {
  std::vector<std::string> tags;
  std::string errors, warnings;
};

Parsed parseAll(DeviceCsvParser& parser) {
  Parsed out;
  ImportRow row;
  while (parser.next(row)) out.tags.push_back(row.draft.asset_tag.value_or("-"));
  out.errors = describe(parser.errors());
  out.warnings = describe(parser.warnings());
  return out;
}

TEST(DeviceCsvParser, FromASourceParsesAsFromMemory) {
  const std::vector<std::string> files = {
      "asset_tag,serial,purchase_date,status\r\nT-1,S-1,3/14/2024,deployed\r\nT-2,S-2,2024-01-02,Broken\r\n"
      "T-3,S-3,5/4/2024,weird\r\n",
      "asset_tag,serial,purchase_date\nT-1,S-1,14/3/2024\nT-2,S-1,3/14/2024\nT-3,S-3,not a date\nT-1,,\n",
      "asset_tag;serial\nA;1\n\"B;x\";2\n",
      "serial,nonsense\nS-1,x\nS-2\n",
      "kind\nlaptop\n",                              // a header without a key column
      "kind\nlaptop\nbad \xFF byte\n",              // ... and bad text after it: the text wins
      "asset_tag\nT-1\n\"open\nT-2\n",
  };
  for (const std::string& file : files) {
    DeviceCsvParser whole(file);
    const Parsed want = parseAll(whole);
    for (std::size_t piece : {std::size_t{1}, std::size_t{2}, std::size_t{7}, std::size_t{64}}) {
      PieceSource source(file, piece);
      DeviceCsvParser streamed(source);
      const Parsed got = parseAll(streamed);
      EXPECT_EQ(got.tags, want.tags) << file << " piece " << piece;
      EXPECT_EQ(got.errors, want.errors) << file << " piece " << piece;
      EXPECT_EQ(got.warnings, want.warnings) << file << " piece " << piece;
    }
  }
  DeviceCsvParser bad_text("kind\nlaptop\nbad \xFF byte\n");
  parseAll(bad_text);
  ASSERT_EQ(bad_text.errors().count(), 1u);
  EXPECT_NE(bad_text.errors()[0].message.find("is not UTF-8"), std::string::npos);
}

TEST(DeviceCsvParser, ABodyCutOffThrowsFromNext) {
  std::string file = "asset_tag,serial\n";
  for (int i = 0; i < 200; ++i) file += "T-" + std::to_string(i) + ",S-" + std::to_string(i) + "\n";
  PieceSource source(file, 100, 5);
  DeviceCsvParser parser(source);
  ImportRow row;
  EXPECT_THROW(
      {
        while (parser.next(row)) {
        }
      },
      InputAborted);
}

}  // namespace
}  // namespace fk
