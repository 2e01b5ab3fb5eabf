// Fuzz-style robustness of the CSV import reader: random bytes, random mixes of CSV's special
// characters and very long lines must end in rows or errors, never a crash, a hang or a read out of
// bounds (this runs under ASan/UBSan in the sanitizer pass). Seeds are fixed so a failure repeats.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include "core/csv.hpp"
#include "core/csv_date.hpp"
#include "core/csv_input.hpp"
#include "core/device_csv.hpp"
#include "core/roster_csv.hpp"

namespace fk {
namespace {

// Every combination the import can be asked for.
std::vector<DeviceImportOptions> allOptions() {
  std::vector<DeviceImportOptions> out;
  for (TextEncoding e : {TextEncoding::utf8, TextEncoding::windows_1252}) {
    for (DateOrder d : {DateOrder::unknown, DateOrder::mdy, DateOrder::dmy}) {
      for (bool strict : {false, true}) {
        DeviceImportOptions o;
        o.csv = {e, d, strict};
        out.push_back(o);
      }
    }
  }
  return out;
}

// Parses `body` every way and checks what comes back is consistent.
void parseEveryWay(const std::string& body) {
  for (const auto& options : allOptions()) {
    DeviceCsvParser parser(body, options);
    ImportRow row;
    std::size_t rows = 0, last_line = 0;
    while (parser.next(row)) {
      ++rows;
      ASSERT_GT(row.line, last_line) << "rows come in file order";
      last_line = row.line;
    }
    ASSERT_LE(rows, parser.rowsAtMost());
    for (const auto& e : parser.errors()) ASSERT_FALSE(e.message.empty());
    parseRosterCsv(body, options.csv);
  }
  std::vector<std::string> fields;
  for (char delimiter : {',', ';', '\t'}) {
    CsvReader reader(body, delimiter);
    std::size_t guard = 0;
    while (reader.next(fields)) ASSERT_LT(++guard, body.size() + 2) << "the reader always moves on";
  }
}

TEST(CsvRobustness, RandomBytes) {
  std::mt19937 rng(20261207);
  std::uniform_int_distribution<int> byte(0, 255), length(0, 400);
  for (int i = 0; i < 300; ++i) {
    std::string body(static_cast<std::size_t>(length(rng)), '\0');
    for (char& c : body) c = static_cast<char>(byte(rng));
    parseEveryWay(body);
  }
}

TEST(CsvRobustness, RandomMixesOfCsvSyntax) {
  // A header the parser knows, then bodies made of the characters that steer it.
  static constexpr std::string_view kAlphabet = ",;\t\"\r\n aA1/.-:E+\xC3\xA9\xEF\xBB\xBF\x80";
  std::mt19937 rng(7);
  std::uniform_int_distribution<std::size_t> pick(0, kAlphabet.size() - 1), length(0, 300);
  const std::string headers[] = {"asset_tag,serial,purchase_date,status\n",
                                 "Asset Tag;Serial Number;Purchase Date;Checkout Type;Checked Out To: Username\n",
                                 "external_id\tname\trole\n", ""};
  for (int i = 0; i < 400; ++i) {
    std::string body = headers[static_cast<std::size_t>(i) % std::size(headers)];
    const std::size_t n = length(rng);
    for (std::size_t k = 0; k < n; ++k) body += kAlphabet[pick(rng)];
    parseEveryWay(body);
  }
}

// Every input libFuzzer keeps for the CSV parsers (fuzz/corpus/*_csv: seeds and the findings fixed
// since), so the GCC build replays them too.
TEST(CsvRobustness, FuzzCorpus) {
  std::size_t files = 0;
  for (const char* name : {"device_csv", "roster_csv", "snipeit_csv"}) {
    const std::filesystem::path dir = std::filesystem::path(FLEETKEEP_SOURCE_DIR) / "fuzz" / "corpus" / name;
    if (!std::filesystem::is_directory(dir)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      std::ifstream in(entry.path(), std::ios::binary);
      const std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      SCOPED_TRACE(entry.path().string());
      parseEveryWay(body);
      ++files;
    }
  }
  EXPECT_GT(files, 0u);
}

// Found by fuzz_device_csv: LF-ended header, CR-ended rows; more rows came back than rowsAtMost().
TEST(CsvRobustness, MixedLineEndsStayWithinRowsAtMost) { parseEveryWay("asset_tag\nA1\rA2\rA3\r"); }

TEST(CsvRobustness, HugeLines) {
  // One 2 MiB unquoted cell, one 2 MiB quoted cell full of delimiters and line ends, a header of
  // 20,000 columns, and a file of one 2 MiB line with no line end at all.
  const std::string big(2u << 20, 'x');
  parseEveryWay("asset_tag,notes\nA-1," + big + "\n");
  std::string quoted = "asset_tag,notes\nA-1,\"";
  for (int i = 0; i < (1 << 17); ++i) quoted += "a,;\r\n\"\"b\t";
  parseEveryWay(quoted + "\"\n");
  std::string wide = "asset_tag";
  for (int i = 0; i < 20000; ++i) wide += ",c" + std::to_string(i);
  parseEveryWay(wide + "\nA-1\n");
  parseEveryWay(big);
}

TEST(CsvRobustness, DatesOfEveryShortShape) {
  static constexpr std::string_view kChars = "0123456789/.-: ";
  std::mt19937 rng(3);
  std::uniform_int_distribution<std::size_t> pick(0, kChars.size() - 1), length(0, 20);
  for (int i = 0; i < 20000; ++i) {
    std::string cell;
    const std::size_t n = length(rng);
    for (std::size_t k = 0; k < n; ++k) cell += kChars[pick(rng)];
    for (DateOrder order : {DateOrder::unknown, DateOrder::mdy, DateOrder::dmy}) {
      const CsvDate d = parseCsvDate(cell, order);
      if (d.kind != CsvDate::Kind::invalid && d.kind != CsvDate::Kind::ambiguous) {
        ASSERT_EQ(d.iso.size(), 10u) << cell;
      }
    }
  }
}

}  // namespace
}  // namespace fk
