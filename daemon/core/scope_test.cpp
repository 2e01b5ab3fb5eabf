#include "core/scope.hpp"

#include <gtest/gtest.h>

namespace fk {
namespace {

Scope scope(std::vector<std::string> p) { return Scope{std::move(p)}; }

TEST(Scope, NoPrefixIsTheWholeDistrict) {
  EXPECT_TRUE(scope({}).districtWide());
  EXPECT_TRUE(scope({}).contains("anything"));
  EXPECT_TRUE(scope({}).contains(""));
}

TEST(Scope, APrefixCoversTheBuildingAndItsRooms) {
  auto s = scope({"Elm Valley Middle"});
  EXPECT_TRUE(s.contains("Elm Valley Middle"));
  EXPECT_TRUE(s.contains("Elm Valley Middle / Room 12"));
  EXPECT_TRUE(s.contains("Elm Valley Middle/Cart 3"));
}

TEST(Scope, APrefixStopsAtTheBuildingsName) {
  auto s = scope({"Elm Valley Middle"});
  EXPECT_FALSE(s.contains("Elm Valley Middle School East"));
  EXPECT_FALSE(s.contains("Elm Valley Middle School East / Room 1"));
  EXPECT_FALSE(s.contains("Elm Valley Middles"));
  EXPECT_FALSE(s.contains("elm valley middle"));  // case matters, like the stored locations
  EXPECT_FALSE(s.contains(""));
  EXPECT_FALSE(s.contains("Alder Heights High School / Room 103"));
}

TEST(Scope, APrefixMayNameARoom) {
  auto s = scope({"Alder Heights High School / Room 103"});
  EXPECT_TRUE(s.contains("Alder Heights High School / Room 103"));
  EXPECT_FALSE(s.contains("Alder Heights High School / Room 1030"));
  EXPECT_FALSE(s.contains("Alder Heights High School"));
}

TEST(Scope, AnyOfSeveralPrefixes) {
  auto s = scope({"Elm Valley Middle", "Alder Heights High School"});
  EXPECT_TRUE(s.contains("Alder Heights High School / Room 103"));
  EXPECT_TRUE(s.contains("Elm Valley Middle"));
  EXPECT_FALSE(s.contains("Birch Elementary"));
}

TEST(Scope, NormalisingTrimsSpacesAndTrailingSlashes) {
  EXPECT_EQ(normalizeScopePrefix("  Elm Valley Middle / ").value(), "Elm Valley Middle");
  EXPECT_FALSE(normalizeScopePrefix("   ").has_value());
  EXPECT_FALSE(normalizeScopePrefix("/").has_value());
  EXPECT_FALSE(normalizeScopePrefix(std::string(201, 'x')).has_value());
}

TEST(Scope, JsonRoundTrip) {
  auto s = scope({"A \"quoted\" school", "B"});
  EXPECT_EQ(scopeFromJson(scopeToJson(s)).prefixes, s.prefixes);
  EXPECT_TRUE(scopeFromJson("not json").districtWide());
}

}  // namespace
}  // namespace fk
