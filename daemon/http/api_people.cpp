// People routes: the roster (list, search, create, read, update/deactivate, CSV import) and a person's loans.
#include <array>

#include "core/circulation.hpp"
#include "core/roster_csv.hpp"
#include "http/api_helpers.hpp"
#include "http/api_routes.hpp"
#include "http/circulation_json.hpp"
#include "http/device_json.hpp"
#include "http/json_mapping.hpp"
#include "store/people_store.hpp"

namespace fk {

using nlohmann::json;

namespace {

Response personResponse(int status, const Person& p) {
  std::string body;
  body.reserve(384);
  appendPersonJson(body, p);
  body += '\n';
  return jsonTextResponse(status, std::move(body));
}

Result<PeopleFilter> peopleFilterFrom(const Request& req) {
  static constexpr std::array<std::string_view, 6> kParams = {"q",        "role",  "active",
                                                              "location", "limit", "cursor"};
  if (auto st = checkQueryParams(req, kParams); !st) return std::unexpected(st.error());
  PeopleFilter f;
  f.q = filterValue(req, "q");
  f.location = filterValue(req, "location");
  if (auto r = filterValue(req, "role")) {
    f.role = parsePersonRole(*r);
    if (!f.role) return std::unexpected(Error::invalid("role", "role must be student or staff"));
  }
  auto active = flagParam(req, "active");
  if (!active) return std::unexpected(active.error());
  f.active = *active;
  if (auto st = readPaging(req, f); !st) return std::unexpected(st.error());
  return f;
}

Response listPeople(ApiContext& ctx, Request& req) {
  auto filter = peopleFilterFrom(req);
  if (!filter) return errorResponse(filter.error());
  return pageResponse(PeopleStore(ctx.db, req.scope()).list(*filter), personToJson);
}

Response createPerson(ApiContext& ctx, Request& req) {
  auto body = parseJsonObject(req.body);
  if (!body) return errorResponse(body.error());
  auto draft = personDraftFromJson(*body);
  if (!draft) return errorResponse(draft.error());
  auto person = PeopleStore(ctx.db, req.scope()).create(*draft);
  if (!person) return errorResponse(person.error());
  Response r = personResponse(201, *person);
  r.headers.emplace_back("Location", "/api/v1/people/" + person->external_id);
  return r;
}

Response getPerson(ApiContext& ctx, Request& req) {
  auto person = PeopleStore(ctx.db, req.scope()).get(req.params.at("external_id"));
  if (!person) return errorResponse(person.error());
  return personResponse(200, *person);
}

Response patchPerson(ApiContext& ctx, Request& req) {
  auto body = parseJsonObject(req.body);
  if (!body) return errorResponse(body.error());
  auto draft = personDraftFromJson(*body);
  if (!draft) return errorResponse(draft.error());
  auto person = PeopleStore(ctx.db, req.scope()).update(req.params.at("external_id"), *draft);
  if (!person) return errorResponse(person.error());
  return personResponse(200, *person);
}

Response importPeople(ApiContext& ctx, Request& req) {
  static constexpr std::array<std::string_view, 3> kAllowed{"encoding", "date_order", "strict"};
  if (auto st = checkQueryParams(req, kAllowed); !st) return errorResponse(st.error());
  auto options = csvOptionsFromQuery(req);
  if (!options) return errorResponse(options.error());
  ParsedRoster parsed = parseRosterCsv(req.body, *options);
  if (!parsed.errors.empty()) return errorResponse(importRefused(parsed.errors));
  auto summary = PeopleStore(ctx.db, req.scope()).import(parsed.rows);
  if (!summary) return errorResponse(summary.error());
  return jsonResponse(200, {{"created", summary->created},
                            {"updated", summary->updated},
                            {"unchanged", summary->unchanged},
                            {"ignored_columns", parsed.ignored_columns}});
}

Response personCheckouts(ApiContext& ctx, Request& req) {
  auto filter = checkoutFilterFrom(req, /*person_in_path=*/true);
  if (!filter) return errorResponse(filter.error());
  filter->today = localToday();
  return checkoutPageResponse(CheckoutStore(ctx.db, req.scope()).list(*filter), filter->today);
}

Response personEvents(ApiContext& ctx, Request& req) {
  auto events = PeopleStore(ctx.db, req.scope()).events(req.params.at("external_id"));
  if (!events) return errorResponse(events.error());
  nlohmann::json items = nlohmann::json::array();
  for (const PersonEvent& e : *events) {
    items.push_back({{"id", e.id},
                     {"at", e.at},
                     {"actor", e.actor},
                     {"action", e.action},
                     {"changes", nlohmann::json::parse(e.changes, nullptr, false)},
                     {"reason", e.reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(e.reason)}});
  }
  return jsonResponse(200, {{"items", std::move(items)}});
}

}  // namespace

void registerPeopleRoutes(Router& router, ApiContext& ctx) {
  auto bind = [&ctx](ApiHandler fn) { return bindHandler(ctx, fn); };
  router.add("GET", "/api/v1/people", kReadRoute, bind(listPeople));
  router.add("POST", "/api/v1/people", kWriteRoute, bind(createPerson));
  router.add("POST", "/api/v1/people:import", kCsvUploadRoute, bind(importPeople));
  router.add("GET", "/api/v1/people/{external_id}", kCheapReadRoute, bind(getPerson));
  router.add("PATCH", "/api/v1/people/{external_id}", kWriteRoute, bind(patchPerson));
  router.add("GET", "/api/v1/people/{external_id}/checkouts", kReadRoute, bind(personCheckouts));
  router.add("GET", "/api/v1/people/{external_id}/events", kReadRoute, bind(personEvents));
}

}  // namespace fk
