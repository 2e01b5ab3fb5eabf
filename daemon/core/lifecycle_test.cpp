#include "core/lifecycle.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace fk {
namespace {

// Written out from product.md by hand, independently of lifecycle.cpp's tables.
const std::map<std::string, std::set<std::string>> kExpected{
    {"on_order", {"in_stock"}},
    {"in_stock", {"deployed", "in_repair", "lost", "stolen", "retired"}},
    {"deployed", {"in_stock", "in_repair", "lost", "stolen"}},
    {"in_repair", {"in_stock", "deployed", "retired"}},
    {"lost", {"in_stock", "retired"}},
    {"stolen", {"in_stock", "retired"}},
    {"retired", {"disposed"}},
    {"disposed", {}},
};

TEST(Lifecycle, EveryPairMatchesTheSpec) {
  const std::vector<std::string> names{"on_order", "in_stock", "deployed", "in_repair",
                                       "lost",     "stolen",   "retired",  "disposed"};
  int allowed = 0;
  for (const auto& from_name : names) {
    for (const auto& to_name : names) {
      const auto from = parseStatus(from_name);
      const auto to = parseStatus(to_name);
      ASSERT_TRUE(from && to);
      const bool expected = kExpected.at(from_name).count(to_name) > 0;
      EXPECT_EQ(canMove(*from, *to), expected) << from_name << " -> " << to_name;
      const auto status = checkTransition(*from, *to);
      EXPECT_EQ(status.has_value(), expected) << from_name << " -> " << to_name;
      if (!status) {
        EXPECT_EQ(status.error().code, Errc::conflict);
        EXPECT_EQ(status.error().details["from"], from_name);
        EXPECT_EQ(status.error().details["to"], to_name);
      }
      allowed += expected;
    }
  }
  EXPECT_EQ(allowed, 18);
}

TEST(Lifecycle, AllowedMovesListsTheSpecSet) {
  for (auto s : allStatuses()) {
    std::set<std::string> got;
    for (auto to : allowedMoves(s)) got.insert(std::string(toString(to)));
    EXPECT_EQ(got, kExpected.at(std::string(toString(s)))) << toString(s);
  }
}

TEST(Lifecycle, RefusalNamesTheAllowedMoves) {
  const auto status = checkTransition(DeviceStatus::deployed, DeviceStatus::disposed);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message,
            "cannot move from deployed to disposed; allowed: in_stock, in_repair, lost, stolen");
  EXPECT_EQ(status.error().details,
            (nlohmann::json{{"from", "deployed"},
                            {"to", "disposed"},
                            {"allowed", {"in_stock", "in_repair", "lost", "stolen"}}}));
}

TEST(Lifecycle, SameStateAndFinalStateAreRefused) {
  const auto same = checkTransition(DeviceStatus::in_stock, DeviceStatus::in_stock);
  ASSERT_FALSE(same);
  EXPECT_EQ(same.error().message,
            "cannot move from in_stock to in_stock; allowed: deployed, in_repair, lost, stolen, retired");

  const auto final_state = checkTransition(DeviceStatus::disposed, DeviceStatus::in_stock);
  ASSERT_FALSE(final_state);
  EXPECT_EQ(final_state.error().message, "cannot move from disposed to in_stock; allowed: none");
  EXPECT_EQ(final_state.error().details["allowed"], nlohmann::json::array());
}

}  // namespace
}  // namespace fk
