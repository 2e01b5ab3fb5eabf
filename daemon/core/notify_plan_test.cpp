#include "core/notify_plan.hpp"

#include <gtest/gtest.h>

#include "core/circulation.hpp"

namespace fk {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::system_clock;

// 2026-12-07 is a Monday.
NotificationsConfig baseConfig() {
  NotificationsConfig c;
  c.send_window.timezone = "America/Chicago";
  c.building_contacts = {{"Maple Middle", "librarian@maple.example.org"}};
  return c;
}

LoanFact loan(std::string person, std::string email, std::string due, std::string out = "2026-09-01") {
  return {person, "Student " + person, email, "Maple Middle", "CB-" + person, "Chromebook 3100", out, due};
}

struct Planner {
  NotificationsConfig config = baseConfig();
  NoticePlan run(const std::string& today, std::vector<LoanFact> loans, std::vector<RepairFact> repairs = {},
                 std::vector<CollectionFact> collections = {}) {
    NoticeCalendar cal(config, *TimeZone::locate(config.send_window.timezone));
    return planNotices(config, cal, {today, std::move(loans), std::move(repairs), std::move(collections)});
  }
};

std::vector<std::string> keys(const NoticePlan& p) {
  std::vector<std::string> out;
  for (const auto& n : p.notices) out.push_back(std::string(toString(n.kind)) + " " + n.subject + " " + n.day);
  return out;
}

TEST(NotifyPlan, DueSoonStepsOnTheirDays) {
  Planner p;
  // Due Friday 2026-12-18: 7 days before is Friday 12-11, 1 day before Thursday 12-17.
  auto l = loan("S1", "ada@example.org", "2026-12-18");
  EXPECT_TRUE(p.run("2026-12-10", {l}).notices.empty());
  EXPECT_EQ(keys(p.run("2026-12-11", {l})), std::vector<std::string>{"due_soon ada@example.org 2026-12-11"});
  // The 7-day step keeps its key on later days, so a re-plan is deduplicated by the outbox.
  EXPECT_EQ(keys(p.run("2026-12-14", {l})), std::vector<std::string>{"due_soon ada@example.org 2026-12-11"});
  EXPECT_EQ(keys(p.run("2026-12-17", {l})), std::vector<std::string>{"due_soon ada@example.org 2026-12-17"});
  const auto n = p.run("2026-12-17", {l}).notices.at(0);
  EXPECT_EQ(n.context["items"][0]["tag"], "CB-S1");
  EXPECT_EQ(n.context["items"][0]["days_left"], 1);
  EXPECT_EQ(n.context["items"][0]["return_to"], "Maple Middle");
}

TEST(NotifyPlan, WeekendPostponesToMondayNeverSkips) {
  Planner p;
  // Due Tuesday 2026-12-15 + 1 overdue = Wednesday; due - 7 = Tuesday 12-08. Due 2026-12-14 (Monday):
  // 1 day before is Sunday 12-13 -> postponed to Monday 12-14 (the due day itself).
  auto l = loan("S2", "bo@example.org", "2026-12-14");
  EXPECT_EQ(keys(p.run("2026-12-12", {l})), std::vector<std::string>{"due_soon bo@example.org 2026-12-07"});
  EXPECT_EQ(keys(p.run("2026-12-13", {l})), std::vector<std::string>{"due_soon bo@example.org 2026-12-07"});
  EXPECT_EQ(keys(p.run("2026-12-14", {l})), std::vector<std::string>{"due_soon bo@example.org 2026-12-14"});
  // Overdue by one day on Saturday 12-19 for a loan due Friday 12-18 -> Monday 12-21.
  auto f = loan("S3", "cy@example.org", "2026-12-18");
  EXPECT_EQ(keys(p.run("2026-12-19", {f}))[0], "due_soon cy@example.org 2026-12-17");
  EXPECT_EQ(keys(p.run("2026-12-21", {f}))[0], "overdue cy@example.org 2026-12-21");
}

TEST(NotifyPlan, ClosuresPostponeAndTheLastStepCopiesTheBuilding) {
  Planner p;
  p.config.closed = {{"2026-12-21", "2027-01-01"}};
  // Due 2026-12-18 (Friday): overdue 1 -> 12-19 Sat; 7 -> 12-25; 14 -> 2027-01-01: all in the break.
  auto l = loan("S4", "di@example.org", "2026-12-18");
  // During the break only the earlier due-soon reminder's key comes back (the outbox already has it).
  EXPECT_EQ(keys(p.run("2026-12-21", {l})), std::vector<std::string>{"due_soon di@example.org 2026-12-17"});
  for (std::string d : {"2026-12-28", "2027-01-01"}) EXPECT_TRUE(p.run(d, {l}).notices.empty()) << d;
  const auto after = p.run("2027-01-04", {l});
  ASSERT_EQ(keys(after), std::vector<std::string>{"overdue di@example.org 2027-01-04"});
  // Only the latest step is sent after a closure, and it is the last one: the librarian is copied.
  EXPECT_EQ(after.notices[0].cc, std::vector<std::string>{"librarian@maple.example.org"});
  EXPECT_EQ(after.notices[0].context["items"][0]["step"], 14);
  EXPECT_EQ(after.notices[0].context["items"][0]["days_overdue"], 17);
  // The first step alone copies nobody.
  Planner q;
  const auto first = q.run("2026-12-21", {l});
  ASSERT_EQ(first.notices.size(), 1u);
  EXPECT_TRUE(first.notices[0].cc.empty());
}

TEST(NotifyPlan, OneMailPerHouseholdAddressAndNoEmailCounted) {
  Planner p;
  auto a = loan("S5", "Parent@Example.org", "2026-12-04");
  auto b = loan("S6", "parent@example.org", "2026-12-04");
  auto c = loan("S7", "", "2026-12-04");
  auto d = loan("S8", "other@example.org", "2026-12-04");
  const auto plan = p.run("2026-12-07", {a, b, c, d});
  ASSERT_EQ(keys(plan), (std::vector<std::string>{"overdue other@example.org 2026-12-07",
                                                   "overdue parent@example.org 2026-12-07"}));
  const auto& household = plan.notices[1];
  EXPECT_EQ(household.context["items"].size(), 2u);
  EXPECT_EQ(household.context["names"], "Student S5 and Student S6");
  // The other family's mail names only its own student.
  EXPECT_EQ(plan.notices[0].context.dump().find("S5"), std::string::npos);
  EXPECT_EQ(plan.people_without_email, 1);
}

TEST(NotifyPlan, TheRosterHouseholdGroupsMailsAtASharedAddress) {
  Planner p;
  auto withHousehold = [](LoanFact l, std::string h) {
    l.household = std::move(h);
    return l;
  };
  // Two siblings of household H1 and a child of H2 at one shared address (a carer's), one child of H1 at
  // another address, and one child without a household at the shared address.
  auto a = withHousehold(loan("S21", "Carer@Example.org", "2026-12-04"), "H1");
  auto b = withHousehold(loan("S22", "carer@example.org", "2026-12-04"), "H1");
  auto c = withHousehold(loan("S23", "carer@example.org", "2026-12-04"), "H2");
  auto d = withHousehold(loan("S24", "dad@example.org", "2026-12-04"), "H1");
  auto e = loan("S25", "carer@example.org", "2026-12-04");
  const auto plan = p.run("2026-12-07", {a, b, c, d, e});
  ASSERT_EQ(keys(plan), (std::vector<std::string>{"overdue carer@example.org 2026-12-07",
                                                   "overdue carer@example.org household H1 2026-12-07",
                                                   "overdue carer@example.org household H2 2026-12-07",
                                                   "overdue dad@example.org household H1 2026-12-07"}));
  EXPECT_EQ(plan.notices[0].context["names"], "Student S25");  // no household: the address groups
  EXPECT_EQ(plan.notices[1].context["names"], "Student S21 and Student S22");
  EXPECT_EQ(plan.notices[1].to, std::vector<std::string>{"Carer@Example.org"});
  EXPECT_EQ(plan.notices[2].context["names"], "Student S23");
  EXPECT_EQ(plan.notices[2].context.dump().find("S21"), std::string::npos);  // nothing of another household
  EXPECT_EQ(plan.notices[3].context["names"], "Student S24");

  RepairFact fixed{"S21", "Student S21", "carer@example.org", "Maple Middle", "CB-21", "Chromebook 3100",
                   "resolved", "2026-12-01", "2026-12-07", true, "H1"};
  RepairFact fixed2 = fixed;
  fixed2.person = "S22";
  fixed2.name = "Student S22";
  fixed2.device_tag = "CB-22";
  const auto ready = p.run("2026-12-07", {}, {fixed, fixed2});
  ASSERT_EQ(keys(ready), std::vector<std::string>{"repair_ready carer@example.org household H1 2026-12-07"});
  EXPECT_EQ(ready.notices[0].context["count"], 2);
}

TEST(NotifyPlan, WeeklyDigestShowsCollectionProgressForItsBuilding) {
  Planner p;
  p.config.weekly_digest = 1;  // Monday
  p.config.building_contacts["Oak High"] = "office@oak.example.org";
  std::vector<CollectionFact> campaigns{{"June collection", "2026-12-18", "Maple Middle", 40, 31, 9},
                                        {"June collection", "2026-12-18", "Oak High", 12, 2, 10},
                                        {"Grade 8 swap", "2026-12-04", "Maple Middle", 5, 4, 1}};
  const auto plan = p.run("2026-12-07", {}, {}, campaigns);
  ASSERT_EQ(keys(plan), (std::vector<std::string>{"weekly_digest Maple Middle 2026-12-07",
                                                   "weekly_digest Oak High 2026-12-07"}));
  const auto& maple = plan.notices[0].context;
  EXPECT_EQ(maple["collections_count"], 2);
  EXPECT_EQ(maple["collections"][0]["name"], "June collection");
  EXPECT_EQ(maple["collections"][0]["expected"], 40);
  EXPECT_EQ(maple["collections"][0]["returned"], 31);
  EXPECT_EQ(maple["collections"][0]["outstanding"], 9);
  EXPECT_EQ(maple["collections"][0]["deadline_passed"], false);
  EXPECT_EQ(maple["collections"][1]["name"], "Grade 8 swap");
  EXPECT_EQ(maple["collections"][1]["deadline_passed"], true);
  const auto& oak = plan.notices[1].context;
  ASSERT_EQ(oak["collections_count"], 1);
  EXPECT_EQ(oak["collections"][0]["outstanding"], 10);
  EXPECT_EQ(p.run("2026-12-07", {}).notices.at(0).context["collections_count"], 0);
}

TEST(NotifyPlan, StepsBeforeTheLoanBeganAreNotSent) {
  Planner p;
  auto l = loan("S9", "e@example.org", "2026-12-14", "2026-12-10");  // lent Thursday, due Monday
  EXPECT_TRUE(p.run("2026-12-10", {l}).notices.empty());  // the 7-day step was before the loan
  EXPECT_EQ(keys(p.run("2026-12-14", {l}))[0], "due_soon e@example.org 2026-12-14");
}

TEST(NotifyPlan, LongOutageCatchesUpOnlyRecentSteps) {
  Planner p;
  auto l = loan("S10", "f@example.org", "2026-10-01");
  EXPECT_TRUE(p.run("2026-12-07", {l}).notices.empty());  // its 14-day step was weeks ago
}

TEST(NotifyPlan, RepairReadyAndWeeklyDigest) {
  Planner p;
  p.config.weekly_digest = 1;  // Monday
  RepairFact waiting{"S11", "Student S11", "g@example.org", "Maple Middle", "CB-11", "Chromebook 3100",
                     "resolved", "2026-12-01", "2026-12-05", true};
  RepairFact open{"S12", "Student S12", "h@example.org", "Maple Middle", "CB-12", "Chromebook 3100",
                  "in_repair", "2026-12-02", "", true};
  auto late = loan("S13", "i@example.org", "2026-12-01");
  const auto plan = p.run("2026-12-07", {late}, {waiting, open});
  const auto k = keys(plan);
  // Resolved on Saturday: "pick it up" on Monday. The digest goes to the building's contact.
  EXPECT_NE(std::find(k.begin(), k.end(), "repair_ready g@example.org 2026-12-07"), k.end());
  EXPECT_NE(std::find(k.begin(), k.end(), "weekly_digest Maple Middle 2026-12-07"), k.end());
  const auto& digest = plan.notices.back();
  EXPECT_EQ(digest.to, std::vector<std::string>{"librarian@maple.example.org"});
  EXPECT_EQ(digest.context["overdue_count"], 1);
  EXPECT_EQ(digest.context["repairs_count"], 1);
  EXPECT_EQ(digest.context["repairs"][0]["tag"], "CB-12");
  // Tuesday: the same digest key, not a second one.
  const auto tuesday = keys(p.run("2026-12-08", {late}, {waiting, open}));
  EXPECT_NE(std::find(tuesday.begin(), tuesday.end(), "weekly_digest Maple Middle 2026-12-07"), tuesday.end());
  p.config.repair_ready = false;
  const auto off = keys(p.run("2026-12-07", {}, {waiting}));
  EXPECT_EQ(std::find(off.begin(), off.end(), "repair_ready g@example.org 2026-12-07"), off.end());
}

TEST(NotifyCalendar, WindowHoursInTheZoneAcrossDst) {
  NotificationsConfig c = baseConfig();
  const NoticeCalendar cal(c, *TimeZone::locate("America/Chicago"));
  // Friday 2026-03-06 17:59 CST (23:59Z) is open; 18:00 is closed and the next opening is Monday 07:00,
  // which after the 2026-03-08 spring-forward is CDT: 12:00Z instead of 13:00Z.
  const auto fri_open = cal.zone().instant("2026-03-06", 17 * 60 + 59);
  EXPECT_EQ(fri_open.time_since_epoch() % 86400s, 23h + 59min);
  EXPECT_TRUE(cal.canSendAt(fri_open));
  const auto fri_close = fri_open + 1min;
  EXPECT_FALSE(cal.canSendAt(fri_close));
  const auto monday = cal.nextSendInstant(fri_close);
  EXPECT_EQ(cal.zone().local(monday).date, "2026-03-09");
  EXPECT_EQ(cal.zone().local(monday).minute, 7 * 60);
  EXPECT_EQ(monday.time_since_epoch() % 86400s, 12h);
  // Autumn: after 2026-11-01 fall-back, 07:00 CST is 13:00Z again.
  EXPECT_EQ(cal.zone().instant("2026-11-02", 7 * 60).time_since_epoch() % 86400s, 13h);
  // A local time in the spring gap (02:30 on 2026-03-08) maps to the end of the gap, 08:00Z.
  EXPECT_EQ(cal.zone().instant("2026-03-08", 150).time_since_epoch() % 86400s, 8h);
  // The local date changes at local midnight, not UTC's: 2026-12-08 03:00Z is still the 7th in Chicago.
  EXPECT_EQ(cal.today(cal.zone().instant("2026-12-07", 21 * 60)), "2026-12-07");
  EXPECT_EQ(TimeZone::utc().local(cal.zone().instant("2026-12-07", 21 * 60)).date, "2026-12-08");
}

TEST(NotifyCalendar, PlanningDayFollowsTheZone) {
  // Sunday 23:30 in Honolulu is already Monday in UTC: the planner's "today" is the zone's.
  NotificationsConfig c = baseConfig();
  c.send_window.timezone = "Pacific/Honolulu";
  const NoticeCalendar cal(c, *TimeZone::locate("Pacific/Honolulu"));
  const auto t = cal.zone().instant("2026-12-06", 23 * 60 + 30);
  EXPECT_EQ(cal.today(t), "2026-12-06");
  EXPECT_FALSE(cal.isOpenDay(cal.today(t)));
  EXPECT_EQ(cal.zone().local(cal.nextSendInstant(t)).date, "2026-12-07");
}

TEST(NotifyCalendar, UnknownZoneIsAnError) {
  auto z = TimeZone::locate("Mars/Olympus");
  ASSERT_FALSE(z);
  EXPECT_NE(z.error().message.find("Mars/Olympus"), std::string::npos);
}

}  // namespace
}  // namespace fk
