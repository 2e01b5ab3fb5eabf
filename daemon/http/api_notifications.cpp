// The notification outbox over HTTP: GET /api/v1/notifications (admin: it shows addresses),
// POST /api/v1/notifications:preview (a rendered mail, nothing sent) and
// POST /api/v1/notifications:plan (plan now instead of at the next plan_interval).
#include <array>

#include "http/api_helpers.hpp"
#include "http/api_routes.hpp"
#include "http/json_mapping.hpp"
#include "notify/notify_service.hpp"
#include "store/outbox_store.hpp"

namespace fk {

namespace {

constexpr std::array<std::string_view, 2> kNotificationListParams = {"status", "limit"};

nlohmann::json rowJson(const OutboxRow& r) {
  return {{"id", r.id},
          {"kind", r.kind},
          {"day", r.day},
          {"to", r.to},
          {"cc", r.cc},
          {"status", r.status},
          {"not_before", r.not_before},
          {"attempts", r.attempts},
          {"last_error", r.last_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.last_error)},
          {"last_code", r.last_code == 0 ? nlohmann::json(nullptr) : nlohmann::json(r.last_code)},
          {"created_at", r.created_at},
          {"sent_at", r.sent_at.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.sent_at)},
          {"items", r.context.contains("items") ? r.context["items"].size() : 0}};
}

Response listNotifications(ApiContext& ctx, Request& req) {
  if (auto st = checkQueryParams(req, kNotificationListParams); !st) return errorResponse(st.error());
  std::string status = req.queryValue("status").value_or("");
  if (!status.empty() && status != "queued" && status != "sending" && status != "sent" && status != "failed")
    return errorResponse(Error::invalid("status", "status must be queued, sending, sent or failed"));
  int limit = 100;
  if (auto st = readLimit(req, limit); !st) return errorResponse(st.error());
  auto rows = OutboxStore(ctx.db).list(status, limit);
  if (!rows) return errorResponse(rows.error());
  auto counts = OutboxStore(ctx.db).counts();
  if (!counts) return errorResponse(counts.error());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& r : *rows) items.push_back(rowJson(r));
  return jsonResponse(200, {{"items", items},
                            {"queued", counts->queued},
                            {"sent", counts->sent},
                            {"failed", counts->failed},
                            {"configured", ctx.config()->notifications.has_value()}});
}

Response previewNotification(ApiContext& ctx, Request& req) {
  auto body = parseJsonObject(req.body);
  if (!body) return errorResponse(body.error());
  for (auto it = body->begin(); it != body->end(); ++it)
    if (it.key() != "kind" && it.key() != "person")
      return errorResponse(Error::invalid(it.key(), "unknown field " + it.key() + " (kind, person)"));
  for (const char* field : {"kind", "person"})
    if (!body->contains(field) || !(*body)[field].is_string())
      return errorResponse(Error::invalid(field, std::string(field) + " is required text"));
  auto mail = previewNotice(ctx.db, *ctx.config(), (*body)["kind"], (*body)["person"]);
  if (!mail) return errorResponse(mail.error());
  return jsonResponse(200, *mail);
}

Response planNotifications(ApiContext& ctx, Request&) {
  if (!ctx.notify) return errorResponse(Error::conflict("notifications are not running"));
  auto summary = ctx.notify->planNow();
  if (!summary) return errorResponse(summary.error());
  return jsonResponse(200, {{"day", summary->day},
                            {"planned", summary->planned},
                            {"added", summary->added},
                            {"people_without_email", summary->people_without_email}});
}

}  // namespace

void registerNotificationRoutes(Router& router, ApiContext& ctx) {
  using Body = RouteOptions::Body;
  router.add("GET", "/api/v1/notifications", {.min_role = Role::admin, .body = Body::none, .district_only = true},
             [&ctx](Request& req) { return listNotifications(ctx, req); });
  router.add("POST", "/api/v1/notifications:preview", {.min_role = Role::admin, .body = Body::json, .district_only = true},
             [&ctx](Request& req) { return previewNotification(ctx, req); });
  router.add("POST", "/api/v1/notifications:plan", {.min_role = Role::admin, .body = Body::none, .district_only = true},
             [&ctx](Request& req) { return planNotifications(ctx, req); });
}

}  // namespace fk
