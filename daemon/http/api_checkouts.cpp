// Checkout routes: lend, return (one, by device, or a batch), list.
#include "core/circulation.hpp"
#include "core/work_order.hpp"
#include "http/api_helpers.hpp"
#include "http/api_routes.hpp"
#include "http/circulation_json.hpp"
#include "http/json_mapping.hpp"
#include "store/checkout_store.hpp"

namespace fk {

using nlohmann::json;

namespace {

// A cart of 30 is the usual batch; this keeps one request's transaction short.
constexpr std::size_t kMaxBatchItems = 1000;

Result<DeviceRef> deviceRefField(const json& v) {
  auto text = stringField(v, "device");
  if (!text) return std::unexpected(text.error());
  auto ref = parseDeviceRef(*text);
  if (!ref) return std::unexpected(Error::invalid("device", ref.error().message));
  return *ref;
}

Result<Condition> conditionField(const json& v) {
  auto c = v.is_string() ? parseCondition(v.get_ref<const std::string&>()) : std::nullopt;
  if (!c)
    return std::unexpected(Error::invalid("condition", "condition must be good, damaged or missing_parts"));
  return *c;
}

Result<NewWorkOrder> workOrderField(const json& v) {
  const std::string prefix = "open_work_order.";
  if (!v.is_object()) {
    return std::unexpected(
        Error::invalid("open_work_order", "open_work_order must be an object with category and description"));
  }
  NewWorkOrder order;
  bool has_category = false;
  for (const auto& [name, value] : v.items()) {
    const std::string field = prefix + name;
    if (name == "category") {
      auto c = value.is_string() ? parseWorkOrderCategory(value.get_ref<const std::string&>()) : std::nullopt;
      if (!c) {
        std::string names;
        for (auto k : allWorkOrderCategories())
          names += (names.empty() ? "" : ", ") + std::string(toString(k));
        return std::unexpected(Error::invalid(field, "category must be one of " + names));
      }
      order.category = *c;
      has_category = true;
    } else if (name == "priority") {
      auto p = value.is_string() ? parseWorkOrderPriority(value.get_ref<const std::string&>()) : std::nullopt;
      if (!p) return std::unexpected(Error::invalid(field, "priority must be low, normal, high or urgent"));
      order.priority = *p;
    } else if (name == "description" || name == "reported_by") {
      auto text = stringField(value, field);
      if (!text) return std::unexpected(text.error());
      (name == "description" ? order.description : order.reported_by) = *text;
    } else {
      return std::unexpected(Error::invalid(field, "unknown field \"" + name + "\""));
    }
  }
  if (!has_category) return std::unexpected(Error::invalid(prefix + "category", "category is required"));
  if (order.description.empty()) {
    return std::unexpected(Error::invalid(prefix + "description", "description is required"));
  }
  return order;
}

// One loan from a body or a batch item.
Result<CheckoutRequest> checkoutFrom(const json& body, const std::string& today, int default_days) {
  if (!body.is_object()) return std::unexpected(Error::invalid("body", "expected a JSON object"));
  CheckoutRequest r;
  bool has_device = false;
  std::optional<std::string> person, location, due;
  for (const auto& [name, v] : body.items()) {
    if (name == "device") {
      auto ref = deviceRefField(v);
      if (!ref) return std::unexpected(ref.error());
      r.device = *ref;
      has_device = true;
    } else if (name == "person" || name == "location" || name == "notes" || name == "due") {
      if (v.is_null()) continue;
      auto text = stringField(v, name);
      if (!text) return std::unexpected(text.error());
      if (name == "person") {
        person = *text;
      } else if (name == "location") {
        location = *text;
      } else if (name == "notes") {
        r.notes = *text;
      } else {
        due = *text;
      }
    } else if (name == "condition") {
      auto c = conditionField(v);
      if (!c) return std::unexpected(c.error());
      r.condition = *c;
    } else if (name == "override_hold") {
      if (!v.is_boolean()) return std::unexpected(Error::invalid(name, "override_hold must be true or false"));
      r.override_hold = v.get<bool>();
    } else if (name == "reason") {
      auto text = stringField(v, name);
      if (!text) return std::unexpected(text.error());
      r.override_reason = *text;
    } else {
      return std::unexpected(Error::invalid(name, "unknown field \"" + name + "\""));
    }
  }
  if (r.override_hold && r.override_reason.find_first_not_of(" \t") == std::string::npos)
    return std::unexpected(Error::invalid("reason", "override_hold needs a reason, which is recorded"));
  if (auto bad = checkNotes(r.override_reason, "reason"))
    return std::unexpected(Error::invalid("reason", "reason " + bad->message));
  if (!has_device)
    return std::unexpected(Error::invalid("device", "device is required (id, tag:TAG or serial:SERIAL)"));
  if (auto ok = checkBorrower(person, location); !ok) return std::unexpected(ok.error());
  r.person = person.value_or("");
  r.location = location.value_or("");
  if (auto bad = checkNotes(r.notes, "notes"))
    return std::unexpected(Error::invalid("notes", "notes " + bad->message));
  auto when = dueDate(due, today, default_days);
  if (!when) return std::unexpected(when.error());
  r.due = *when;
  return r;
}

// A return body; `with_device` for batch items, which name their device.
Result<std::pair<DeviceRef, ReturnRequest>> returnFrom(const json& body, bool with_device) {
  if (!body.is_object()) return std::unexpected(Error::invalid("body", "expected a JSON object"));
  std::pair<DeviceRef, ReturnRequest> out;
  bool has_device = false;
  std::optional<Condition> condition;
  for (const auto& [name, v] : body.items()) {
    if (name == "device" && with_device) {
      auto ref = deviceRefField(v);
      if (!ref) return std::unexpected(ref.error());
      out.first = *ref;
      has_device = true;
    } else if (name == "condition") {
      auto c = conditionField(v);
      if (!c) return std::unexpected(c.error());
      condition = *c;
    } else if (name == "notes") {
      if (v.is_null()) continue;
      auto text = stringField(v, name);
      if (!text) return std::unexpected(text.error());
      out.second.info.notes = *text;
    } else if (name == "open_work_order") {
      if (v.is_null()) continue;
      auto order = workOrderField(v);
      if (!order) return std::unexpected(order.error());
      out.second.work_order = *order;
    } else {
      return std::unexpected(Error::invalid(name, "unknown field \"" + name + "\""));
    }
  }
  if (with_device && !has_device) {
    return std::unexpected(Error::invalid("device", "device is required (id, tag:TAG or serial:SERIAL)"));
  }
  out.second.info.condition = returnCondition(condition, out.second.work_order.has_value());
  if (auto bad = checkNotes(out.second.info.notes, "notes")) {
    return std::unexpected(Error::invalid("notes", "notes " + bad->message));
  }
  return out;
}

// Parses {"items": [...]} with `one`, collecting every item's error ({index, field, message}).
template <class T, class Fn>
Result<std::vector<T>> batchFrom(const std::string& text, Fn&& one) {
  auto body = parseJsonObject(text);
  if (!body) return std::unexpected(body.error());
  for (const auto& [name, v] : body->items()) {
    if (name != "items") return std::unexpected(Error::invalid(name, "unknown field \"" + name + "\""));
  }
  if (!body->contains("items") || !(*body)["items"].is_array() || (*body)["items"].empty()) {
    return std::unexpected(Error::invalid("items", "items must be a non-empty array"));
  }
  const json& items = (*body)["items"];
  if (items.size() > kMaxBatchItems) {
    return std::unexpected(
        Error::invalid("items", "at most " + std::to_string(kMaxBatchItems) + " items per request"));
  }
  std::vector<T> out;
  json errors = json::array();
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto r = one(items[i]);
    if (r) {
      out.push_back(std::move(*r));
      continue;
    }
    const json& field = r.error().details.contains("field") ? r.error().details["field"] : json("body");
    errors.push_back({{"index", i}, {"field", field}, {"message", r.error().message}});
  }
  if (!errors.empty()) {
    Error e = Error::invalid("items", std::to_string(errors.size()) + " of " + std::to_string(items.size()) +
                                          " items are invalid; nothing was changed");
    e.details["errors"] = std::move(errors);
    return std::unexpected(std::move(e));
  }
  return out;
}

json returnToJson(const ReturnResult& r, const std::string& today) {
  json out = checkoutToJson(r.checkout, today);
  out["opened_work_order_id"] = r.work_order_id ? json(*r.work_order_id) : json(nullptr);
  return out;
}

// Lifting a hold is the business office's call: admins only.
std::optional<Response> overrideRefused(const Request& req, bool override_hold) {
  if (!override_hold || (req.principal && req.principal->role == Role::admin)) return std::nullopt;
  return errorResponse(Error{Errc::forbidden, "override_hold needs the admin role", {{"field", "override_hold"}}});
}

Response createCheckout(ApiContext& ctx, Request& req) {
  auto body = parseJsonObject(req.body);
  if (!body) return errorResponse(body.error());
  const std::string today = localToday();
  const auto config = ctx.config();
  auto request = checkoutFrom(*body, today, config->checkout.default_loan_days);
  if (!request) return errorResponse(request.error());
  if (auto refused = overrideRefused(req, request->override_hold)) return *refused;
  auto checkout = CheckoutStore(ctx.db, req.scope(), feesOf(config)).checkOut(*request, req.actor());
  if (!checkout) return errorResponse(checkout.error());
  Response r = jsonResponse(201, checkoutToJson(*checkout, today));
  r.headers.emplace_back("Location", "/api/v1/checkouts/" + std::to_string(checkout->id));
  return r;
}

Response batchCheckout(ApiContext& ctx, Request& req) {
  const std::string today = localToday();
  const auto config = ctx.config();
  const int days = config->checkout.default_loan_days;
  auto items =
      batchFrom<CheckoutRequest>(req.body, [&](const json& item) { return checkoutFrom(item, today, days); });
  if (!items) return errorResponse(items.error());
  for (const auto& item : *items) {
    if (auto refused = overrideRefused(req, item.override_hold)) return *refused;
  }
  auto done = CheckoutStore(ctx.db, req.scope(), feesOf(config)).checkOutBatch(*items, req.actor());
  if (!done) return errorResponse(done.error());
  json out = json::array();
  for (const auto& c : *done) out.push_back(checkoutToJson(c, today));
  return jsonResponse(201, {{"items", std::move(out)}});
}

Result<std::int64_t> checkoutIdOf(const Request& req) {
  const std::string& text = req.params.at("id");
  auto id = parseIntIn(text, 1);
  if (!id)
    return std::unexpected(Error::invalid("id", "checkout id \"" + text + "\" is not a positive integer"));
  return *id;
}

Response getCheckout(ApiContext& ctx, Request& req) {
  auto id = checkoutIdOf(req);
  if (!id) return errorResponse(id.error());
  auto c = CheckoutStore(ctx.db, req.scope()).get(*id);
  if (!c) return errorResponse(c.error());
  return jsonResponse(200, checkoutToJson(*c, localToday()));
}

Response returnCheckout(ApiContext& ctx, Request& req) {
  const auto config = ctx.config();
  auto id = checkoutIdOf(req);
  if (!id) return errorResponse(id.error());
  // An empty body is a plain "returned in good condition".
  auto body = req.body.empty() ? Result<json>(json::object()) : parseJsonObject(req.body);
  if (!body) return errorResponse(body.error());
  auto parsed = returnFrom(*body, false);
  if (!parsed) return errorResponse(parsed.error());
  auto r = CheckoutStore(ctx.db, req.scope(), feesOf(config)).returnCheckout(*id, parsed->second, req.actor());
  if (!r) return errorResponse(r.error());
  return jsonResponse(200, returnToJson(*r, localToday()));
}

Response returnDevice(ApiContext& ctx, Request& req) {
  const auto config = ctx.config();
  auto ref = parseDeviceRef(req.params.at("ref"));
  if (!ref) return errorResponse(ref.error());
  auto body = req.body.empty() ? Result<json>(json::object()) : parseJsonObject(req.body);
  if (!body) return errorResponse(body.error());
  auto parsed = returnFrom(*body, false);
  if (!parsed) return errorResponse(parsed.error());
  auto r = CheckoutStore(ctx.db, req.scope(), feesOf(config)).returnDevice(*ref, parsed->second, req.actor());
  if (!r) return errorResponse(r.error());
  return jsonResponse(200, returnToJson(*r, localToday()));
}

Response batchReturn(ApiContext& ctx, Request& req) {
  const auto config = ctx.config();
  using Item = std::pair<DeviceRef, ReturnRequest>;
  auto items = batchFrom<Item>(req.body, [](const json& item) { return returnFrom(item, true); });
  if (!items) return errorResponse(items.error());
  auto done = CheckoutStore(ctx.db, req.scope(), feesOf(config)).returnBatch(*items, req.actor());
  if (!done) return errorResponse(done.error());
  const std::string today = localToday();
  json out = json::array();
  for (const auto& r : *done) out.push_back(returnToJson(r, today));
  return jsonResponse(200, {{"items", std::move(out)}});
}

Response listCheckouts(ApiContext& ctx, Request& req) {
  auto filter = checkoutFilterFrom(req, /*person_in_path=*/false);
  if (!filter) return errorResponse(filter.error());
  filter->today = localToday();
  return checkoutPageResponse(CheckoutStore(ctx.db, req.scope()).list(*filter), filter->today);
}

}  // namespace

void registerCheckoutRoutes(Router& router, ApiContext& ctx) {
  auto bind = [&ctx](ApiHandler fn) { return bindHandler(ctx, fn); };
  router.add("GET", "/api/v1/checkouts", kReadRoute, bind(listCheckouts));
  router.add("POST", "/api/v1/checkouts", kWriteRoute, bind(createCheckout));
  router.add("POST", "/api/v1/checkouts:batch", kWriteRoute, bind(batchCheckout));
  router.add("POST", "/api/v1/checkouts:return-batch", kWriteRoute, bind(batchReturn));
  router.add("GET", "/api/v1/checkouts/{id}", kReadRoute, bind(getCheckout));
  router.add("POST", "/api/v1/checkouts/{id}/return", kWriteRoute, bind(returnCheckout));
  router.add("POST", "/api/v1/devices/{ref}/return", kWriteRoute, bind(returnDevice));
}

}  // namespace fk
