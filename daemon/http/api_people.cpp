// People routes: the roster (list, search, create, read, update/deactivate, CSV import) and a person's loans.
#include <algorithm>
#include <array>
#include <charconv>

#include "core/circulation.hpp"
#include "core/roster_csv.hpp"
#include "http/api_routes.hpp"
#include "http/circulation_json.hpp"
#include "http/json_mapping.hpp"
#include "store/people_store.hpp"

namespace fk {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxReportedImportErrors = 1000;

Result<PeopleFilter> peopleFilterFrom(const Request& req) {
  static constexpr std::array<std::string_view, 6> kParams = {"q",        "role",  "active",
                                                              "location", "limit", "cursor"};
  for (const auto& [key, value] : req.query) {
    if (std::find(kParams.begin(), kParams.end(), key) == kParams.end()) {
      return std::unexpected(Error::invalid(key, "unknown query parameter \"" + key + "\""));
    }
    if (req.query.count(key) > 1)
      return std::unexpected(Error::invalid(key, key + " is given more than once"));
  }
  auto value = [&req](std::string_view key) -> std::optional<std::string> {
    auto v = req.queryValue(key);
    if (v && v->empty()) return std::nullopt;
    return v;
  };
  PeopleFilter f;
  f.q = value("q");
  f.location = value("location");
  if (auto r = value("role")) {
    f.role = parsePersonRole(*r);
    if (!f.role) return std::unexpected(Error::invalid("role", "role must be student or staff"));
  }
  if (auto a = value("active")) {
    if (*a != "true" && *a != "false")
      return std::unexpected(Error::invalid("active", "active must be true or false"));
    f.active = *a == "true";
  }
  if (auto l = value("limit")) {
    int limit = 0;
    auto [end, ec] = std::from_chars(l->data(), l->data() + l->size(), limit);
    if (ec != std::errc() || end != l->data() + l->size() || limit < 1 || limit > 1000) {
      return std::unexpected(Error::invalid("limit", "limit must be an integer from 1 to 1000"));
    }
    f.limit = limit;
  }
  if (auto c = value("cursor")) {
    auto after = decodeCursor(*c);
    if (!after) return std::unexpected(Error::invalid("cursor", "cursor is not one this server handed out"));
    f.after_id = *after;
  }
  return f;
}

Response listPeople(ApiContext& ctx, Request& req) {
  auto filter = peopleFilterFrom(req);
  if (!filter) return errorResponse(filter.error());
  auto page = PeopleStore(ctx.db).list(*filter);
  if (!page) return errorResponse(page.error());
  json items = json::array();
  for (const auto& p : page->items) items.push_back(personToJson(p));
  json next = page->next_after_id ? json(encodeCursor(*page->next_after_id)) : json(nullptr);
  return jsonResponse(200, {{"items", std::move(items)}, {"next_cursor", std::move(next)}});
}

Response createPerson(ApiContext& ctx, Request& req) {
  auto body = parseJsonObject(req.body);
  if (!body) return errorResponse(body.error());
  auto draft = personDraftFromJson(*body);
  if (!draft) return errorResponse(draft.error());
  auto person = PeopleStore(ctx.db).create(*draft);
  if (!person) return errorResponse(person.error());
  Response r = jsonResponse(201, personToJson(*person));
  r.headers.emplace_back("Location", "/api/v1/people/" + person->external_id);
  return r;
}

Response getPerson(ApiContext& ctx, Request& req) {
  auto person = PeopleStore(ctx.db).get(req.params.at("external_id"));
  if (!person) return errorResponse(person.error());
  return jsonResponse(200, personToJson(*person));
}

Response patchPerson(ApiContext& ctx, Request& req) {
  auto body = parseJsonObject(req.body);
  if (!body) return errorResponse(body.error());
  auto draft = personDraftFromJson(*body);
  if (!draft) return errorResponse(draft.error());
  auto person = PeopleStore(ctx.db).update(req.params.at("external_id"), *draft);
  if (!person) return errorResponse(person.error());
  return jsonResponse(200, personToJson(*person));
}

Response importPeople(ApiContext& ctx, Request& req) {
  ParsedRoster parsed = parseRosterCsv(req.body);
  if (!parsed.errors.empty()) {
    const std::size_t n = parsed.errors.size();
    Error e{Errc::invalid, std::to_string(n) + (n == 1 ? " error" : " errors") + "; nothing was imported",
            json::object()};
    json errors = json::array();
    for (std::size_t i = 0; i < n && i < kMaxReportedImportErrors; ++i) {
      const auto& fe = parsed.errors[i];
      errors.push_back({{"line", fe.line}, {"field", fe.field}, {"message", fe.message}});
    }
    e.details["errors"] = std::move(errors);
    e.details["error_count"] = n;
    return errorResponse(e);
  }
  auto summary = PeopleStore(ctx.db).import(parsed.rows);
  if (!summary) return errorResponse(summary.error());
  return jsonResponse(
      200, {{"created", summary->created}, {"updated", summary->updated}, {"unchanged", summary->unchanged}});
}

Response personCheckouts(ApiContext& ctx, Request& req) {
  auto filter = checkoutFilterFrom(req, /*person_in_path=*/true);
  if (!filter) return errorResponse(filter.error());
  filter->today = localToday();
  return checkoutPageResponse(CheckoutStore(ctx.db).list(*filter), filter->today);
}

}  // namespace

void registerPeopleRoutes(Router& router, ApiContext& ctx) {
  using Body = RouteOptions::Body;
  const RouteOptions read{.min_role = Role::viewer, .body = Body::none};
  const RouteOptions write{.min_role = Role::technician, .body = Body::json};
  auto bind = [&ctx](Response (*fn)(ApiContext&, Request&)) {
    return [&ctx, fn](Request& req) { return fn(ctx, req); };
  };
  router.add("GET", "/api/v1/people", read, bind(listPeople));
  router.add("POST", "/api/v1/people", write, bind(createPerson));
  router.add("POST", "/api/v1/people:import", {.min_role = Role::technician, .body = Body::csv},
             bind(importPeople));
  router.add("GET", "/api/v1/people/{external_id}", read, bind(getPerson));
  router.add("PATCH", "/api/v1/people/{external_id}", write, bind(patchPerson));
  router.add("GET", "/api/v1/people/{external_id}/checkouts", read, bind(personCheckouts));
}

}  // namespace fk
