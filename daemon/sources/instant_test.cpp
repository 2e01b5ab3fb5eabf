#include "api/instant.hpp"

#include <gtest/gtest.h>

namespace fk {
namespace {

using namespace std::chrono;
using api::InstantSyntax;
using api::parseRfc3339;

system_clock::time_point at(sys_days day, milliseconds time) { return day + time; }

TEST(Rfc3339, FleetkeepSyntaxIsExactlyWhatFleetkeepWrites) {
  EXPECT_EQ(parseRfc3339("2026-11-27T08:30:05Z", InstantSyntax::fleetkeep),
            at(year{2026} / 11 / 27, 8h + 30min + 5s));
  for (const char* other : {"2026-11-27t08:30:05Z", "2026-11-27T08:30:05z", "2026-11-27T08:30:05.5Z",
                            "2026-11-27T08:30:05+00:00", "2026-11-27T08:30:60Z"})
    EXPECT_FALSE(parseRfc3339(other, InstantSyntax::fleetkeep)) << other;
}

TEST(Rfc3339, OutsideSyntaxTakesWhatApisWrite) {
  const sys_days day = year{2020} / 2 / 18;
  const auto read = [](const char* text) { return parseRfc3339(text, InstantSyntax::outside); };
  EXPECT_EQ(read("2020-02-18T00:26:57Z"), at(day, 26min + 57s));
  EXPECT_EQ(read("2020-02-18t00:26:57z"), at(day, 26min + 57s));
  EXPECT_EQ(read("2020-02-18T00:26:57.3Z"), at(day, 26min + 57s + 300ms));
  EXPECT_EQ(read("2020-02-18T00:26:57.1234567Z"), at(day, 26min + 57s + 123ms));  // Graph: to the ms
  EXPECT_EQ(read("2020-02-18T01:26:57+01:00"), at(day, 26min + 57s));
  EXPECT_EQ(read("2020-02-17T18:56:57.326-05:30"), at(day, 26min + 57s + 326ms));
  EXPECT_EQ(read("2020-02-18T00:26:60Z"), at(day, 27min));  // a leap second reads as the next one
  EXPECT_EQ(read("1970-01-01T00:00:00Z"), system_clock::time_point{});
  EXPECT_TRUE(read("2199-12-31T23:59:59Z"));
}

TEST(Rfc3339, RefusesWhatIsNotAnInstantInRange) {
  for (const char* bad :
       {"", "2020-02-18", "2020-02-18T00:26:57", "2020-02-18 00:26:57Z", "2020-02-30T00:00:00Z",
        "2020-02-18T24:00:00Z", "2020-02-18T00:60:00Z", "2020-02-18T00:26:61Z", "2020-02-18T00:26:57.Z",
        "2020-02-18T00:26:57+0100", "2020-02-18T00:26:57+01", "2020-02-18T00:26:57+24:00",
        "2020-02-18T00:26:57+01:60", "2020-02-18T00:26:57Z ", "2020-2-18T00:26:57Z", "2020-02-18T0a:26:57Z",
        "2200-01-01T00:00:00Z", "4052-11-26T14:03:27.512Z", "1969-12-31T23:59:59Z",
        "1970-01-01T00:30:00+01:00", "0001-01-01T00:00:00Z"})
    EXPECT_FALSE(parseRfc3339(bad, InstantSyntax::outside)) << bad;
}

}  // namespace
}  // namespace fk
