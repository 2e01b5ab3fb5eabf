// Collection campaign routes: create, report (with the outstanding loans), list, close.
#include <array>

#include "core/audit.hpp"
#include "core/circulation.hpp"
#include "core/collection.hpp"
#include "core/csv.hpp"
#include "core/values.hpp"
#include "http/api_helpers.hpp"
#include "http/api_routes.hpp"
#include "http/json_mapping.hpp"
#include "http/json_values.hpp"
#include "store/collection_store.hpp"

namespace fk {

using nlohmann::json;

namespace {

json loanToJson(const OutstandingLoan& o, const std::string& deadline, const std::string& today) {
  return {{"checkout_id", o.checkout_id},
          {"holder",
           {{"external_id", o.person_external_id},
            {"name", o.person_name},
            {"grade", textOrNull(o.grade)},
            {"homeroom", textOrNull(o.homeroom)},
            {"location", textOrNull(o.person_location)},
            {"email", textOrNull(o.email)}}},
          {"device",
           {{"id", o.device_id},
            {"asset_tag", textOrNull(o.asset_tag)},
            {"serial", textOrNull(o.serial)},
            {"model", textOrNull(o.model)}}},
          {"due", o.due},
          {"overdue", isOverdue(o.due, today) || deadlinePassed(deadline, today)},
          {"last_seen", sightingOrNull(o.seen_source, o.seen_at)}};
}

json collectionReportToJson(const CollectionReport& r, bool with_outstanding) {
  const Collection& k = r.collection;
  const std::string today = localToday();
  json out{{"id", k.id},
           {"name", k.name},
           {"deadline", k.deadline},
           {"scope",
            {{"location", textOrNull(k.scope.location)}, {"grades", k.scope.grades}, {"roles", k.scope.roles}}},
           {"alert_below", k.alert_below},
           {"status", k.open() ? "open" : "closed"},
           {"created_at", k.created_at},
           {"created_by", k.created_by},
           {"closed_at", textOrNull(k.closed_at)},
           {"closed_by", textOrNull(k.closed_by)},
           {"deadline_passed", deadlinePassed(k.deadline, today)},
           {"behind", k.open() && collectionBehind(r.counts.expected, r.counts.returned, k.alert_below,
                                                   k.deadline, today)},
           {"expected", r.counts.expected},
           {"returned", r.counts.returned},
           {"counts",
            {{"expected", r.counts.expected},
             {"returned", r.counts.returned},
             {"outstanding", r.counts.outstanding}}}};
  if (with_outstanding) {
    json list = json::array();
    for (const auto& o : r.outstanding) list.push_back(loanToJson(o, k.deadline, today));
    out["outstanding"] = std::move(list);
  } else {
    out["outstanding"] = r.counts.outstanding;
  }
  return out;
}

Result<std::int64_t> collectionIdOf(const Request& req) {
  const std::string& text = req.params.at("id");
  auto id = parseIntIn(text, 1);
  if (!id) return std::unexpected(Error::invalid("id", "collection id \"" + text + "\" is not a positive integer"));
  return *id;
}

Result<std::vector<std::string>> stringList(const json& v, const std::string& field) {
  if (!v.is_array()) return std::unexpected(Error::invalid(field, field + " must be a list of strings"));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    // A grade typed as a number (8) means the grade "8".
    if (v[i].is_number_unsigned()) {
      out.push_back(std::to_string(v[i].get<std::uint64_t>()));
    } else if (v[i].is_string()) {
      out.push_back(v[i].get<std::string>());
    } else {
      const std::string item = field + "[" + std::to_string(i) + "]";
      return std::unexpected(Error::invalid(item, item + " must be a string"));
    }
  }
  return out;
}

Result<Collection> collectionFrom(const json& body, double default_alert_below) {
  Collection k;
  k.alert_below = default_alert_below;
  bool has_deadline = false;
  for (const auto& [key, v] : body.items()) {
    if (key == "name" || key == "deadline" || key == "location") {
      if (v.is_null() && key == "location") continue;
      if (!v.is_string()) return std::unexpected(Error::invalid(key, key + " must be a string"));
      const auto& s = v.get_ref<const std::string&>();
      if (key == "name") k.name = s;
      if (key == "location") k.scope.location = s;
      if (key == "deadline") {
        k.deadline = s;
        has_deadline = true;
      }
    } else if (key == "grades" || key == "roles") {
      auto list = stringList(v, key);
      if (!list) return std::unexpected(list.error());
      (key == "grades" ? k.scope.grades : k.scope.roles) = std::move(*list);
    } else if (key == "alert_below") {
      if (!v.is_number() || !(v.get<double>() > 0.0 && v.get<double>() <= 1.0))
        return std::unexpected(Error::invalid(key, "alert_below must be a share above 0 and at most 1, like 0.9"));
      k.alert_below = v.get<double>();
    } else {
      return std::unexpected(Error::invalid(key, "unknown field \"" + key + "\""));
    }
  }
  if (auto bad = checkCampaignName(k.name, "name"))
    return std::unexpected(Error::invalid("name", "name " + bad->message));
  if (!has_deadline) return std::unexpected(Error::invalid("deadline", "deadline is required (YYYY-MM-DD)"));
  if (!isValidDate(k.deadline))
    return std::unexpected(Error::invalid("deadline", "deadline must be a date YYYY-MM-DD, got \"" + k.deadline + "\""));
  if (auto st = checkScope(k.scope); !st) return std::unexpected(st.error());
  return k;
}

Response createCollection(ApiContext& ctx, Request& req) {
  auto body = parseJsonObject(req.body);
  if (!body) return errorResponse(body.error());
  auto draft = collectionFrom(*body, ctx.config()->collections.alert_below);
  if (!draft) return errorResponse(draft.error());
  auto r = CollectionStore(ctx.db).create(*draft, req.actor());
  if (!r) return errorResponse(r.error());
  Response resp = jsonResponse(201, collectionReportToJson(*r, false));
  resp.headers.emplace_back("Location", "/api/v1/collections/" + std::to_string(r->collection.id));
  return resp;
}

Response getCollection(ApiContext& ctx, Request& req) {
  static constexpr std::array<std::string_view, 1> kParams = {"format"};
  if (auto st = checkQueryParams(req, kParams); !st) return errorResponse(st.error());
  auto id = collectionIdOf(req);
  if (!id) return errorResponse(id.error());
  bool csv = false;
  if (auto format = filterValue(req, "format")) {
    if (*format != "json" && *format != "csv") return errorResponse(Error::invalid("format", "format must be json or csv"));
    csv = *format == "csv";
  }
  auto r = CollectionStore(ctx.db).report(*id, true);
  if (!r) return errorResponse(r.error());
  if (!csv) return jsonResponse(200, collectionReportToJson(*r, true));
  std::string out;
  appendCsvRow(out, {"checkout_id", "external_id", "name", "grade", "homeroom", "location", "email", "device_id",
                     "asset_tag", "serial", "model", "due", "last_seen_source", "last_seen_at"});
  for (const auto& o : r->outstanding) {
    appendCsvRow(out, {std::to_string(o.checkout_id), o.person_external_id, o.person_name, o.grade, o.homeroom,
                       o.person_location, o.email, std::to_string(o.device_id), o.asset_tag, o.serial, o.model,
                       o.due, o.seen_source, o.seen_at});
  }
  return csvResponse(std::move(out), "collection-" + std::to_string(*id) + "-outstanding.csv");
}

Response listCollections(ApiContext& ctx, Request& req) {
  static constexpr std::array<std::string_view, 1> kParams = {"open"};
  if (auto st = checkQueryParams(req, kParams); !st) return errorResponse(st.error());
  auto open = flagParam(req, "open");
  if (!open) return errorResponse(open.error());
  auto all = CollectionStore(ctx.db).list(*open);
  if (!all) return errorResponse(all.error());
  json items = json::array();
  for (const auto& r : *all) items.push_back(collectionReportToJson(r, false));
  return jsonResponse(200, {{"items", std::move(items)}, {"next_cursor", nullptr}});
}

Response closeCollection(ApiContext& ctx, Request& req) {
  auto id = collectionIdOf(req);
  if (!id) return errorResponse(id.error());
  auto body = req.body.empty() ? Result<json>(json::object()) : parseJsonObject(req.body);
  if (!body) return errorResponse(body.error());
  for (const auto& [key, v] : body->items()) return errorResponse(Error::invalid(key, "unknown field \"" + key + "\""));
  auto r = CollectionStore(ctx.db).close(*id, req.actor());
  if (!r) return errorResponse(r.error());
  return jsonResponse(200, collectionReportToJson(*r, false));
}

}  // namespace

void registerCollectionRoutes(Router& router, ApiContext& ctx) {
  auto bind = [&ctx](ApiHandler fn) { return bindHandler(ctx, fn); };
  router.add("GET", "/api/v1/collections", kDistrictReadRoute, bind(listCollections));
  router.add("POST", "/api/v1/collections", kDistrictWriteRoute, bind(createCollection));
  router.add("GET", "/api/v1/collections/{id}", kDistrictReadRoute, bind(getCollection));
  router.add("POST", "/api/v1/collections/{id}/close", kDistrictWriteRoute, bind(closeCollection));
}

}  // namespace fk
