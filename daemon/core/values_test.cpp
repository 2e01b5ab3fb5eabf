#include "core/values.hpp"

#include <gtest/gtest.h>

namespace fk {
namespace {

using namespace std::chrono_literals;

TEST(Money, ParsesSpreadsheetSpellings) {
  EXPECT_EQ(parseMoney("54"), 5400);
  EXPECT_EQ(parseMoney("54.5"), 5450);
  EXPECT_EQ(parseMoney("54.00"), 5400);
  EXPECT_EQ(parseMoney("0.07"), 7);
  EXPECT_EQ(parseMoney("$1,234.50"), 123450);
  EXPECT_EQ(parseMoney("1,234,567"), 123456700);
  EXPECT_EQ(parseMoney("0"), 0);
}

TEST(Money, RefusesWhatIsNotAnAmount) {
  for (const char* bad :
       {"", "-5", "-5.00", "abc", "54.", ".5", "54.005", "1,23", "12,3456", ",123", "1,,234", "5 4", " 54",
        "54 ", "$", "$$5", "1e3", "99999999999999999999", "54.0x"}) {
    EXPECT_FALSE(parseMoney(bad).has_value()) << bad;
  }
}

TEST(Money, FormatsTwoDecimals) {
  EXPECT_EQ(formatMoney(0), "0.00");
  EXPECT_EQ(formatMoney(7), "0.07");
  EXPECT_EQ(formatMoney(28900), "289.00");
  EXPECT_EQ(formatMoney(123450), "1234.50");
  EXPECT_EQ(formatMoney(-150), "-1.50");
  EXPECT_EQ(formatMoney(std::numeric_limits<std::int64_t>::min()), "-92233720368547758.08");
}

TEST(Money, RoundTripsThroughText) {
  for (std::int64_t cents : {0LL, 1LL, 99LL, 100LL, 28900LL, 123456789LL}) {
    EXPECT_EQ(parseMoney(formatMoney(cents)), cents);
  }
}

TEST(Dates, AcceptsOnlyRealCalendarDays) {
  EXPECT_TRUE(isValidDate("2027-06-30"));
  EXPECT_TRUE(isValidDate("2028-02-29"));   // leap year
  EXPECT_TRUE(isValidDate("2000-02-29"));   // divisible by 400
  EXPECT_FALSE(isValidDate("1900-02-29"));  // divisible by 100, not 400
  EXPECT_FALSE(isValidDate("2027-02-29"));
  EXPECT_FALSE(isValidDate("2027-02-30"));
  EXPECT_FALSE(isValidDate("2027-04-31"));
  EXPECT_FALSE(isValidDate("2027-13-01"));
  EXPECT_FALSE(isValidDate("2027-00-10"));
  EXPECT_FALSE(isValidDate("2027-01-00"));
  EXPECT_FALSE(isValidDate("0000-01-01"));
  for (const char* bad : {"", "2027-6-30", "2027/06/30", "27-06-30", "2027-06-30T00:00:00Z", "2027-06-3x",
                          " 2027-06-30", "20270630"}) {
    EXPECT_FALSE(isValidDate(bad)) << bad;
  }
}

TEST(Dates, ParseAndFormatAgree) {
  const auto ymd = parseDate("2026-07-01");
  ASSERT_TRUE(ymd);
  EXPECT_EQ(*ymd, std::chrono::year{2026} / 7 / 1);
  EXPECT_EQ(formatDate(*ymd), "2026-07-01");
  EXPECT_EQ(formatDate(std::chrono::year{987} / 1 / 2), "0987-01-02");
}

TEST(Instants, FormatsUtcSeconds) {
  using namespace std::chrono;
  const sys_days day = year{2026} / 11 / 27;
  EXPECT_EQ(formatInstant(day + 8h + 30min), "2026-11-27T08:30:00Z");
  EXPECT_EQ(formatInstant(day + 23h + 59min + 59s + 999ms), "2026-11-27T23:59:59Z");
  EXPECT_EQ(formatInstant(system_clock::time_point{}), "1970-01-01T00:00:00Z");
}

TEST(Instants, ParseIsTheInverseOfFormatAndNothingElse) {
  using namespace std::chrono;
  const sys_days day = year{2024} / 2 / 29;
  const system_clock::time_point t = day + 23h + 59min + 58s;
  ASSERT_EQ(parseInstant(formatInstant(t)), t);
  EXPECT_EQ(parseInstant("1970-01-01T00:00:00Z"), system_clock::time_point{});
  EXPECT_TRUE(parseInstant("2199-12-31T23:59:59Z"));
  EXPECT_FALSE(parseInstant("9999-12-31T23:59:59Z"));  // past 2262 the time point would wrap
  for (const char* bad : {"", "2026-11-27", "2026-11-27T08:30:00", "2026-11-27 08:30:00Z", "2026-11-27T24:00:00Z",
                          "2026-11-27T08:60:00Z", "2026-11-27T08:30:60Z", "2026-02-30T08:30:00Z",
                          "2026-11-27T08:3a:00Z", "2026-11-27T08:30:00.5Z", "2026-11-27T08-30-00Z"})
    EXPECT_FALSE(parseInstant(bad).has_value()) << bad;
}

TEST(Instants, NowLooksLikeAnInstant) {
  const auto now = nowInstant();
  ASSERT_EQ(now.size(), 20u);
  EXPECT_TRUE(isValidDate(now.substr(0, 10)));
  EXPECT_EQ(now[10], 'T');
  EXPECT_EQ(now.back(), 'Z');
}

TEST(Macs, NormalisesCommonSpellings) {
  for (const char* in :
       {"aa:bb:cc:dd:ee:0f", "AA:BB:CC:DD:EE:0F", "aa-bb-cc-dd-ee-0f", "AABB.CCDD.EE0F", "aabbccddee0f"}) {
    EXPECT_EQ(normaliseMac(in), "aa:bb:cc:dd:ee:0f") << in;
  }
}

TEST(Macs, RefusesOtherText) {
  for (const char* bad :
       {"", "aa:bb:cc:dd:ee", "aa:bb:cc:dd:ee:ff:00", "aa:bb-cc:dd:ee:ff", "aa:bb:cc:dd:ee:gg",
        "aabb.ccdd-eeff", "aabbccddeeff0", "a:b:c:d:e:f", "aa bb cc dd ee ff", "aabbccddeefg"}) {
    EXPECT_FALSE(normaliseMac(bad).has_value()) << bad;
  }
}

TEST(Durations, ParsesUnitsAndCombinations) {
  EXPECT_EQ(parseDuration("30s"), 30s);
  EXPECT_EQ(parseDuration("5m"), 5min);
  EXPECT_EQ(parseDuration("1h"), 1h);
  EXPECT_EQ(parseDuration("1d"), 24h);
  EXPECT_EQ(parseDuration("1h30m"), 90min);
  EXPECT_EQ(parseDuration("1d2h3m4s"), 26h + 3min + 4s);
  EXPECT_EQ(parseDuration("90m"), 90min);
}

TEST(Durations, RefusesNonsense) {
  for (const char* bad : {"", "5", "-1m", "1x", "0s", "0h0m", "m", "1h 30m", "30m1h", "1h1h", "1.5h", "h1",
                          "99999999999999999999s", "9999999999999999d"}) {
    EXPECT_FALSE(parseDuration(bad).has_value()) << bad;
  }
}

TEST(ByteSizes, ParsesBinaryAndDecimalUnits) {
  EXPECT_EQ(parseByteSize("1000"), 1000u);
  EXPECT_EQ(parseByteSize("1000B"), 1000u);
  EXPECT_EQ(parseByteSize("512KiB"), 512u * 1024);
  EXPECT_EQ(parseByteSize("10MiB"), 10u * 1024 * 1024);
  EXPECT_EQ(parseByteSize("256MiB"), 256u * 1024 * 1024);
  EXPECT_EQ(parseByteSize("1GiB"), 1024ull * 1024 * 1024);
  EXPECT_EQ(parseByteSize("10MB"), 10'000'000u);
  EXPECT_EQ(parseByteSize("2kB"), 2000u);
}

TEST(ByteSizes, RefusesNonsense) {
  for (const char* bad :
       {"", "MiB", "10 MiB", "10mib", "-1", "1.5MiB", "10XB", "99999999999GiB", "99999999999999999999"}) {
    EXPECT_FALSE(parseByteSize(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace fk
