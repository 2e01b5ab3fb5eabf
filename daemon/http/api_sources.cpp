// Source routes: health of every configured source, the devices a source flagged, and "poll now".
#include "core/values.hpp"
#include "http/api_routes.hpp"
#include "http/json_values.hpp"
#include "store/source_store.hpp"

namespace fk {

using nlohmann::json;

namespace {

constexpr int kDefaultFlagged = 100;
constexpr int kMaxFlagged = 1000;

json instant(const std::optional<std::chrono::system_clock::time_point>& t) {
  return t ? json(formatInstant(*t)) : json(nullptr);
}

json sourceToJson(const SourceStatus& s) {
  const SourcePollSummary& p = s.summary;
  json duplicates = json::array();
  for (const auto& d : p.duplicate_keys) duplicates.push_back({{"key", d.key}, {"origins", d.origins}});
  return {
      {"name", s.name},
      {"plugin", s.plugin},
      {"interval_seconds", s.interval.count()},
      {"full_sync_interval_seconds",
       s.full_sync_interval ? json(s.full_sync_interval->count()) : json(nullptr)},
      {"timeout_seconds", s.timeout.count()},
      {"on_unknown", s.on_unknown},
      {"overwrite_manual", s.overwrite_manual},
      {"running", s.running},
      {"polls", s.polls},
      {"last_start", instant(s.last_start)},
      {"last_end", instant(s.last_end)},
      {"last_result", textOrNull(s.last_result)},
      {"last_reason", textOrNull(s.last_reason)},
      {"last_error", textOrNull(s.last_error)},
      {"last_duration_seconds", s.last_duration_seconds},
      {"last_success", instant(s.last_success)},
      {"last_full_sync", instant(s.last_full_sync)},
      {"next_poll", instant(s.next_poll)},
      {"consecutive_failures", s.consecutive_failures},
      {"backoff_seconds", s.backoff.count()},
      // Of the last successful poll:
      {"observed", p.observed},
      {"skipped", p.skipped},
      {"listed", p.listed},
      {"created", p.created},
      {"updated", p.updated},
      {"unchanged", p.unchanged},
      {"flagged", p.flagged},
      {"conflicts", p.conflicts},
      {"duplicates", p.duplicates},
      {"kept_manual", p.kept_manual},
      {"field_problems", p.field_problems},
      {"left_listing", p.left_listing},
      {"duplicate_keys", std::move(duplicates)},
      {"problems", p.problems},
      {"people", {{"observed", p.people.observed}, {"created", p.people.created}, {"updated", p.people.updated},
                  {"unchanged", p.people.unchanged}, {"left", p.people.left}, {"returned", p.people.returned},
                  {"return_dates", p.people.return_dates}}},
  };
}

json flaggedToJson(const FlaggedDevice& f) {
  return {{"key", f.key},
          {"source_id", textOrNull(f.source_id)},
          {"serial", textOrNull(f.serial)},
          {"asset_tag", textOrNull(f.asset_tag)},
          {"macs", f.macs},
          {"fields", f.fields},
          {"origin", textOrNull(f.origin)},
          {"reason", f.reason},
          {"first_seen", f.first_seen},
          {"updated_at", f.updated_at}};
}

Error unknownSource(const std::string& name) {
  return Error::notFound("no source named \"" + name + "\"");
}

Response listSources(ApiContext& ctx, Request&) {
  json items = json::array();
  if (ctx.sources)
    for (const SourceStatus& s : ctx.sources->statuses()) items.push_back(sourceToJson(s));
  return jsonResponse(200, {{"items", std::move(items)}});
}

Response getSource(ApiContext& ctx, Request& req) {
  const std::string& name = req.params["name"];
  auto status = ctx.sources ? ctx.sources->status(name) : std::nullopt;
  if (!status) return errorResponse(unknownSource(name));
  int limit = kDefaultFlagged;
  if (auto text = req.queryValue("limit")) {
    try {
      std::size_t used = 0;
      limit = std::stoi(*text, &used);
      if (used != text->size()) limit = 0;
    } catch (const std::exception&) {
      limit = 0;
    }
    if (limit < 1 || limit > kMaxFlagged)
      return errorResponse(
          Error::invalid("limit", "limit must be between 1 and " + std::to_string(kMaxFlagged)));
  }
  SourceStore store(ctx.db);
  auto flagged = store.flagged(name, limit);
  if (!flagged) return errorResponse(flagged.error());
  auto count = store.flaggedCount(name);
  if (!count) return errorResponse(count.error());
  json out = sourceToJson(*status);
  json items = json::array();
  for (const FlaggedDevice& f : *flagged) items.push_back(flaggedToJson(f));
  out["flagged_devices"] = std::move(items);
  out["flagged_count"] = *count;
  return jsonResponse(200, out);
}

Response pollSource(ApiContext& ctx, Request& req) {
  const std::string& name = req.params["name"];
  if (!ctx.sources) return errorResponse(unknownSource(name));
  switch (ctx.sources->pollNow(name)) {
    case SourceControl::PollRequest::started:
      return jsonResponse(202, {{"source", name}, {"status", "started"}});
    case SourceControl::PollRequest::already_running:
      return errorResponse(Error::conflict(
          "source \"" + name + "\" is polling now; try again when it is done", {{"source", name}}));
    case SourceControl::PollRequest::unknown: break;
  }
  return errorResponse(unknownSource(name));
}

json writeBackChangeJson(const write_back::Change& c, const write_back::Status& status) {
  std::string wanted = c.change.value;
  if (c.change.action == api::WriteBackAction::disable) wanted = std::string(api::kRemoteDisabled);
  if (c.change.action == api::WriteBackAction::reenable) wanted = "ACTIVE";
  auto error = status.errors.find({c.device_id, c.change.action});
  return {{"device_id", c.device_id},
          {"asset_tag", textOrNull(c.asset_tag)},
          {"source_id", c.change.source_id},
          {"action", std::string(api::toString(c.change.action))},
          {"field", c.field},
          {"google", c.change.previous},
          {"fleetkeep", wanted},
          {"reason", textOrNull(c.reason)},
          {"held", c.held},
          {"last_error", error == status.errors.end() ? json(nullptr) : json(error->second)}};
}

Response getWriteBack(ApiContext& ctx, Request& req) {
  const std::string& name = req.params["name"];
  if (!ctx.sources) return errorResponse(unknownSource(name));
  auto view = ctx.sources->writeBack(name);
  if (!view) return errorResponse(view.error());
  const write_back::Status& st = view->status;
  json changes = json::array();
  for (const auto& c : view->plan.changes) changes.push_back(writeBackChangeJson(c, st));
  json by_action = json::object();
  for (const auto& c : view->plan.changes) by_action[std::string(api::toString(c.change.action))] =
      by_action.value(std::string(api::toString(c.change.action)), 0) + 1;
  return jsonResponse(
      200, {{"source", name},
            {"dry_run", view->config.dry_run},
            {"max_disables_per_poll", view->config.max_disables_per_poll},
            {"pending", view->plan.changes.size()},
            {"pending_by_action", std::move(by_action)},
            {"disables", view->plan.disables},
            {"cap_hit", view->plan.cap_hit},
            {"last_run", instant(st.last_run)},
            {"last_result", textOrNull(st.last_result)},
            {"last_sent", st.last_sent},
            {"last_applied", st.last_applied},
            {"last_failed", st.last_failed},
            {"last_duration_seconds", st.last_duration_seconds},
            {"stopped", st.stopped},
            {"stopped_reason", textOrNull(st.stopped_reason)},
            {"stopped_message", textOrNull(st.stopped_message)},
            {"changes", std::move(changes)}});
}

Response applyWriteBack(ApiContext& ctx, Request& req) {
  const std::string& name = req.params["name"];
  if (!ctx.sources) return errorResponse(unknownSource(name));
  switch (ctx.sources->applyWriteBack(name)) {
    case SourceControl::ApplyRequest::started:
      return jsonResponse(202, {{"source", name}, {"status", "started"}});
    case SourceControl::ApplyRequest::already_running:
      return errorResponse(Error::conflict("source \"" + name + "\" is busy (polling or writing back); try again when it is done",
                                           {{"source", name}}));
    case SourceControl::ApplyRequest::not_configured:
      return errorResponse(Error::notFound("source \"" + name + "\" has no write_back block in the config"));
    case SourceControl::ApplyRequest::unknown: break;
  }
  return errorResponse(unknownSource(name));
}

}  // namespace

void registerSourceRoutes(Router& router, ApiContext& ctx) {
  using Body = RouteOptions::Body;
  router.add("GET", "/api/v1/sources", {.min_role = Role::viewer, .body = Body::none},
             [&ctx](Request& req) { return listSources(ctx, req); });
  router.add("GET", "/api/v1/sources/{name}", {.min_role = Role::viewer, .body = Body::none},
             [&ctx](Request& req) { return getSource(ctx, req); });
  // No body: an empty POST (curl -X POST) is how people will call it.
  router.add("POST", "/api/v1/sources/{name}/poll", {.min_role = Role::admin, .body = Body::none, .district_only = true},
             [&ctx](Request& req) { return pollSource(ctx, req); });
  router.add("GET", "/api/v1/sources/{name}/write-back",
             {.min_role = Role::viewer, .body = Body::none, .district_only = true},
             [&ctx](Request& req) { return getWriteBack(ctx, req); });
  router.add("POST", "/api/v1/sources/{name}/write-back:apply",
             {.min_role = Role::admin, .body = Body::none, .district_only = true},
             [&ctx](Request& req) { return applyWriteBack(ctx, req); });
}

}  // namespace fk
