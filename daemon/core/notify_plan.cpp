#include "core/notify_plan.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "core/circulation.hpp"
#include "core/collection.hpp"
#include "core/text.hpp"

namespace fk {

namespace {

// firstOpenDayFrom for many loans that share a handful of dates.
class OpenDays {
 public:
  explicit OpenDays(const NoticeCalendar& c) : calendar_(c) {}
  const std::string& from(const std::string& day) {
    auto [it, fresh] = memo_.try_emplace(day);
    if (fresh) it->second = calendar_.firstOpenDayFrom(day);
    return it->second;
  }

 private:
  const NoticeCalendar& calendar_;
  std::unordered_map<std::string, std::string> memo_;
};

struct Step {
  NoticeKind kind;
  int days;       // the configured step (7 for "7 days before", 14 for "14 days after")
  bool last;      // the last overdue step: copies the building contact
  std::string day;  // the open day it belongs to
};

// The loan's latest step whose day has come, if it came recently enough to mail.
std::optional<Step> currentStep(const NotificationsConfig& config, OpenDays& open, const LoanFact& loan,
                                const std::string& today) {
  std::optional<Step> best;
  std::string best_trigger;
  auto consider = [&](NoticeKind kind, int days, bool last, const std::string& trigger) {
    if (trigger < loan.checked_out) return;  // the loan began after this step's day
    const std::string& day = open.from(trigger);
    if (day.empty() || day > today) return;
    // A reminder before the due date that closures push past it would arrive late: the overdue
    // steps take over.
    if (kind == NoticeKind::due_soon && day > loan.due) return;
    if (!best || trigger > best_trigger) {
      best = Step{kind, days, last, day};
      best_trigger = trigger;
    }
  };
  for (int d : config.due_soon_days) consider(NoticeKind::due_soon, d, false, addDays(loan.due, -d));
  for (std::size_t i = 0; i < config.overdue_days.size(); ++i) {
    const int d = config.overdue_days[i];
    consider(NoticeKind::overdue, d, i + 1 == config.overdue_days.size(), addDays(loan.due, d));
  }
  if (best && daysBetween(best->day, today) > kCatchUpDays) return std::nullopt;
  return best;
}

nlohmann::json loanItem(const LoanFact& l, const std::string& today, const NotificationsConfig& config) {
  const int left = daysBetween(today, l.due);
  nlohmann::json item{{"student", l.name},  {"tag", l.device_tag},     {"model", l.device_model},
                      {"due", l.due},       {"days_left", std::max(left, 0)},
                      {"days_overdue", std::max(-left, 0)}, {"due_today", left == 0},
                      {"return_to", l.building}};
  auto contact = config.building_contacts.find(l.building);
  item["return_contact"] = contact == config.building_contacts.end() ? "" : contact->second;
  return item;
}

nlohmann::json repairItem(const RepairFact& r) {
  return {{"student", r.name},     {"tag", r.device_tag}, {"model", r.device_model},
          {"status", r.status},    {"opened", r.opened},  {"pick_up_at", r.building}};
}

// "Ada", "Ada and Bob", "Ada, Bob and Cy": the people a household mail is about.
std::string joinNames(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += names[i];
  }
  return out;
}

nlohmann::json personContext(NoticeKind kind, const std::string& day, nlohmann::json items,
                             std::vector<std::string> names) {
  const auto count = items.size();
  return {{"kind", std::string(toString(kind))}, {"day", day}, {"names", joinNames(std::move(names))},
          {"items", std::move(items)}, {"count", count}, {"several", count > 1}};
}

// People of one household at one address get one mail; without a household the address alone groups.
struct GroupKey {
  std::string address, household, day;
  auto operator<=>(const GroupKey&) const = default;
  std::string subject() const { return household.empty() ? address : address + " household " + household; }
};

struct Group {
  std::vector<std::string> names;
  nlohmann::json items = nlohmann::json::array();
  std::set<std::string> cc;
  std::string to;  // the address as written
};

}  // namespace

std::string_view toString(NoticeKind k) {
  switch (k) {
    case NoticeKind::due_soon: return "due_soon";
    case NoticeKind::overdue: return "overdue";
    case NoticeKind::repair_ready: return "repair_ready";
    case NoticeKind::weekly_digest: return "weekly_digest";
  }
  return "due_soon";
}

std::optional<NoticeKind> parseNoticeKind(std::string_view text) {
  for (NoticeKind k : kAllNoticeKinds)
    if (toString(k) == text) return k;
  return std::nullopt;
}

NoticePlan planNotices(const NotificationsConfig& config, const NoticeCalendar& calendar, const PlanInput& input) {
  NoticePlan plan;
  OpenDays open(calendar);
  const std::string& today = input.today;
  std::set<std::string> without_email;
  // std::map: notices come out in a stable order, so a re-plan inserts the same keys the same way.
  std::map<GroupKey, Group> due_soon, overdue, ready;

  for (const LoanFact& loan : input.loans) {
    auto step = currentStep(config, open, loan, today);
    if (!step) continue;
    if (loan.email.empty()) {
      without_email.insert(loan.person);
      continue;
    }
    // One mail per household and address: it covers all of that household's students there.
    auto& groups = step->kind == NoticeKind::due_soon ? due_soon : overdue;
    auto& g = groups[{lowerAscii(loan.email), loan.household, step->day}];
    if (g.to.empty()) g.to = loan.email;  // the first spelling of a shared address
    g.names.push_back(loan.name);
    auto item = loanItem(loan, today, config);
    item["step"] = step->days;
    g.items.push_back(std::move(item));
    if (step->last) {
      auto contact = config.building_contacts.find(loan.building);
      if (contact != config.building_contacts.end()) g.cc.insert(contact->second);
    }
  }

  if (config.repair_ready) {
    for (const RepairFact& r : input.repairs) {
      if (r.resolved.empty() || !r.holder_waiting) continue;
      const std::string& day = open.from(r.resolved);
      if (day.empty() || day > today || daysBetween(day, today) > kCatchUpDays) continue;
      if (r.email.empty()) {
        without_email.insert(r.person);
        continue;
      }
      auto& g = ready[{lowerAscii(r.email), r.household, day}];
      if (g.to.empty()) g.to = r.email;
      g.names.push_back(r.name);
      g.items.push_back(repairItem(r));
    }
  }

  auto emit = [&](NoticeKind kind, std::map<GroupKey, Group>& groups) {
    for (auto& [key, g] : groups) {
      Notice n{kind, key.subject(), key.day, {g.to}, {g.cc.begin(), g.cc.end()}, {}};
      n.context = personContext(kind, key.day, std::move(g.items), std::move(g.names));
      plan.notices.push_back(std::move(n));
    }
  };
  emit(NoticeKind::due_soon, due_soon);
  emit(NoticeKind::overdue, overdue);
  emit(NoticeKind::repair_ready, ready);

  if (config.weekly_digest) {
    const int wd = weekdayOf(today);
    const std::string this_week = addDays(today, -((wd - *config.weekly_digest + 7) % 7));
    // This week's digest day, or last week's if a closure pushed it into this week.
    std::string day;
    for (const std::string& trigger : {this_week, addDays(this_week, -7)}) {
      const std::string& d = open.from(trigger);
      if (!d.empty() && d <= today) {
        day = d;
        break;
      }
    }
    if (!day.empty() && daysBetween(day, today) <= kCatchUpDays) {
      for (const auto& [building, contact] : config.building_contacts) {
        nlohmann::json late = nlohmann::json::array(), repairs = nlohmann::json::array();
        for (const LoanFact& l : input.loans)
          if (l.building == building && isOverdue(l.due, today)) late.push_back(loanItem(l, today, config));
        for (const RepairFact& r : input.repairs)
          if (r.building == building && r.resolved.empty() && !r.status.empty()) repairs.push_back(repairItem(r));
        nlohmann::json campaigns = nlohmann::json::array();
        for (const CollectionFact& k : input.collections)
          if (k.building == building)
            campaigns.push_back({{"name", k.name}, {"deadline", k.deadline}, {"expected", k.expected},
                                 {"returned", k.returned}, {"outstanding", k.outstanding},
                                 {"deadline_passed", deadlinePassed(k.deadline, today)}});
        Notice n{NoticeKind::weekly_digest, building, day, {contact}, {}, {}};
        n.context = {{"kind", "weekly_digest"},       {"day", day},
                     {"building", building},          {"overdue", late},
                     {"overdue_count", late.size()},  {"repairs", repairs},
                     {"repairs_count", repairs.size()}, {"collections", campaigns},
                     {"collections_count", campaigns.size()}};
        plan.notices.push_back(std::move(n));
      }
    }
  }
  plan.people_without_email = static_cast<int>(without_email.size());
  return plan;
}

nlohmann::json previewContext(NoticeKind kind, const NotificationsConfig& config, const std::string& today,
                              const std::vector<LoanFact>& loans, const std::vector<RepairFact>& repairs) {
  nlohmann::json items = nlohmann::json::array();
  std::vector<std::string> names;
  if (kind == NoticeKind::repair_ready) {
    for (const auto& r : repairs) {
      items.push_back(repairItem(r));
      names.push_back(r.name);
    }
  } else {
    for (const auto& l : loans) {
      auto item = loanItem(l, today, config);
      item["step"] = std::abs(daysBetween(today, l.due));
      items.push_back(std::move(item));
      names.push_back(l.name);
    }
  }
  return personContext(kind, today, std::move(items), std::move(names));
}

}  // namespace fk
