// Import problem lists are bounded where they are stored, not only in the reply: a file of many bad
// rows keeps the first kMaxReportedImportErrors and counts the rest.

#include <gtest/gtest.h>

#include <string>

#include "core/device_csv.hpp"
#include "core/error.hpp"
#include "core/roster_csv.hpp"

namespace fk {
namespace {

constexpr std::size_t kBadRows = 3 * kMaxReportedImportErrors + 7;

TEST(FieldErrors, KeepsTheFirstAndCountsTheRest) {
  FieldErrors errors(3);
  EXPECT_TRUE(errors.empty());
  for (std::size_t i = 1; i <= 5; ++i) errors.push_back({i, "f", "bad"});
  EXPECT_FALSE(errors.empty());
  EXPECT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors.count(), 5u);
  EXPECT_TRUE(errors.truncated());
  EXPECT_EQ(errors[2].line, 3u);

  FieldErrors more(3);
  more.push_back({0, "g", "worse"});
  errors.append(std::move(more));
  EXPECT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors.count(), 6u);
  errors.sortByLine();
  EXPECT_EQ(errors.front().line, 1u);
}

TEST(FieldErrors, TheRefusalSaysHowManyThereWere) {
  FieldErrors errors;
  for (std::size_t i = 0; i < kBadRows; ++i) errors.push_back({i + 2, "serial", "bad"});
  const Error e = importRefused(errors);
  EXPECT_EQ(e.details["error_count"], kBadRows);
  EXPECT_EQ(e.details["errors"].size(), kMaxReportedImportErrors);
  EXPECT_EQ(e.details["truncated"], true);
  EXPECT_EQ(e.message, std::to_string(kBadRows) + " errors; nothing was imported");
}

TEST(ImportErrorCap, DeviceCsvParserStoresNoMoreThanTheCap) {
  std::string csv = "asset_tag,serial,purchase_date\n";
  for (std::size_t i = 0; i < kBadRows; ++i) csv += "T" + std::to_string(i) + ",S" + std::to_string(i) + ",not-a-date\n";
  DeviceCsvParser parser(csv);
  ImportRow row;
  while (parser.next(row)) {
  }
  EXPECT_LE(parser.errors().size(), kMaxReportedImportErrors);
  EXPECT_EQ(parser.errors().count(), kBadRows);
  EXPECT_EQ(parser.errors().front().line, 2u);
  EXPECT_EQ(importRefused(parser.errors()).details["error_count"], kBadRows);
}

TEST(ImportErrorCap, RosterStoresNoMoreThanTheCap) {
  std::string csv = "external_id,name,role\n";
  for (std::size_t i = 0; i < kBadRows; ++i) csv += "P" + std::to_string(i) + ",Name,wizard\n";
  const ParsedRoster parsed = parseRosterCsv(csv);
  EXPECT_LE(parsed.errors.size(), kMaxReportedImportErrors);
  EXPECT_EQ(parsed.errors.count(), kBadRows);
}

}  // namespace
}  // namespace fk
