#include "core/fees.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "core/config.hpp"
#include "core/values.hpp"

namespace fk {
namespace {

using namespace std::chrono;

// interfaces.md's example policy, written out by hand.
FeePolicy examplePolicy() {
  FeePolicy p;
  p.school_year_start = {8, 1};
  p.plans.push_back({"protection", 25'00, {{false, 0}, {false, 50'00}, {true, 0}}});
  p.cap_per_incident_cents = 300'00;
  p.hold_at_cents = 50'00;
  return p;
}

year_month_day day(const char* text) {
  return *parseDate(text);
}

TEST(Fees, SchoolYearBoundaries) {
  const FeePolicy p = examplePolicy();
  EXPECT_EQ(schoolYearOf(day("2026-07-31"), p), 2026);
  EXPECT_EQ(schoolYearOf(day("2026-08-01"), p), 2027);
  EXPECT_EQ(schoolYearOf(day("2026-12-31"), p), 2027);
  EXPECT_EQ(schoolYearOf(day("2027-01-01"), p), 2027);
  EXPECT_EQ(schoolYearOf(day("2027-07-31"), p), 2027);
  EXPECT_EQ(schoolYearOf(day("2027-08-01"), p), 2028);
  EXPECT_EQ(schoolYearSpan(2027, p), "2026-08-01 to 2027-07-31");
  FeePolicy jan = p;
  jan.school_year_start = {1, 1};
  EXPECT_EQ(schoolYearOf(day("2027-01-01"), jan), 2027);
  EXPECT_EQ(schoolYearOf(day("2026-12-31"), jan), 2026);
}

TEST(Fees, EveryTierOfThePlan) {
  const FeePolicy p = examplePolicy();
  const FeePlan* plan = p.plan("protection");
  ASSERT_NE(plan, nullptr);
  EXPECT_EQ(p.plan("gold"), nullptr);
  // 1st incident covered, 2nd the deductible, 3rd and every later one the full cost.
  EXPECT_EQ(assessIncident(p, {IncidentKind::damage, 120'00, 1, plan}).cents, 0);
  EXPECT_EQ(assessIncident(p, {IncidentKind::damage, 120'00, 2, plan}).cents, 50'00);
  EXPECT_EQ(assessIncident(p, {IncidentKind::damage, 120'00, 3, plan}).cents, 120'00);
  EXPECT_EQ(assessIncident(p, {IncidentKind::damage, 120'00, 4, plan}).cents, 120'00);
  EXPECT_EQ(assessIncident(p, {IncidentKind::damage, 120'00, 17, plan}).cents, 120'00);
  EXPECT_EQ(assessIncident(p, {IncidentKind::damage, 120'00, 2, plan}).basis,
            "protection plan, 2nd incident of the year: 50.00");
  // Losses use the same tiers; full means the replacement cost.
  EXPECT_EQ(assessIncident(p, {IncidentKind::lost, 289'00, 1, plan}).cents, 0);
  EXPECT_EQ(assessIncident(p, {IncidentKind::stolen, 289'00, 3, plan}).cents, 289'00);
}

TEST(Fees, ADeductibleNeverExceedsTheCost) {
  const FeePolicy p = examplePolicy();
  const auto a = assessIncident(p, {IncidentKind::damage, 30'00, 2, p.plan("protection")});
  EXPECT_EQ(a.cents, 30'00);
  EXPECT_EQ(a.basis, "protection plan, 2nd incident of the year: 50.00, limited to the repair cost 30.00");
  EXPECT_EQ(assessIncident(p, {IncidentKind::damage, 0, 2, p.plan("protection")}).cents, 0);
}

TEST(Fees, UninsuredAtCostOrFlat) {
  FeePolicy p = examplePolicy();
  EXPECT_EQ(assessIncident(p, {IncidentKind::damage, 80'00, 1, nullptr}).cents, 80'00);
  EXPECT_EQ(assessIncident(p, {IncidentKind::damage, 80'00, 5, nullptr}).cents, 80'00);
  EXPECT_EQ(assessIncident(p, {IncidentKind::lost, 289'00, 1, nullptr}).cents, 289'00);
  EXPECT_EQ(assessIncident(p, {IncidentKind::lost, 289'00, 1, nullptr}).basis, "no plan: replacement cost 289.00");
  p.uninsured_damage = {false, 40'00};
  p.uninsured_lost = {false, 150'00};
  EXPECT_EQ(assessIncident(p, {IncidentKind::damage, 80'00, 1, nullptr}).cents, 40'00);
  EXPECT_EQ(assessIncident(p, {IncidentKind::stolen, 289'00, 1, nullptr}).cents, 150'00);
}

TEST(Fees, CapAppliesToEveryRoute) {
  FeePolicy p = examplePolicy();
  const FeePlan* plan = p.plan("protection");
  const auto lost = assessIncident(p, {IncidentKind::lost, 329'00, 3, plan});
  EXPECT_EQ(lost.cents, 300'00);
  EXPECT_EQ(lost.basis, "protection plan, 3rd incident of the year: full replacement cost 329.00, capped at 300.00");
  EXPECT_EQ(assessIncident(p, {IncidentKind::damage, 450'00, 1, nullptr}).cents, 300'00);
  EXPECT_EQ(assessIncident(p, {IncidentKind::damage, 300'00, 1, nullptr}).cents, 300'00);  // at the cap: unchanged
  p.uninsured_lost = {false, 500'00};
  EXPECT_EQ(assessIncident(p, {IncidentKind::lost, 0, 1, nullptr}).cents, 300'00);
  p.cap_per_incident_cents.reset();
  EXPECT_EQ(assessIncident(p, {IncidentKind::damage, 450'00, 1, nullptr}).cents, 450'00);
}

TEST(Fees, APlanWithOneTierPricesEveryIncidentAlike) {
  FeePolicy p;
  p.plans.push_back({"basic", 10'00, {{false, 20'00}}});
  for (int n = 1; n <= 5; ++n)
    EXPECT_EQ(assessIncident(p, {IncidentKind::damage, 100'00, n, p.plan("basic")}).cents, 20'00) << n;
}

TEST(Fees, RefundWhenFound) {
  FeePolicy p = examplePolicy();
  EXPECT_EQ(refundFor(p, 300'00), 300'00);
  EXPECT_EQ(refundFor(p, 0), 0);
  p.refund_when_recovered = false;
  EXPECT_EQ(refundFor(p, 300'00), 0);
}

TEST(Fees, SummaryBalanceAndOldestUnpaidCharge) {
  const std::vector<LedgerLine> lines{
      {LedgerKind::charge, 25'00, "2026-08-20T10:00:00Z"},   // premium
      {LedgerKind::payment, 25'00, "2026-08-21T10:00:00Z"},  // paid
      {LedgerKind::charge, 50'00, "2026-10-02T10:00:00Z"},
      {LedgerKind::charge, 300'00, "2027-01-15T10:00:00Z"},
      {LedgerKind::refund, 300'00, "2027-02-01T10:00:00Z"},
  };
  const auto s = summarize(lines);
  EXPECT_EQ(s.balance_cents, 50'00);
  EXPECT_EQ(s.charged_cents, 375'00);
  EXPECT_EQ(s.credited_cents, 325'00);
  // Credits pay the oldest charges first: the October one... and the refund covers it too.
  EXPECT_EQ(s.oldest_unpaid_charge, "2027-01-15");
}

TEST(Fees, SummaryCreditBeforeChargeAndEmpty) {
  EXPECT_EQ(summarize({}).balance_cents, 0);
  EXPECT_EQ(summarize({}).oldest_unpaid_charge, "");
  const std::vector<LedgerLine> lines{
      {LedgerKind::payment, 10'00, "2026-08-01T00:00:00Z"},
      {LedgerKind::charge, 25'00, "2026-08-02T00:00:00Z"},
      {LedgerKind::waiver, 15'00, "2026-08-03T00:00:00Z"},
  };
  const auto s = summarize(lines);
  EXPECT_EQ(s.balance_cents, 0);
  EXPECT_EQ(s.oldest_unpaid_charge, "");
  const std::vector<LedgerLine> partly{
      {LedgerKind::charge, 25'00, "2026-08-02T00:00:00Z"},
      {LedgerKind::payment, 5'00, "2026-08-03T00:00:00Z"},
  };
  EXPECT_EQ(summarize(partly).balance_cents, 20'00);
  EXPECT_EQ(summarize(partly).oldest_unpaid_charge, "2026-08-02");
}

TEST(Fees, HoldAtOrAboveTheThreshold) {
  FeePolicy p = examplePolicy();
  EXPECT_FALSE(onHold(p, 49'99));
  EXPECT_TRUE(onHold(p, 50'00));
  EXPECT_TRUE(onHold(p, 50'01));
  EXPECT_FALSE(onHold(p, -100'00));
  p.hold_at_cents.reset();
  EXPECT_FALSE(onHold(p, 1000'00));
}

TEST(Fees, AmountsFromBodies) {
  EXPECT_EQ(checkFeeAmount("25.00", "amount").value(), 25'00);
  EXPECT_EQ(checkFeeAmount("0.01", "amount").value(), 1);
  for (const char* bad : {"0.00", "-5.00", "abc", "", "100000.01"}) {
    auto r = checkFeeAmount(bad, "amount");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().details["field"], "amount");
  }
}

TEST(Fees, OrdinalsAndKinds) {
  EXPECT_EQ(ordinal(1), "1st");
  EXPECT_EQ(ordinal(2), "2nd");
  EXPECT_EQ(ordinal(3), "3rd");
  EXPECT_EQ(ordinal(4), "4th");
  EXPECT_EQ(ordinal(11), "11th");
  EXPECT_EQ(ordinal(12), "12th");
  EXPECT_EQ(ordinal(13), "13th");
  EXPECT_EQ(ordinal(21), "21st");
  EXPECT_EQ(ordinal(112), "112th");
  for (auto k : {LedgerKind::charge, LedgerKind::payment, LedgerKind::waiver, LedgerKind::refund})
    EXPECT_EQ(parseLedgerKind(toString(k)), k);
  EXPECT_FALSE(parseLedgerKind("debit"));
}

TEST(Fees, PolicyInWords) {
  const auto words = describePolicy(examplePolicy());
  ASSERT_GE(words.size(), 4u);
  EXPECT_EQ(words[0],
            "The protection plan costs 25.00 a school year. Within a school year, the 1st incident is covered; "
            "the 2nd incident costs 50.00; the 3rd and later incident is charged in full.");
  EXPECT_EQ(words[2], "No incident is charged more than 300.00.");
}

class FeesConfigTest : public ::testing::Test {
 protected:
  std::string path_ = (std::filesystem::temp_directory_path() /
                       ("fk-fees-config-" + std::to_string(::getpid()) + ".yaml")).string();
  void TearDown() override { std::filesystem::remove(path_); }

  std::expected<Config, std::vector<ConfigProblem>> load(const std::string& text) {
    std::ofstream(path_) << text;
    return loadConfig(path_);
  }
  std::string problems(const std::string& text) {
    auto c = load(text);
    if (c) return "ok";
    std::string out;
    for (const auto& p : c.error()) out += "L" + std::to_string(p.line) + ":" + std::to_string(p.column) + " " + p.message + "\n";
    return out;
  }
};

TEST_F(FeesConfigTest, TheInterfacesExampleParses) {
  auto c = load(R"(fees:
  school_year_start: "08-01"
  plans:
    - {name: protection, premium: "25.00", incidents: ["0.00", "50.00", full]}
  uninsured: {damage: repair_cost, lost: replacement_cost}
  cap_per_incident: "300.00"
  hold_at: "50.00"
  refund_when_recovered: true
  templates_dir: templates
)");
  ASSERT_TRUE(c) << problems("");
  ASSERT_TRUE(c->fees);
  const FeePolicy& p = *c->fees;
  EXPECT_EQ(p.school_year_start.month, 8);
  EXPECT_EQ(p.school_year_start.day, 1);
  ASSERT_EQ(p.plans.size(), 1u);
  EXPECT_EQ(p.plans[0].premium_cents, 25'00);
  EXPECT_EQ(p.plans[0].incidents, (std::vector<TierAmount>{{false, 0}, {false, 50'00}, {true, 0}}));
  EXPECT_TRUE(p.uninsured_damage.at_cost);
  EXPECT_EQ(p.cap_per_incident_cents, 300'00);
  EXPECT_EQ(p.hold_at_cents, 50'00);
  EXPECT_TRUE(p.refund_when_recovered);
  EXPECT_EQ(p.templates_dir, (std::filesystem::path(path_).parent_path() / "templates").string());
}

TEST_F(FeesConfigTest, NoBlockNoFees) {
  auto c = load("log_level: info\n");
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->fees);
}

TEST_F(FeesConfigTest, EveryProblemWithItsPosition) {
  EXPECT_EQ(problems(R"(fees:
  school_year_start: "02-29"
  plans:
    - {name: protection, premium: "abc", incidents: ["0.00", "half", full]}
    - {name: protection, incidents: []}
    - {premium: "5.00"}
  uninsured: {damage: replacement_cost, lost: "-3"}
  cap_per_incident: "0.00"
  hold_at: 12.5.0
  refund_when_recovered: maybe
  colour: blue
)"),
            "L2:22 fees.school_year_start: \"02-29\" is not a month and day MM-DD that every year has (e.g. \"08-01\")\n"
            "L4:35 fees.plans[0].premium: must be an amount like \"25.00\" from 0.00 to 100000.00, got \"abc\"\n"
            "L4:62 fees.plans[0].incidents[1]: \"half\" is neither an amount (e.g. \"50.00\") nor full\n"
            "L5:14 fees.plans[1].name: duplicate plan \"protection\" (first on line 4)\n"
            "L5:37 fees.plans[1].incidents: expected a list of amounts or full, one per incident (e.g. [\"0.00\", \"50.00\", full])\n"
            "L6:7 fees.plans[2]: missing required key \"name\"\n"
            "L6:7 fees.plans[2]: missing required key \"incidents\"\n"
            "L7:23 fees.uninsured.damage: must be repair_cost or an amount like \"100.00\", got \"replacement_cost\"\n"
            "L7:47 fees.uninsured.lost: must be replacement_cost or an amount like \"100.00\", got \"-3\"\n"
            "L8:21 fees.cap_per_incident: must be an amount like \"25.00\" from 0.01 to 100000.00, got \"0.00\"\n"
            "L9:12 fees.hold_at: must be an amount like \"25.00\" from 0.01 to 100000.00, got \"12.5.0\"\n"
            "L10:26 fees.refund_when_recovered: \"maybe\" is not one of true, false\n"
            "L11:3 unknown key \"colour\"\n");
}

}  // namespace
}  // namespace fk
