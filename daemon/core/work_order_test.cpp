#include "core/work_order.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <set>
#include <utility>

namespace fk {
namespace {

using S = WorkOrderStatus;

// The documented move table, written out pair by pair so the test does not reuse the code's arrays.
const std::set<std::pair<S, S>> kAllowed = {
    {S::open, S::diagnosing},          {S::open, S::in_repair},           {S::open, S::unrepairable},
    {S::open, S::cancelled},           {S::diagnosing, S::waiting_parts}, {S::diagnosing, S::in_repair},
    {S::diagnosing, S::resolved},      {S::diagnosing, S::unrepairable},  {S::diagnosing, S::cancelled},
    {S::waiting_parts, S::diagnosing}, {S::waiting_parts, S::in_repair},  {S::waiting_parts, S::unrepairable},
    {S::waiting_parts, S::cancelled},  {S::in_repair, S::diagnosing},     {S::in_repair, S::waiting_parts},
    {S::in_repair, S::resolved},       {S::in_repair, S::unrepairable},   {S::in_repair, S::cancelled},
};

TEST(WorkOrderMoves, EveryPairMatchesTheTable) {
  int allowed = 0;
  int refused = 0;
  for (S from : allWorkOrderStatuses()) {
    for (S to : allWorkOrderStatuses()) {
      const bool expected = kAllowed.count({from, to}) == 1;
      EXPECT_EQ(canMoveWorkOrder(from, to), expected) << toString(from) << " -> " << toString(to);
      auto checked = checkWorkOrderMove(from, to);
      EXPECT_EQ(checked.has_value(), expected) << toString(from) << " -> " << toString(to);
      if (expected) {
        ++allowed;
      } else {
        ++refused;
        EXPECT_EQ(checked.error().code, Errc::conflict);
        EXPECT_EQ(checked.error().details["from"], toString(from));
        EXPECT_EQ(checked.error().details["to"], toString(to));
        // The refusal lists exactly the moves that are allowed from `from`.
        std::set<std::string> listed;
        for (const auto& a : checked.error().details["allowed"]) listed.insert(a.get<std::string>());
        std::set<std::string> want;
        for (const auto& [f, t] : kAllowed) {
          if (f == from) want.insert(std::string(toString(t)));
        }
        EXPECT_EQ(listed, want) << toString(from);
      }
    }
  }
  EXPECT_EQ(allowed, 18);
  EXPECT_EQ(refused, 49 - 18);
}

TEST(WorkOrderMoves, ClosedStatusesAreFinal) {
  for (S s : {S::resolved, S::unrepairable, S::cancelled}) {
    EXPECT_TRUE(isClosed(s));
    EXPECT_TRUE(allowedWorkOrderMoves(s).empty());
    auto e = checkWorkOrderMove(s, S::open);
    ASSERT_FALSE(e);
    EXPECT_NE(e.error().message.find("closed"), std::string::npos);
  }
  for (S s : {S::open, S::diagnosing, S::waiting_parts, S::in_repair}) EXPECT_FALSE(isClosed(s));
}

TEST(WorkOrderMoves, NoStatusMovesToItself) {
  for (S s : allWorkOrderStatuses()) EXPECT_FALSE(canMoveWorkOrder(s, s)) << toString(s);
}

TEST(WorkOrderNames, RoundTripAndRefuseUnknown) {
  for (S s : allWorkOrderStatuses()) EXPECT_EQ(parseWorkOrderStatus(toString(s)), s);
  for (auto c : allWorkOrderCategories()) EXPECT_EQ(parseWorkOrderCategory(toString(c)), c);
  for (auto p : allWorkOrderPriorities()) EXPECT_EQ(parseWorkOrderPriority(toString(p)), p);
  for (auto p : allPayers()) EXPECT_EQ(parsePayer(toString(p)), p);
  EXPECT_EQ(allWorkOrderCategories().size(), 8u);
  EXPECT_EQ(allPayers().size(), 4u);
  EXPECT_FALSE(parseWorkOrderStatus("closed"));
  EXPECT_FALSE(parseWorkOrderCategory("Screen"));
  EXPECT_FALSE(parseWorkOrderCategory("toaster"));
  EXPECT_FALSE(parseWorkOrderPriority(""));
  EXPECT_FALSE(parsePayer("parent"));
  EXPECT_EQ(toString(Payer::student_fee), "student_fee");
  EXPECT_EQ(toString(S::waiting_parts), "waiting_parts");
}

TEST(WorkOrderCost, PartCostMultipliesInCents) {
  EXPECT_EQ(partCostCents(1, 5400), 5400);
  EXPECT_EQ(partCostCents(3, 1999), 5997);
  EXPECT_EQ(partCostCents(0, 1999), 0);
  EXPECT_FALSE(partCostCents(-1, 100));
  EXPECT_FALSE(partCostCents(1, -100));
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  EXPECT_FALSE(partCostCents(2, kMax / 2 + 1));
  EXPECT_EQ(partCostCents(2, kMax / 2), kMax - 1);
  // The largest inputs the bench accepts stay exact.
  EXPECT_EQ(partCostCents(kMaxPartQuantity, kMaxUnitCostCents), 1'000'000'000'000);
}

TEST(WorkOrderCost, LabourRoundsHalfUpToTheCent) {
  EXPECT_EQ(labourCostCents(60, 4000), 4000);  // an hour at 40.00
  EXPECT_EQ(labourCostCents(90, 4000), 6000);  // 1.5 h
  EXPECT_EQ(labourCostCents(1, 4000), 67);     // 66.67 -> 67
  EXPECT_EQ(labourCostCents(1, 100), 2);       // 1.666 -> 2
  EXPECT_EQ(labourCostCents(1, 20), 0);        // 0.333 -> 0
  EXPECT_EQ(labourCostCents(1, 30), 1);        // 0.5 -> 1 (half up)
  EXPECT_EQ(labourCostCents(1, 29), 0);        // 0.483 -> 0
  EXPECT_EQ(labourCostCents(45, 0), 0);        // no rate configured
  EXPECT_EQ(labourCostCents(0, 4000), 0);
  EXPECT_FALSE(labourCostCents(-1, 4000));
  EXPECT_FALSE(labourCostCents(1, -1));
  EXPECT_FALSE(labourCostCents(std::numeric_limits<std::int64_t>::max(), 2));
  EXPECT_EQ(labourCostCents(kMaxLabourMinutes, kMaxLabourRateCents), 166'666'666'667);
}

TEST(WorkOrderCost, AddIsOverflowChecked) {
  EXPECT_EQ(addCents(5400, 6000), 11400);
  EXPECT_EQ(addCents(0, 0), 0);
  EXPECT_FALSE(addCents(std::numeric_limits<std::int64_t>::max(), 1));
  EXPECT_FALSE(addCents(-1, 1));
}

TEST(WorkOrderInput, CostStrings) {
  EXPECT_EQ(parseCostField("54.00", "unit_cost"), 5400);
  EXPECT_EQ(parseCostField("54", "unit_cost"), 5400);
  EXPECT_EQ(parseCostField("0.5", "unit_cost"), 50);
  EXPECT_EQ(parseCostField("0", "unit_cost"), 0);
  EXPECT_EQ(parseCostField("1000000.00", "unit_cost"), kMaxUnitCostCents);
  for (const char* bad : {"12.345", "abc", "", "-5.00", "54.", "1e3", "1000000.01", "99999999999999999999"}) {
    auto r = parseCostField(bad, "unit_cost");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, Errc::invalid) << bad;
    EXPECT_EQ(r.error().details["field"], "unit_cost") << bad;
  }
}

TEST(WorkOrderInput, QuantityAndMinutes) {
  EXPECT_EQ(checkPartQuantity(1), 1);
  EXPECT_EQ(checkPartQuantity(kMaxPartQuantity), kMaxPartQuantity);
  for (std::int64_t bad : {std::int64_t{0}, std::int64_t{-1}, kMaxPartQuantity + 1}) {
    auto r = checkPartQuantity(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().details["field"], "quantity");
  }
  EXPECT_EQ(checkLabourMinutes(0), 0);
  EXPECT_EQ(checkLabourMinutes(kMaxLabourMinutes), kMaxLabourMinutes);
  EXPECT_FALSE(checkLabourMinutes(-5));
  EXPECT_FALSE(checkLabourMinutes(kMaxLabourMinutes + 1));
}

TEST(WorkOrderInput, Text) {
  EXPECT_EQ(checkText("  cracked screen \n", "description", 100), "cracked screen");
  EXPECT_EQ(checkText("line one\nline two\tend", "text", 100), "line one\nline two\tend");
  EXPECT_EQ(checkText("", "assignee", 100, true), "");
  auto empty = checkText("   ", "description", 100);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().details["field"], "description");
  EXPECT_FALSE(checkText("abc\x01", "text", 100));
  EXPECT_FALSE(checkText(std::string(101, 'x'), "text", 100));
  EXPECT_TRUE(checkText(std::string(100, 'x'), "text", 100));
}

TEST(WorkOrderInput, TextMustBeUtf8) {
  EXPECT_EQ(checkText(" caf\xC3\xA9 \xE2\x82\xAC ", "part", 100), "caf\xC3\xA9 \xE2\x82\xAC");
  for (const char* bad : {"caf\xC3", "\xC0\xAF", "\xED\xA0\x80 surrogate", "ok \xFF"}) {
    auto r = checkText(bad, "description", 100);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().message, "description is not valid UTF-8");
    EXPECT_EQ(r.error().details["field"], "description");
  }
  // The other faults keep their sentences.
  auto message = [](const Result<std::string>& r) { return r ? std::string("accepted") : r.error().message; };
  EXPECT_EQ(message(checkText("a\rb", "text", 100)), "text contains a control character");
  EXPECT_EQ(message(checkText("", "part", 100)), "part must not be empty");
  EXPECT_EQ(message(checkText("abcd", "part", 3)), "part is longer than 3 bytes");
}

}  // namespace
}  // namespace fk
