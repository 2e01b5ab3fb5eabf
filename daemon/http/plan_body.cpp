#include "http/plan_body.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <map>
#include <string_view>
#include <vector>

#include <limits>

#include "core/csv.hpp"
#include "core/json_text.hpp"
#include "core/values.hpp"

namespace fk {

namespace {

// Per-device formatting without snprintf or temporaries: a 100k-device plan formats half a million
// dates and amounts per request.
void appendDate(std::string& out, std::chrono::year_month_day d) {
  const int y = static_cast<int>(d.year());
  const unsigned m = static_cast<unsigned>(d.month()), day = static_cast<unsigned>(d.day());
  if (y < 0 || y > 9999 || m > 99 || day > 99) {
    out += formatDate(d);
    return;
  }
  const char text[10] = {char('0' + y / 1000),
                         char('0' + y / 100 % 10),
                         char('0' + y / 10 % 10),
                         char('0' + y % 10),
                         '-',
                         char('0' + m / 10),
                         char('0' + m % 10),
                         '-',
                         char('0' + day / 10),
                         char('0' + day % 10)};
  out.append(text, sizeof text);
}

void appendMoney(std::string& out, std::int64_t cents) {
  if (cents < 0) {
    out += formatMoney(cents);
    return;
  }
  appendJsonInt(out, cents / 100);
  out += '.';
  out += char('0' + cents % 100 / 10);
  out += char('0' + cents % 10);
}

void appendFiscalYear(std::string& out, int fy) {
  out += "FY";
  appendJsonInt(out, fy);
}

// In allDueReasons() order: JSON strings (the names need no escaping) or the CSV's ";" list.
void appendReasons(std::string& out, DueReasons reasons, char separator, bool quoted) {
  bool first = true;
  for (auto r : allDueReasons()) {
    if (!reasons.has(r)) continue;
    if (!first) out += separator;
    first = false;
    if (quoted) out += '"';
    out += toString(r);
    if (quoted) out += '"';
  }
}

void appendQuotedMoney(std::string& out, std::int64_t cents) {
  out += '"';
  appendMoney(out, cents);
  out += '"';
}

// The members of a bucket without braces; callers add their own members after it where nlohmann's key
// order puts them ("cost" < "count" < "device_ids" < "devices" < "unknown_cost").
void appendBucketCostCount(std::string& out, const PlanBucket& b) {
  out += "\"cost\":";
  appendQuotedMoney(out, b.cost_cents);
  out += ",\"count\":";
  appendJsonInt(out, b.count);
}

void appendBucket(std::string& out, const PlanBucket& b) {
  out += '{';
  appendBucketCostCount(out, b);
  out += ",\"unknown_cost\":";
  appendJsonInt(out, b.unknown_cost);
  out += '}';
}

// A split as the nlohmann object had it: the empty key is shown as "(none)" and sorted there, and a
// real "(none)" key, which comes later in the map, overwrote it.
void appendSplit(std::string& out, const std::map<std::string, PlanBucket>& split) {
  constexpr std::string_view kNone = "(none)";
  const auto empty = split.find("");
  bool none_pending = empty != split.end() && !split.contains(std::string(kNone));
  bool first = true;
  auto member = [&](std::string_view key, const PlanBucket& b) {
    if (!first) out += ',';
    first = false;
    appendJsonString(out, key);
    out += ':';
    appendBucket(out, b);
  };
  out += '{';
  for (const auto& [key, bucket] : split) {
    if (key.empty()) continue;
    if (none_pending && std::string_view(key) > kNone) {
      member(kNone, empty->second);
      none_pending = false;
    }
    member(key, bucket);
  }
  if (none_pending) member(kNone, empty->second);
  out += '}';
}

void appendEntry(std::string& out, const PlanEntry& e, const PlanDevice& d) {
  out += "{\"id\":";
  appendJsonInt(out, d.id);
  out += ",\"asset_tag\":";
  appendJsonStringOrNull(out, d.asset_tag);
  out += ",\"serial\":";
  appendJsonStringOrNull(out, d.serial);
  out += ",\"kind\":";
  appendJsonString(out, toString(d.kind));
  out += ",\"model\":";
  appendJsonStringOrNull(out, d.model);
  out += ",\"location\":";
  appendJsonStringOrNull(out, d.location);
  out += ",\"reasons\":[";
  appendReasons(out, e.reasons, ',', true);
  out += "],\"due_date\":\"";
  appendDate(out, e.due_date);
  out += "\",\"due_fiscal_year\":\"";
  appendFiscalYear(out, e.due_fiscal_year);
  out += "\",\"cost\":";
  if (e.cost.cents)
    appendQuotedMoney(out, *e.cost.cents);
  else
    out += "null";
  out += ",\"cost_source\":";
  appendJsonString(out, toString(e.cost.source));
  out += '}';
}

// A year's members up to its device list, which the caller writes: "{...,\"devices\":".
void appendYearHead(std::string& out, const FiscalYearPlan& y, std::span<const PlanDevice> devices) {
  out += "{\"begins\":\"";
  appendDate(out, y.begins);
  out += "\",\"budget\":";
  if (y.budget_cents)
    appendQuotedMoney(out, *y.budget_cents);
  else
    out += "null";
  out += ",\"by_location\":";
  appendSplit(out, y.by_location);
  out += ",\"by_model\":";
  appendSplit(out, y.by_model);
  out += ",\"by_reason\":";
  appendSplit(out, y.by_reason);
  out += ',';
  appendBucketCostCount(out, y.total);
  // Deferred devices appear in full where they are funded (or in the backlog); here only their ids.
  out += ",\"deferred\":{";
  appendBucketCostCount(out, y.deferred_total);
  out += ",\"device_ids\":[";
  for (std::size_t i = 0; i < y.deferred.size(); ++i) {
    if (i) out += ',';
    appendJsonInt(out, devices[y.deferred[i].device].id);
  }
  out += "],\"unknown_cost\":";
  appendJsonInt(out, y.deferred_total.unknown_cost);
  out += "},\"ends\":\"";
  appendDate(out, y.ends);
  out += "\",\"fiscal_year\":\"";
  appendFiscalYear(out, y.fiscal_year);
  out += "\",\"unknown_cost\":";
  appendJsonInt(out, y.total.unknown_cost);
  out += ",\"devices\":";
}

void appendPlanHead(std::string& out, const Plan& p, FiscalYearStart start) {
  char start_text[8];
  std::snprintf(start_text, sizeof start_text, "%02d-%02d", start.month, start.day);
  out += "{\"beyond_horizon\":";
  appendJsonInt(out, p.beyond_horizon);
  out += ",\"budgeted\":";
  out += p.budgeted ? "true" : "false";
  out += ",\"current_fiscal_year\":\"";
  appendFiscalYear(out, p.current_fiscal_year);
  out += "\",\"fiscal_year_start\":";
  appendJsonString(out, start_text);
  out += ",\"in_service\":";
  appendJsonInt(out, p.in_service);
  out += ",\"today\":\"";
  appendDate(out, p.today);
  out += "\",\"total\":";
  appendBucket(out, p.total);
  out += ",\"unknown_cost\":";
  appendJsonInt(out, p.unknown_cost);
  out += ",\"unplannable\":";
  appendJsonInt(out, p.unplannable);
  out += ",\"years\":";
  appendJsonInt(out, static_cast<std::int64_t>(p.years.size()));
  out += ",\"fiscal_years\":[";
}

}  // namespace

bool PlanJsonPieces::next(std::string& out, std::size_t max_rows) {
  if (done_) return false;
  if (!head_done_) {
    appendPlanHead(out, plan_, start_);
    head_done_ = true;
  }
  std::size_t written = 0;
  // Each year's devices, then the backlog's; a list's opening and closing text goes with its rows.
  auto entries = [&](const std::vector<PlanEntry>& list) {
    for (; entry_ < list.size(); ++entry_, ++written) {
      if (written == max_rows) return false;
      if (entry_) out += ',';
      appendEntry(out, list[entry_], devices_[list[entry_].device]);
    }
    return true;
  };
  for (; year_ < plan_.years.size(); ++year_, entry_ = 0, list_open_ = false) {
    const FiscalYearPlan& y = plan_.years[year_];
    if (!list_open_) {
      if (year_) out += ',';
      appendYearHead(out, y, devices_);
      out += '[';
      list_open_ = true;
    }
    if (!entries(y.devices)) return true;
    out += "]}";
  }
  if (!list_open_) {
    out += "],\"backlog\":{";
    appendBucketCostCount(out, plan_.backlog_total);
    out += ",\"unknown_cost\":";
    appendJsonInt(out, plan_.backlog_total.unknown_cost);
    out += ",\"devices\":[";
    list_open_ = true;
  }
  if (!entries(plan_.backlog)) return true;
  out += "]}}\n";
  done_ = true;
  return false;
}

std::string planJsonBody(const Plan& p, std::span<const PlanDevice> devices, FiscalYearStart start) {
  std::size_t deferred = 0;
  for (const auto& y : p.years) deferred += y.deferred.size();
  // One reserved string: copying a 20 MB body between intermediate strings cost more than formatting it.
  std::string out;
  out.reserve(256 * static_cast<std::size_t>(p.total.count + p.backlog_total.count) + 8 * deferred + 16384);
  PlanJsonPieces pieces(p, devices, start);
  while (pieces.next(out, std::numeric_limits<std::size_t>::max())) {
  }
  return out;
}

namespace {

void appendEntryRow(std::string& out, std::string_view fiscal_year, const PlanEntry& e, const PlanDevice& d) {
  out += fiscal_year;
  out += ',';
  appendJsonInt(out, d.id);
  for (std::string_view text : {std::string_view(d.asset_tag), std::string_view(d.serial), toString(d.kind),
                                std::string_view(d.model), std::string_view(d.location)}) {
    out += ',';
    appendCsvField(out, text);
  }
  out += ',';
  appendDate(out, e.due_date);
  out += ',';
  appendFiscalYear(out, e.due_fiscal_year);
  out += ',';
  appendReasons(out, e.reasons, ';', false);
  out += ',';
  if (e.cost.cents) appendMoney(out, *e.cost.cents);
  out += ',';
  out += toString(e.cost.source);
  out += "\r\n";
}

}  // namespace

bool PlanCsvPieces::next(std::string& out, std::size_t max_rows) {
  if (!header_done_) {
    appendCsvRow(out, {"fiscal_year", "id", "asset_tag", "serial", "kind", "model", "location", "due_date",
                       "due_fiscal_year", "reasons", "cost", "cost_source"});
    header_done_ = true;
  }
  for (std::size_t written = 0; written < max_rows; ++written) {
    // Each year's devices, then the backlog's.
    while (year_ < plan_.years.size() && entry_ >= plan_.years[year_].devices.size()) {
      ++year_;
      entry_ = 0;
      label_.clear();
    }
    if (year_ < plan_.years.size()) {
      const auto& y = plan_.years[year_];
      if (label_.empty()) label_ = fiscalYearLabel(y.fiscal_year);
      const PlanEntry& e = y.devices[entry_++];
      appendEntryRow(out, label_, e, devices_[e.device]);
      continue;
    }
    if (entry_ >= plan_.backlog.size()) return false;
    const PlanEntry& e = plan_.backlog[entry_++];
    appendEntryRow(out, "backlog", e, devices_[e.device]);
  }
  return year_ < plan_.years.size() || entry_ < plan_.backlog.size();
}

std::string planCsvBody(const Plan& plan, std::span<const PlanDevice> devices) {
  std::string out;
  out.reserve(128 * static_cast<std::size_t>(plan.total.count + plan.backlog_total.count + 1));
  PlanCsvPieces pieces(plan, devices);
  while (pieces.next(out, std::numeric_limits<std::size_t>::max())) {
  }
  return out;
}

}  // namespace fk
