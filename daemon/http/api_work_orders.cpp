// Work-order routes: open, list, read, patch (status, assignee, payer, labour...), parts, notes, loaner.
#include <array>

#include "http/api_helpers.hpp"
#include "http/api_routes.hpp"
#include "http/json_mapping.hpp"
#include "http/work_order_json.hpp"
#include "store/planning_store.hpp"
#include "store/work_order_store.hpp"
#include "core/time_zone.hpp"

namespace fk {

using nlohmann::json;

namespace {

constexpr std::array<std::string_view, 6> kOrderListParams = {"status", "device", "category",
                                                              "open",   "limit",  "cursor"};

Result<std::int64_t> idOf(const Request& req) {
  auto it = req.params.find("id");
  const std::string text = it == req.params.end() ? std::string() : it->second;
  auto id = parseIntIn(text, 1);
  if (!id)
    return std::unexpected(
        Error::invalid("id", "work order id must be a positive integer, got \"" + text + "\""));
  return *id;
}

Response orderResponse(int status, const Result<WorkOrder>& w) {
  if (!w) return errorResponse(w.error());
  return jsonResponse(status, workOrderToJson(*w));
}

Result<WorkOrderFilter> orderFilterFrom(const Request& req) {
  if (auto st = checkQueryParams(req, kOrderListParams); !st) return std::unexpected(st.error());
  WorkOrderFilter f;
  if (auto s = filterValue(req, "status")) {
    f.status = parseWorkOrderStatus(*s);
    if (!f.status)
      return std::unexpected(Error::invalid("status", "unknown work order status \"" + *s + "\""));
  }
  if (auto c = filterValue(req, "category")) {
    f.category = parseWorkOrderCategory(*c);
    if (!f.category) return std::unexpected(Error::invalid("category", "unknown category \"" + *c + "\""));
  }
  if (auto d = filterValue(req, "device")) {
    auto ref = parseDeviceRef(*d);
    if (!ref) {
      Error e = ref.error();
      e.details["field"] = "device";
      return std::unexpected(std::move(e));
    }
    f.device = *ref;
  }
  auto open = flagParam(req, "open");
  if (!open) return std::unexpected(open.error());
  f.open_only = open->value_or(false);
  if (auto st = readPaging(req, f); !st) return std::unexpected(st.error());
  return f;
}

Response listOrders(ApiContext& ctx, Request& req) {
  auto filter = orderFilterFrom(req);
  if (!filter) return errorResponse(filter.error());
  return pageResponse(WorkOrderStore(ctx.db, req.scope()).list(*filter), workOrderToJson);
}

Response openOrder(ApiContext& ctx, Request& req) {
  auto body = parseJsonObject(req.body);
  if (!body) return errorResponse(body.error());
  auto order = newWorkOrderFromJson(*body);
  if (!order) return errorResponse(order.error());
  WorkOrderStore store(ctx.db, req.scope());
  auto w = store.open(*order, req.actor());
  Response r = orderResponse(201, w);
  if (w) r.headers.emplace_back("Location", "/api/v1/work-orders/" + std::to_string(w->id));
  return r;
}

Response getOrder(ApiContext& ctx, Request& req) {
  auto id = idOf(req);
  if (!id) return errorResponse(id.error());
  auto w = WorkOrderStore(ctx.db, req.scope()).get(*id);
  if (!w) return errorResponse(w.error());
  json body = workOrderToJson(*w);
  // Repair or replace (core/planning, docs/planning.md); a failed read must not hide the order itself.
  auto advice = adviseWorkOrder(ctx.db, *ctx.config(), w->device_id, w->totalCostCents(),
                                w->estimated_cost_cents, districtTodayDate());
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
  const auto config = ctx.config();
  const std::int64_t rate = config->repair.labour_rate_cents;
  const FeePolicy* fees = config->fees ? &*config->fees : nullptr;
  return orderResponse(200,
                       WorkOrderStore(ctx.db, req.scope(), fees).update(*id, parsed->patch, parsed->version, rate, req.actor()));
}

Response addPart(ApiContext& ctx, Request& req) {
  auto id = idOf(req);
  if (!id) return errorResponse(id.error());
  auto body = parseJsonObject(req.body);
  if (!body) return errorResponse(body.error());
  auto part = newPartFromJson(*body);
  if (!part) return errorResponse(part.error());
  return orderResponse(201, WorkOrderStore(ctx.db, req.scope()).addPart(*id, *part, req.actor()));
}

Response addNote(ApiContext& ctx, Request& req) {
  auto id = idOf(req);
  if (!id) return errorResponse(id.error());
  auto body = parseJsonObject(req.body);
  if (!body) return errorResponse(body.error());
  auto text = requiredStringField(*body, "text");
  if (!text) return errorResponse(text.error());
  return orderResponse(201, WorkOrderStore(ctx.db, req.scope()).addNote(*id, *text, req.actor()));
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
  return orderResponse(201, WorkOrderStore(ctx.db, req.scope()).lendLoaner(*id, *ref, req.actor()));
}

}  // namespace

void registerWorkOrderRoutes(Router& router, ApiContext& ctx) {
  auto bind = [&ctx](ApiHandler fn) { return bindHandler(ctx, fn); };
  router.add("GET", "/api/v1/work-orders", kReadRoute, bind(listOrders));
  router.add("POST", "/api/v1/work-orders", kWriteRoute, bind(openOrder));
  router.add("GET", "/api/v1/work-orders/{id}", kReadRoute, bind(getOrder));
  router.add("PATCH", "/api/v1/work-orders/{id}", kWriteRoute, bind(patchOrder));
  router.add("POST", "/api/v1/work-orders/{id}/parts", kWriteRoute, bind(addPart));
  router.add("POST", "/api/v1/work-orders/{id}/notes", kWriteRoute, bind(addNote));
  router.add("POST", "/api/v1/work-orders/{id}/loaner", kWriteRoute, bind(lendLoaner));
}

}  // namespace fk
