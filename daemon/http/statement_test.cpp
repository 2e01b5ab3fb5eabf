#include "http/statement.hpp"
#include "notify/templates.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace fk {
namespace {

PersonLedger ana() {
  PersonLedger l;
  l.person.external_id = "S1";
  l.person.name = "Ana <O'Neil>";
  l.person.household = "H-7";
  LedgerEntry charge;
  charge.kind = LedgerKind::charge;
  charge.amount_cents = 1234567'89;
  charge.reason = "damage";
  charge.basis = "no plan: repair cost 1234567.89";
  charge.at = "2026-10-02T10:00:00Z";
  LedgerEntry paid;
  paid.kind = LedgerKind::payment;
  paid.amount_cents = 67'89;
  paid.reason = "payment";
  paid.method = "cash";
  paid.at = "2026-10-03T10:00:00Z";
  l.entries = {charge, paid};
  l.summary = summarize(std::vector<LedgerLine>{{LedgerKind::charge, charge.amount_cents, charge.at},
                                                {LedgerKind::payment, paid.amount_cents, paid.at}});
  return l;
}

TEST(Statement, FiguresAreTextAndNamesAreEscaped) {
  FeePolicy policy;
  policy.hold_at_cents = 50'00;
  auto html = renderStatement({{ana()}, false, &policy, "2026-11-01"});
  ASSERT_TRUE(html) << html.error().message;
  // Large amounts print as money, never as 1.23457e+06.
  EXPECT_NE(html->find("1234567.89"), std::string::npos);
  EXPECT_NE(html->find("<span class=\"balance\">1234500.00</span>"), std::string::npos);
  EXPECT_EQ(html->find("e+0"), std::string::npos);
  EXPECT_NE(html->find("Ana &lt;O&#39;Neil&gt;"), std::string::npos);
  EXPECT_EQ(html->find("Ana <O"), std::string::npos);
  EXPECT_NE(html->find("on hold"), std::string::npos);
  EXPECT_NE(html->find("Statement date: 2026-11-01"), std::string::npos);
}

// Mail rendering turns mstch's own escaping off for the whole process; statements escape regardless.
TEST(Statement, NamesStayEscapedAfterAMailWasRendered) {
  useIdentityEscape();
  auto html = renderStatement({{ana()}, false, nullptr, "2026-11-01"});
  ASSERT_TRUE(html) << html.error().message;
  EXPECT_NE(html->find("Ana &lt;O&#39;Neil&gt;"), std::string::npos);
  EXPECT_EQ(html->find("Ana <O"), std::string::npos);
}

TEST(Statement, HouseholdTotalsEveryMember) {
  auto html = renderStatement({{ana(), ana()}, true, nullptr, "2026-11-01"});
  ASSERT_TRUE(html);
  EXPECT_NE(html->find("Household H-7"), std::string::npos);
  EXPECT_NE(html->find("<span class=\"household-balance\">2469000.00</span>"), std::string::npos);
}

TEST(Statement, ATemplatesFolderOverridesTheBuiltIn) {
  const auto dir = std::filesystem::temp_directory_path() / ("fk-statement-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  FeePolicy policy;
  policy.templates_dir = dir.string();
  auto builtin = renderStatement({{ana()}, false, &policy, "2026-11-01"});
  ASSERT_TRUE(builtin);
  EXPECT_NE(builtin->find("<!DOCTYPE html>"), std::string::npos);
  std::ofstream(dir / "statement.html.mustache") << "{{#people}}{{external_id}} owes {{balance}}{{/people}}";
  auto custom = renderStatement({{ana()}, false, &policy, "2026-11-01"});
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(custom);
  EXPECT_EQ(*custom, "S1 owes 1234500.00");
}

}  // namespace
}  // namespace fk
