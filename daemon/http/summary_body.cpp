#include "http/summary_body.hpp"

#include <charconv>
#include <map>
#include <string_view>

#include "core/device.hpp"
#include "core/json_text.hpp"

namespace fk {

namespace {

constexpr std::string_view kNone = "(none)";

void appendMember(std::string& out, bool& first, std::string_view key, std::int64_t n) {
  if (!first) out += ',';
  first = false;
  appendJsonString(out, key);
  out += ':';
  appendJsonInt(out, n);
}

void appendObject(std::string& out, const std::map<std::string, std::int64_t, std::less<>>& counts) {
  out += '{';
  bool first = true;
  for (const auto& [key, n] : counts) appendMember(out, first, key, n);
  out += '}';
}

// by_location: the store's map is already in key order, so only "" (written "(none)") needs placing. A
// location really named "(none)" wins over it, as it did when the tree assigned both in map order.
void appendLocations(std::string& out, const std::map<std::string, std::int64_t>& by_location) {
  auto blank = by_location.find("");
  const bool place_none = blank != by_location.end() && !by_location.contains(std::string(kNone));
  bool first = true, placed = false;
  out += '{';
  for (const auto& [location, n] : by_location) {
    if (location.empty()) continue;
    if (place_none && !placed && std::string_view(location) > kNone) {
      appendMember(out, first, kNone, blank->second);
      placed = true;
    }
    appendMember(out, first, location, n);
  }
  if (place_none && !placed) appendMember(out, first, kNone, blank->second);
  out += '}';
}

}  // namespace

std::string fleetSummaryBody(const FleetCounts& counts, const ServiceCounts& service,
                             const nlohmann::json& repair_spend) {
  // Every status and kind appears, zero or not, so dashboards and scripts need no "missing key" case.
  std::map<std::string, std::int64_t, std::less<>> by_status, by_kind, by_model;
  for (auto s : allStatuses()) by_status[std::string(toString(s))] = 0;
  for (auto k : allKinds()) by_kind[std::string(toString(k))] = 0;
  for (const auto& [key, n] : counts.by_status_kind) {
    by_status[key.first] += n;
    by_kind[key.second] += n;
  }
  for (const auto& [key, n] : counts.by_model_status) by_model[key.first.empty() ? std::string(kNone) : key.first] += n;
  auto aue = [&counts](const std::string& days) {
    auto it = counts.aue_within_days.find(days);
    return it == counts.aue_within_days.end() ? std::int64_t{0} : it->second;
  };

  std::string out;
  out.reserve(1024 + counts.by_location.size() * 40);
  out += "{\"aue\":{\"past\":";
  appendJsonInt(out, aue("0"));
  out += ",\"within_180\":";
  appendJsonInt(out, aue("180"));
  out += ",\"within_365\":";
  appendJsonInt(out, aue("365"));
  out += ",\"within_730\":";
  appendJsonInt(out, aue("730"));
  out += ",\"within_90\":";
  appendJsonInt(out, aue("90"));
  out += "},\"by_kind\":";
  appendObject(out, by_kind);
  out += ",\"by_location\":";
  appendLocations(out, counts.by_location);
  out += ",\"by_model\":";
  appendObject(out, by_model);
  out += ",\"by_status\":";
  appendObject(out, by_status);
  out += ",\"open_work_orders\":";
  appendJsonInt(out, service.open_work_orders);
  out += ",\"overdue_checkouts\":";
  appendJsonInt(out, service.overdue_checkouts);
  out += ",\"repair_spend\":";
  out += repair_spend.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  out += ",\"total\":";
  appendJsonInt(out, counts.total);
  out += "}\n";
  return out;
}

}  // namespace fk
