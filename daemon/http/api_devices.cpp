// Device routes: list, create, read, patch, transitions, history, CSV import and export.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <memory>
#include <stdexcept>
#include <utility>
#include <charconv>

#include "core/csv.hpp"
#include "core/device_csv.hpp"
#include "http/api_helpers.hpp"
#include "http/api_routes.hpp"
#include "http/device_json.hpp"
#include "http/json_mapping.hpp"
#include "store/device_store.hpp"
#include "store/network_queries.hpp"

namespace fk {

using nlohmann::json;

namespace {

constexpr std::array<std::string_view, 12> kDeviceListParams = {
    "status", "kind",   "model", "location", "code",       "q",
    "limit",  "cursor", "stale", "loaner",   "seen_since", "lost_seen"};

Result<DeviceRef> refOf(const Request& req) {
  auto it = req.params.find("ref");
  auto ref = parseDeviceRef(it == req.params.end() ? std::string_view() : std::string_view(it->second));
  if (!ref) {
    Error e = ref.error();
    if (e.code == Errc::invalid && !e.details.contains("field")) e.details["field"] = "ref";
    return std::unexpected(std::move(e));
  }
  return ref;
}

// The device as a single-resource response, with its per-source sightings. A failed sightings read
// must not turn a write that already committed into an error, so it falls back to "seen": {}.
Response deviceBody(int status, const Device& device, const std::vector<DeviceSighting>* sightings) {
  std::string body;
  body.reserve(1024);
  appendDeviceJson(body, device, sightings);
  body += '\n';
  return jsonTextResponse(status, std::move(body));
}

Response deviceResponse(int status, const Device& device, DeviceStore& store) {
  auto sightings = store.sightings(device.id);
  if (!sightings)
    spdlog::warn("device {}: reading sightings failed: {}", device.id, sightings.error().message);
  return deviceBody(status, device, sightings ? &*sightings : nullptr);
}

Result<DeviceFilter> deviceFilterFrom(ApiContext& ctx, const Request& req) {
  if (auto st = checkQueryParams(req, kDeviceListParams); !st) return std::unexpected(st.error());
  auto value = [&req](std::string_view key) { return filterValue(req, key); };
  DeviceFilter filter;
  if (auto s = value("status")) {
    filter.status = parseStatus(*s);
    if (!filter.status) return std::unexpected(Error::invalid("status", "unknown status \"" + *s + "\""));
  }
  if (auto k = value("kind")) {
    filter.kind = parseKind(*k);
    if (!filter.kind) return std::unexpected(Error::invalid("kind", "unknown kind \"" + *k + "\""));
  }
  filter.model = value("model");
  filter.location = value("location");
  filter.code = value("code");
  filter.q = value("q");
  if (auto st = readLimit(req, filter.limit); !st) return std::unexpected(st.error());
  auto stale = flagParam(req, "stale");
  if (!stale) return std::unexpected(stale.error());
  if (stale->value_or(false)) {
    const auto config = ctx.config();
    filter.stale_before = network_sql::staleBefore(*config, std::chrono::system_clock::now());
    filter.stale_sources = network_sql::managementSources(*config);
  }
  auto lost_seen = flagParam(req, "lost_seen");
  if (!lost_seen) return std::unexpected(lost_seen.error());
  filter.lost_seen = lost_seen->value_or(false);
  auto loaner = flagParam(req, "loaner");
  if (!loaner) return std::unexpected(loaner.error());
  filter.loaner = *loaner;
  if (auto since = value("seen_since")) {
    filter.seen_since = network_sql::parseSince(*since);
    if (!filter.seen_since)
      return std::unexpected(Error::invalid(
          "seen_since", "seen_since must be a date (2026-11-27) or a UTC instant (2026-11-27T08:30:00Z)"));
  }
  // Read last rather than with limit (readPaging): a request with several bad parameters names the same one.
  if (auto st = readCursor(req, filter.after_id); !st) return std::unexpected(st.error());
  return filter;
}

Response listDevices(ApiContext& ctx, Request& req) {
  auto filter = deviceFilterFrom(ctx, req);
  if (!filter) return errorResponse(filter.error());
  DeviceStore store(ctx.db, req.scope());
  // Sightings cost a query per device; the list leaves "seen" to GET /devices/{ref}.
  auto body = devicePageBody(store, *filter);
  if (!body) return errorResponse(body.error());
  return jsonTextResponse(200, std::move(*body));
}

Response createDevice(ApiContext& ctx, Request& req) {
  auto body = parseJsonObject(req.body);
  if (!body) return errorResponse(body.error());
  auto parsed = deviceDraftFromJson(*body, DraftMode::create);
  if (!parsed) return errorResponse(parsed.error());
  // The store validates the whole draft (serial or tag required, ...) and names every bad field.
  DeviceStore store(ctx.db, req.scope());
  auto device = store.create(parsed->draft, req.actor());
  if (!device) return errorResponse(device.error());
  Response r = deviceResponse(201, *device, store);
  r.headers.emplace_back("Location", "/api/v1/devices/" + std::to_string(device->id));
  return r;
}

Response getDevice(ApiContext& ctx, Request& req) {
  auto ref = refOf(req);
  if (!ref) return errorResponse(ref.error());
  auto read = DeviceStore(ctx.db, req.scope()).getWithSightings(*ref);
  if (!read) return errorResponse(read.error());
  if (!read->sightings) spdlog::warn("device {}: reading sightings failed", read->device.id);
  return deviceBody(200, read->device, read->sightings ? &*read->sightings : nullptr);
}

Response patchDevice(ApiContext& ctx, Request& req) {
  auto ref = refOf(req);
  if (!ref) return errorResponse(ref.error());
  auto body = parseJsonObject(req.body);
  if (!body) return errorResponse(body.error());
  auto parsed = deviceDraftFromJson(*body, DraftMode::patch);
  if (!parsed) return errorResponse(parsed.error());
  DeviceStore store(ctx.db, req.scope());
  auto device = store.update(*ref, parsed->draft, parsed->version, req.actor());
  if (!device) return errorResponse(device.error());
  return deviceResponse(200, *device, store);
}

Response transitionDevice(ApiContext& ctx, Request& req) {
  auto ref = refOf(req);
  if (!ref) return errorResponse(ref.error());
  auto body = parseJsonObject(req.body);
  if (!body) return errorResponse(body.error());
  std::optional<DeviceStatus> to;
  std::string reason;
  for (const auto& [name, v] : body->items()) {
    if (name == "to") {
      to = v.is_string() ? parseStatus(v.get_ref<const std::string&>()) : std::nullopt;
      if (!to) {
        std::string names;
        for (auto s : allStatuses()) names += (names.empty() ? "" : ", ") + std::string(toString(s));
        return errorResponse(Error::invalid("to", "to must be one of " + names));
      }
    } else if (name == "reason") {
      if (v.is_null()) continue;
      if (!v.is_string()) return errorResponse(Error::invalid("reason", "reason must be a string"));
      reason = v.get<std::string>();
      if (reason.size() > 4096)
        return errorResponse(Error::invalid("reason", "reason is longer than 4096 bytes"));
    } else {
      return errorResponse(Error::invalid(name, "unknown field \"" + name + "\""));
    }
  }
  if (!to) return errorResponse(Error::invalid("to", "to is required: the status to move to"));
  const auto config = ctx.config();  // held for the call: the store keeps a pointer into it
  DeviceStore store(ctx.db, req.scope(), config->fees ? &*config->fees : nullptr);
  auto device = store.transition(*ref, *to, reason, req.actor());
  if (!device) return errorResponse(device.error());
  return deviceResponse(200, *device, store);
}

Response deviceEvents(ApiContext& ctx, Request& req) {
  auto ref = refOf(req);
  if (!ref) return errorResponse(ref.error());
  DeviceStore store(ctx.db, req.scope());
  auto events = store.events(*ref);
  if (!events) return errorResponse(events.error());
  json items = json::array();
  for (const auto& e : *events) items.push_back(deviceEventToJson(e));
  return jsonResponse(200, {{"items", std::move(items)}});
}

json importSummaryJson(const ImportSummary& s) {
  json warnings = json::array();
  for (const FieldError& w : s.warnings) {
    if (warnings.size() >= kMaxReportedImportErrors) break;
    warnings.push_back({{"line", w.line}, {"field", w.field}, {"message", w.message}});
  }
  return {{"created", s.created},
          {"updated", s.updated},
          {"unchanged", s.unchanged},
          {"checkouts", s.checkouts},
          {"people_created", s.people_created},
          {"ignored_columns", s.ignored_columns},
          {"warnings", std::move(warnings)},
          {"warning_count", s.warnings.count()}};  // all of them, also those past the list's cap
}

// ?encoding=, ?date_order=, ?strict=, and the config's status labels and loan length.
Result<DeviceImportOptions> importOptions(ApiContext& ctx, const Request& req) {
  static constexpr std::array<std::string_view, 3> kAllowed{"encoding", "date_order", "strict"};
  if (auto st = checkQueryParams(req, kAllowed); !st) return std::unexpected(st.error());
  auto csv = csvOptionsFromQuery(req);
  if (!csv) return std::unexpected(csv.error());
  DeviceImportOptions options;
  options.csv = *csv;
  const auto config = ctx.config();
  for (const auto& [label, status] : config->import.status_labels) {
    options.status_labels[label] = parseStatus(status).value_or(DeviceStatus::in_stock);
  }
  options.default_loan_days = config->checkout.default_loan_days;
  return options;
}

Response importDevices(ApiContext& ctx, Request& req) {
  auto options = importOptions(ctx, req);
  if (!options) return errorResponse(options.error());
  // Parsed as it arrives: an import body can be hundreds of MiB, and the parser needs a window of it.
  DeviceStore store(ctx.db, req.scope());
  auto summary = req.body_stream ? store.importCsv(*req.body_stream, req.actor(), *options)
                                 : store.importCsv(req.body, req.actor(), *options);
  if (!summary) return errorResponse(summary.error());
  return jsonResponse(200, importSummaryJson(*summary));
}

Response exportDevices(ApiContext& ctx, Request& req) {
  // Written a batch of devices at a time as the client reads it (chunked): at a million devices the
  // whole file would be hundreds of MiB. The first batch is read here, so a failing read still gets
  // its own status; a later one can only cut the body short.
  struct Cursor {
    DeviceStore store;
    Result<std::vector<Device>> batch;
    bool header = true;
  };
  auto cursor = std::make_shared<Cursor>(Cursor{DeviceStore(ctx.db, req.scope()), {}});
  cursor->batch = cursor->store.batchAfter(0);
  if (!cursor->batch) return errorResponse(cursor->batch.error());
  Response r = csvResponse({}, "devices.csv");
  r.stream = [cursor](std::string& out) {
    if (std::exchange(cursor->header, false)) appendCsvRow(out, exportHeader());
    if (!cursor->batch) throw std::runtime_error("device export: " + cursor->batch.error().message);
    const std::vector<Device>& batch = *cursor->batch;
    for (const Device& d : batch) appendCsvRow(out, exportRow(d));
    if (batch.size() < DeviceStore::kBatchSize) return false;
    cursor->batch = cursor->store.batchAfter(batch.back().id);
    return true;
  };
  return r;
}

}  // namespace

void registerDeviceRoutes(Router& router, ApiContext& ctx) {
  auto bind = [&ctx](ApiHandler fn) { return bindHandler(ctx, fn); };
  router.add("GET", "/api/v1/devices", kReadRoute, bind(listDevices));
  router.add("POST", "/api/v1/devices", kWriteRoute, bind(createDevice));
  router.add("POST", "/api/v1/devices:import", kCsvStreamRoute, bind(importDevices));
  router.add("GET", "/api/v1/devices:export", kReadRoute, bind(exportDevices));
  router.add("GET", "/api/v1/devices/{ref}", kCheapReadRoute, bind(getDevice));
  router.add("PATCH", "/api/v1/devices/{ref}", kWriteRoute, bind(patchDevice));
  router.add("POST", "/api/v1/devices/{ref}/transitions", kWriteRoute, bind(transitionDevice));
  router.add("GET", "/api/v1/devices/{ref}/events", kReadRoute, bind(deviceEvents));
}

}  // namespace fk
