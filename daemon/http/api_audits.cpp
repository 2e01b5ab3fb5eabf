// Audit routes: start, scan, report (JSON or CSV), list, close.
#include <array>

#include "core/audit.hpp"
#include "core/circulation.hpp"
#include "core/csv.hpp"
#include "http/api_helpers.hpp"
#include "http/api_routes.hpp"
#include "http/json_mapping.hpp"
#include "http/json_values.hpp"
#include "store/audit_store.hpp"

namespace fk {

using nlohmann::json;

namespace {

json itemToJson(const AuditItem& it) {
  json out{{"state", it.state},
           {"device_id", it.device_id ? json(*it.device_id) : json(nullptr)},
           {"asset_tag", textOrNull(it.asset_tag)},
           {"serial", textOrNull(it.serial)},
           {"model", textOrNull(it.model)},
           {"status", textOrNull(it.status)},
           {"expected_location", textOrNull(it.expected_location)},
           {"location", textOrNull(it.location)},
           {"last_seen", sightingOrNull(it.seen_source, it.seen_at)}};
  if (it.state == "missing") {
    out["seen_by_source"] = it.seen_by_source;
  } else {
    out["code"] = it.code;
    out["scanned_at"] = it.scanned_at;
    out["scanned_by"] = it.scanned_by;
    out["lost_found"] = it.lost_found;
  }
  return out;
}

json auditReportToJson(const AuditReport& r, bool with_lists) {
  const Audit& a = r.audit;
  json counts = json::object();
  for (auto state : kAuditStates) counts[std::string(state)] = r.counts.of(state);
  json out{{"id", a.id},
           {"name", a.name},
           {"location", a.location},
           {"status", a.open() ? "open" : "closed"},
           {"created_at", a.created_at},
           {"created_by", a.created_by},
           {"closed_at", textOrNull(a.closed_at)},
           {"closed_by", textOrNull(a.closed_by)},
           {"close_result", a.close_result},
           {"counts", std::move(counts)}};
  if (with_lists) {
    json lists = json::object();
    for (auto state : kAuditStates) {
      if (state != "expected") lists[std::string(state)] = json::array();
    }
    for (const auto& it : r.items) {
      lists[it.state].push_back(itemToJson(it));
      if (it.seen_by_source) lists["seen_by_source"].push_back(itemToJson(it));
    }
    out["lists"] = std::move(lists);
  }
  return out;
}

std::string reportCsv(const AuditReport& r) {
  std::string out;
  appendCsvRow(out, {"state", "device_id", "asset_tag", "serial", "model", "status", "expected_location",
                     "location", "code", "scanned_at", "scanned_by", "lost_found", "seen_by_source",
                     "last_seen_source", "last_seen_at"});
  for (const auto& it : r.items) {
    appendCsvRow(out, {it.state, it.device_id ? std::to_string(*it.device_id) : "", it.asset_tag, it.serial,
                       it.model, it.status, it.expected_location, it.location, it.code, it.scanned_at,
                       it.scanned_by, it.lost_found ? "true" : "false", it.seen_by_source ? "true" : "false",
                       it.seen_source, it.seen_at});
  }
  return out;
}

Result<std::int64_t> auditIdOf(const Request& req) {
  const std::string& text = req.params.at("id");
  auto id = parseIntIn(text, 1);
  if (!id) return std::unexpected(Error::invalid("id", "audit id \"" + text + "\" is not a positive integer"));
  return *id;
}

std::string seenSinceOf(ApiContext& ctx) { return seenSince(ctx.config()->audits.seen_window); }

Response startAudit(ApiContext& ctx, Request& req) {
  auto body = parseJsonObject(req.body);
  if (!body) return errorResponse(body.error());
  std::string name, location;
  for (const auto& [key, v] : body->items()) {
    if (key != "name" && key != "location") return errorResponse(Error::invalid(key, "unknown field \"" + key + "\""));
    auto text = stringField(v, key);
    if (!text) return errorResponse(text.error());
    (key == "name" ? name : location) = *text;
  }
  if (auto bad = checkCampaignName(name, "name")) return errorResponse(Error::invalid("name", "name " + bad->message));
  if (auto bad = checkLocation(location, "location"))
    return errorResponse(Error::invalid("location", "location " + bad->message));
  auto r = AuditStore(ctx.db).start(name, location, req.actor(), seenSinceOf(ctx));
  if (!r) return errorResponse(r.error());
  Response resp = jsonResponse(201, auditReportToJson(*r, false));
  resp.headers.emplace_back("Location", "/api/v1/audits/" + std::to_string(r->audit.id));
  return resp;
}

Response scanAudit(ApiContext& ctx, Request& req) {
  auto id = auditIdOf(req);
  if (!id) return errorResponse(id.error());
  auto body = parseJsonObject(req.body);
  if (!body) return errorResponse(body.error());
  std::optional<std::string> raw;
  for (const auto& [key, v] : body->items()) {
    if (key != "code") return errorResponse(Error::invalid(key, "unknown field \"" + key + "\""));
    auto text = stringField(v, key);
    if (!text) return errorResponse(text.error());
    raw = *text;
  }
  if (!raw) return errorResponse(Error::invalid("code", "code is required (an asset tag or serial)"));
  auto code = normaliseScanCode(*raw);
  if (!code) return errorResponse(code.error());
  auto r = AuditStore(ctx.db).scan(*id, *code, req.actor());
  if (!r) return errorResponse(r.error());
  json out{{"result", std::string(toString(r->result))},
           {"code", r->code},
           {"device", r->device ? deviceToJson(*r->device) : json(nullptr)},
           {"lost_found", r->lost_found}};
  // Where a misplaced device belongs, so the technician can take it there or keep it (close moves it).
  if (r->result == ScanResult::misplaced) out["expected_location"] = textOrNull(r->device->location);
  return jsonResponse(200, out);
}

Response getAudit(ApiContext& ctx, Request& req) {
  static constexpr std::array<std::string_view, 2> kParams = {"format", "lists"};
  if (auto st = checkQueryParams(req, kParams); !st) return errorResponse(st.error());
  auto id = auditIdOf(req);
  if (!id) return errorResponse(id.error());
  bool csv = false;
  if (auto format = filterValue(req, "format")) {
    if (*format != "json" && *format != "csv") return errorResponse(Error::invalid("format", "format must be json or csv"));
    csv = *format == "csv";
  }
  auto lists = flagParam(req, "lists");
  if (!lists) return errorResponse(lists.error());
  const bool with_lists = csv || lists->value_or(true);
  auto r = AuditStore(ctx.db).report(*id, seenSinceOf(ctx), with_lists);
  if (!r) return errorResponse(r.error());
  if (csv) return csvResponse(reportCsv(*r), "audit-" + std::to_string(*id) + ".csv");
  return jsonResponse(200, auditReportToJson(*r, with_lists));
}

Response listAudits(ApiContext& ctx, Request& req) {
  static constexpr std::array<std::string_view, 1> kParams = {"open"};
  if (auto st = checkQueryParams(req, kParams); !st) return errorResponse(st.error());
  auto open = flagParam(req, "open");
  if (!open) return errorResponse(open.error());
  auto all = AuditStore(ctx.db).list(*open, seenSinceOf(ctx));
  if (!all) return errorResponse(all.error());
  json items = json::array();
  for (const auto& r : *all) items.push_back(auditReportToJson(r, false));
  return jsonResponse(200, {{"items", std::move(items)}, {"next_cursor", nullptr}});
}

Response closeAudit(ApiContext& ctx, Request& req) {
  auto id = auditIdOf(req);
  if (!id) return errorResponse(id.error());
  auto body = req.body.empty() ? Result<json>(json::object()) : parseJsonObject(req.body);
  if (!body) return errorResponse(body.error());
  CloseOptions options;
  for (const auto& [key, v] : body->items()) {
    if (key == "move_misplaced") {
      if (!v.is_boolean()) return errorResponse(Error::invalid(key, "move_misplaced must be true or false"));
      options.move_misplaced = v.get<bool>();
    } else if (key == "missing_to") {
      auto m = v.is_string() ? parseMissingTo(v.get_ref<const std::string&>()) : std::nullopt;
      if (!m) return errorResponse(Error::invalid(key, "missing_to must be \"lost\" or \"none\""));
      options.missing_to = *m;
    } else {
      return errorResponse(Error::invalid(key, "unknown field \"" + key + "\""));
    }
  }
  const auto config = ctx.config();  // held for the call: the store keeps a pointer into it
  auto r = AuditStore(ctx.db, config->fees ? &*config->fees : nullptr).close(*id, options, req.actor(),
                                                                           seenSinceOf(ctx));
  if (!r) return errorResponse(r.error());
  return jsonResponse(200, auditReportToJson(*r, false));
}

}  // namespace

void registerAuditRoutes(Router& router, ApiContext& ctx) {
  auto bind = [&ctx](ApiHandler fn) { return bindHandler(ctx, fn); };
  router.add("GET", "/api/v1/audits", kDistrictReadRoute, bind(listAudits));
  router.add("POST", "/api/v1/audits", kDistrictWriteRoute, bind(startAudit));
  router.add("GET", "/api/v1/audits/{id}", kDistrictReadRoute, bind(getAudit));
  router.add("POST", "/api/v1/audits/{id}/scans", kDistrictWriteRoute, bind(scanAudit));
  router.add("POST", "/api/v1/audits/{id}/close", kDistrictWriteRoute, bind(closeAudit));
}

}  // namespace fk
