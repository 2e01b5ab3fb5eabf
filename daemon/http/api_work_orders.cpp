// Work-order routes: open, list, read, patch (status, assignee, payer, labour...), parts, notes, loaner.
#include <algorithm>
#include <array>
#include <charconv>

#include "http/api_routes.hpp"
#include "http/json_mapping.hpp"
#include "http/work_order_json.hpp"
#include "store/planning_store.hpp"
#include "store/work_order_store.hpp"

namespace fk {

using nlohmann::json;

namespace {

constexpr std::array<std::string_view, 6> kListParams = {"status", "device", "category",
                                                         "open",   "limit",  "cursor"};

Result<std::int64_t> idOf(const Request& req) {
  auto it = req.params.find("id");
  const std::string text = it == req.params.end() ? std::string() : it->second;
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id < 1)
    return std::unexpected(
        Error::invalid("id", "work order id must be a positive integer, got \"" + text + "\""));
  return id;
}

Response orderResponse(int status, const Result<WorkOrder>& w) {
  if (!w) return errorResponse(w.error());
  return jsonResponse(status, workOrderToJson(*w));
}

Result<WorkOrderFilter> filterFrom(const Request& req) {
  for (const auto& [key, value] : req.query) {
    if (std::find(kListParams.begin(), kListParams.end(), key) == kListParams.end())
      return std::unexpected(Error::invalid(key, "unknown query parameter \"" + key + "\""));
    if (req.query.count(key) > 1)
      return std::unexpected(Error::invalid(key, key + " is given more than once"));
  }
  auto value = [&req](std::string_view key) -> std::optional<std::string> {
    auto v = req.queryValue(key);
    if (v && v->empty()) return std::nullopt;
    return v;
  };
  WorkOrderFilter f;
  if (auto s = value("status")) {
    f.status = parseWorkOrderStatus(*s);
    if (!f.status)
      return std::unexpected(Error::invalid("status", "unknown work order status \"" + *s + "\""));
  }
  if (auto c = value("category")) {
    f.category = parseWorkOrderCategory(*c);
    if (!f.category) return std::unexpected(Error::invalid("category", "unknown category \"" + *c + "\""));
  }
  if (auto d = value("device")) {
    auto ref = parseDeviceRef(*d);
    if (!ref) {
      Error e = ref.error();
      e.details["field"] = "device";
      return std::unexpected(std::move(e));
    }
    f.device = *ref;
  }
  if (auto o = value("open")) {
    if (*o != "true" && *o != "false")
      return std::unexpected(Error::invalid("open", "open must be true or false"));
    f.open_only = *o == "true";
  }
  if (auto l = value("limit")) {
    int limit = 0;
    auto [end, ec] = std::from_chars(l->data(), l->data() + l->size(), limit);
    if (ec != std::errc() || end != l->data() + l->size() || limit < 1 || limit > 1000)
      return std::unexpected(Error::invalid("limit", "limit must be an integer from 1 to 1000"));
    f.limit = limit;
  }
  if (auto c = value("cursor")) {
    auto after = decodeCursor(*c);
    if (!after) return std::unexpected(Error::invalid("cursor", "cursor is not one this server handed out"));
    f.after_id = *after;
  }
  return f;
}

Response listOrders(ApiContext& ctx, Request& req) {
  auto filter = filterFrom(req);
  if (!filter) return errorResponse(filter.error());
  WorkOrderStore store(ctx.db);
  auto page = store.list(*filter);
  if (!page) return errorResponse(page.error());
  json items = json::array();
  for (const auto& w : page->items) items.push_back(workOrderToJson(w));
  json next = page->next_after_id ? json(encodeCursor(*page->next_after_id)) : json(nullptr);
  return jsonResponse(200, {{"items", std::move(items)}, {"next_cursor", std::move(next)}});
}

Response openOrder(ApiContext& ctx, Request& req) {
  auto body = parseJsonObject(req.body);
  if (!body) return errorResponse(body.error());
  auto order = newWorkOrderFromJson(*body);
  if (!order) return errorResponse(order.error());
  WorkOrderStore store(ctx.db);
  auto w = store.open(*order, req.actor());
  Response r = orderResponse(201, w);
  if (w) r.headers.emplace_back("Location", "/api/v1/work-orders/" + std::to_string(w->id));
  return r;
}

Response getOrder(ApiContext& ctx, Request& req) {
  auto id = idOf(req);
  if (!id) return errorResponse(id.error());
  auto w = WorkOrderStore(ctx.db).get(*id);
  if (!w) return errorResponse(w.error());
  json body = workOrderToJson(*w);
  // Repair or replace (core/planning, docs/planning.md); a failed read must not hide the order itself.
  auto advice = adviseWorkOrder(ctx.db, *ctx.config(), w->device_id, w->totalCostCents(),
                                w->estimated_cost_cents, todayUtcDate());
  body["advice"] = advice ? repairAdviceJson(*advice) : json(nullptr);
  return jsonResponse(200, body);
}

Response patchOrder(ApiContext& ctx, Request& req) {
  auto id = idOf(req);
  if (!id) return errorResponse(id.error());
  auto body = parseJsonObject(req.body);
  if (!body) return errorResponse(body.error());
  auto parsed = workOrderPatchFromJson(*body);
  if (!parsed) return errorResponse(parsed.error());
  // The rate in force when the minutes are entered prices them; a later rate change leaves them be.
  const std::int64_t rate = ctx.config()->repair.labour_rate_cents;
  return orderResponse(200,
                       WorkOrderStore(ctx.db).update(*id, parsed->patch, parsed->version, rate, req.actor()));
}

Response addPart(ApiContext& ctx, Request& req) {
  auto id = idOf(req);
  if (!id) return errorResponse(id.error());
  auto body = parseJsonObject(req.body);
  if (!body) return errorResponse(body.error());
  auto part = newPartFromJson(*body);
  if (!part) return errorResponse(part.error());
  return orderResponse(201, WorkOrderStore(ctx.db).addPart(*id, *part, req.actor()));
}

Response addNote(ApiContext& ctx, Request& req) {
  auto id = idOf(req);
  if (!id) return errorResponse(id.error());
  auto body = parseJsonObject(req.body);
  if (!body) return errorResponse(body.error());
  auto text = requiredStringField(*body, "text");
  if (!text) return errorResponse(text.error());
  return orderResponse(201, WorkOrderStore(ctx.db).addNote(*id, *text, req.actor()));
}

Response lendLoaner(ApiContext& ctx, Request& req) {
  auto id = idOf(req);
  if (!id) return errorResponse(id.error());
  auto body = parseJsonObject(req.body);
  if (!body) return errorResponse(body.error());
  auto text = requiredStringField(*body, "device");
  if (!text) return errorResponse(text.error());
  auto ref = parseDeviceRef(*text);
  if (!ref) {
    Error e = ref.error();
    e.details["field"] = "device";
    return errorResponse(e);
  }
  return orderResponse(201, WorkOrderStore(ctx.db).lendLoaner(*id, *ref, req.actor()));
}

}  // namespace

void registerWorkOrderRoutes(Router& router, ApiContext& ctx) {
  using Body = RouteOptions::Body;
  const RouteOptions read{.min_role = Role::viewer, .body = Body::none};
  const RouteOptions write{.min_role = Role::technician, .body = Body::json};
  auto bind = [&ctx](Response (*fn)(ApiContext&, Request&)) {
    return [&ctx, fn](Request& req) { return fn(ctx, req); };
  };
  router.add("GET", "/api/v1/work-orders", read, bind(listOrders));
  router.add("POST", "/api/v1/work-orders", write, bind(openOrder));
  router.add("GET", "/api/v1/work-orders/{id}", read, bind(getOrder));
  router.add("PATCH", "/api/v1/work-orders/{id}", write, bind(patchOrder));
  router.add("POST", "/api/v1/work-orders/{id}/parts", write, bind(addPart));
  router.add("POST", "/api/v1/work-orders/{id}/notes", write, bind(addNote));
  router.add("POST", "/api/v1/work-orders/{id}/loaner", write, bind(lendLoaner));
}

}  // namespace fk
