#include "http/work_order_json.hpp"

#include <limits>

#include "core/values.hpp"
#include "http/json_mapping.hpp"
#include "http/json_values.hpp"

namespace fk {

using nlohmann::json;

namespace {

template <class E>
std::string names(std::span<const E> values) {
  std::string out;
  for (E v : values) out += (out.empty() ? "" : ", ") + std::string(toString(v));
  return out;
}

json checkoutJson(const LinkedCheckout& c) {
  json person = nullptr;
  if (c.person_id)
    person = {{"id", *c.person_id}, {"external_id", c.person_external_id}, {"name", c.person_name}};
  return {{"id", c.id},
          {"device",
           {{"id", c.device_id},
            {"asset_tag", textOrNull(c.device_asset_tag)},
            {"serial", textOrNull(c.device_serial)}}},
          {"person", person},
          {"location", textOrNull(c.location)},
          {"due", c.due},
          {"checked_out_at", c.checked_out_at},
          {"returned_at", textOrNull(c.returned_at)},
          {"open", c.returned_at.empty()}};
}

Error fieldMustBe(const std::string& field, const char* expected) {
  return Error::invalid(field, field + " must be " + expected);
}

Result<std::int64_t> integerField(const json& v, const std::string& field) {
  if (!v.is_number_integer()) return std::unexpected(fieldMustBe(field, "a whole number"));
  if (v.is_number_unsigned() &&
      v.get<std::uint64_t>() > std::uint64_t(std::numeric_limits<std::int64_t>::max()))
    return std::unexpected(Error::invalid(field, field + " is out of range"));
  return v.get<std::int64_t>();
}

// Money as the device API takes it (a decimal string, or a number with at most two decimals), within the
// bench's bounds; "12.345" and "abc" are refused by name.
Result<std::int64_t> costField(const json& v, const std::string& field) {
  if (v.is_string()) return parseCostField(v.get_ref<const std::string&>(), field);
  auto cents = moneyFromJson(v, field);
  if (!cents) return std::unexpected(cents.error());
  if (!*cents) return std::unexpected(fieldMustBe(field, "an amount like \"54.00\""));
  if (**cents > kMaxUnitCostCents)
    return std::unexpected(
        Error::invalid(field, field + " must be from 0.00 to " + formatMoney(kMaxUnitCostCents)));
  return **cents;
}

Result<DeviceRef> orderDeviceRef(const json& v) {
  if (v.is_number_integer()) return parseDeviceRef(v.dump());
  if (!v.is_string())
    return std::unexpected(
        fieldMustBe("device", "a device reference: an id, \"tag:ASSET_TAG\" or \"serial:SERIAL\""));
  auto ref = parseDeviceRef(v.get_ref<const std::string&>());
  if (!ref) {
    Error e = ref.error();
    e.details["field"] = "device";
    return std::unexpected(std::move(e));
  }
  return ref;
}

}  // namespace

json workOrderToJson(const WorkOrder& w) {
  json parts = json::array();
  for (const auto& p : w.parts) {
    parts.push_back({{"id", p.id},
                     {"part", p.part},
                     {"quantity", p.quantity},
                     {"unit_cost", formatMoney(p.unit_cost_cents)},
                     {"cost", formatMoney(p.cost_cents)},
                     {"added_by", p.added_by},
                     {"added_at", p.added_at}});
  }
  json notes = json::array();
  for (const auto& n : w.notes)
    notes.push_back({{"id", n.id}, {"author", n.author}, {"at", n.at}, {"text", n.text}});
  json holder = nullptr;
  if (w.checkout && w.checkout->returned_at.empty()) {
    const auto& c = *w.checkout;
    holder = c.person_id ? json{{"type", "person"},
                                {"id", *c.person_id},
                                {"external_id", c.person_external_id},
                                {"name", c.person_name}}
                         : json{{"type", "location"}, {"location", c.location}};
  }
  json out = json::object();
  out["id"] = w.id;
  out["device"] = {{"id", w.device_id},
                   {"asset_tag", textOrNull(w.device_asset_tag)},
                   {"serial", textOrNull(w.device_serial)}};
  out["category"] = toString(w.category);
  out["description"] = w.description;
  out["priority"] = toString(w.priority);
  out["status"] = toString(w.status);
  out["open"] = !isClosed(w.status);
  json allowed = json::array();
  for (auto s : allowedWorkOrderMoves(w.status)) allowed.push_back(toString(s));
  out["allowed_statuses"] = std::move(allowed);
  out["reported_by"] = textOrNull(w.reported_by);
  out["assignee"] = textOrNull(w.assignee);
  out["payer"] = w.payer ? json(toString(*w.payer)) : json(nullptr);
  out["labour_minutes"] = w.labour_minutes;
  out["cost"] = {{"parts", formatMoney(w.parts_cost_cents)},
                 {"labour", formatMoney(w.labour_cost_cents)},
                 {"total", formatMoney(w.totalCostCents())}};
  out["estimated_cost"] = w.estimated_cost_cents ? json(formatMoney(*w.estimated_cost_cents)) : json(nullptr);
  out["prior_status"] = toString(w.prior_status);
  out["checkout"] = w.checkout ? checkoutJson(*w.checkout) : json(nullptr);
  out["holder"] = std::move(holder);
  out["loaner"] = w.loaner ? checkoutJson(*w.loaner) : json(nullptr);
  out["parts"] = std::move(parts);
  out["notes"] = std::move(notes);
  out["resolution"] = textOrNull(w.resolution);
  out["opened_by"] = w.opened_by;
  out["opened_at"] = w.opened_at;
  out["updated_at"] = w.updated_at;
  out["closed_at"] = textOrNull(w.closed_at);
  out["version"] = w.version;
  return out;
}

Result<NewWorkOrder> newWorkOrderFromJson(const json& body) {
  NewWorkOrder o;
  bool has_device = false, has_category = false, has_description = false;
  for (const auto& [name, v] : body.items()) {
    if (name == "device") {
      auto ref = orderDeviceRef(v);
      if (!ref) return std::unexpected(ref.error());
      o.device = *ref;
      has_device = true;
    } else if (name == "category") {
      auto c = v.is_string() ? parseWorkOrderCategory(v.get_ref<const std::string&>()) : std::nullopt;
      if (!c)
        return std::unexpected(
            Error::invalid("category", "category must be one of " + names(allWorkOrderCategories())));
      o.category = *c;
      has_category = true;
    } else if (name == "priority") {
      auto p = v.is_string() ? parseWorkOrderPriority(v.get_ref<const std::string&>()) : std::nullopt;
      if (!p)
        return std::unexpected(
            Error::invalid("priority", "priority must be one of " + names(allWorkOrderPriorities())));
      o.priority = *p;
    } else if (name == "description") {
      auto s = stringField(v, name, false);
      if (!s) return std::unexpected(s.error());
      o.description = *s;
      has_description = true;
    } else if (name == "reported_by") {
      auto s = stringField(v, name, true);
      if (!s) return std::unexpected(s.error());
      o.reported_by = *s;
    } else if (name == "estimated_cost") {
      if (v.is_null()) continue;
      auto c = costField(v, name);
      if (!c) return std::unexpected(c.error());
      o.estimated_cost_cents = *c;
    } else {
      return std::unexpected(Error::invalid(name, "unknown field \"" + name + "\""));
    }
  }
  if (!has_device)
    return std::unexpected(Error::invalid("device", "device is required (id, tag: or serial:)"));
  if (!has_category)
    return std::unexpected(
        Error::invalid("category", "category is required: " + names(allWorkOrderCategories())));
  if (!has_description) return std::unexpected(Error::invalid("description", "description is required"));
  return o;
}

Result<ParsedWorkOrderPatch> workOrderPatchFromJson(const json& body) {
  ParsedWorkOrderPatch out;
  WorkOrderPatch& p = out.patch;
  for (const auto& [name, v] : body.items()) {
    if (name == "status") {
      auto s = v.is_string() ? parseWorkOrderStatus(v.get_ref<const std::string&>()) : std::nullopt;
      if (!s)
        return std::unexpected(
            Error::invalid("status", "status must be one of " + names(allWorkOrderStatuses())));
      p.status = *s;
    } else if (name == "assignee" || name == "resolution") {
      auto s = stringField(v, name, true);
      if (!s) return std::unexpected(s.error());
      (name == "assignee" ? p.assignee : p.resolution) = *s;
    } else if (name == "payer") {
      if (v.is_null()) {
        p.payer = std::optional<Payer>();
        continue;
      }
      auto payer = v.is_string() ? parsePayer(v.get_ref<const std::string&>()) : std::nullopt;
      if (!payer)
        return std::unexpected(Error::invalid("payer", "payer must be null or one of " + names(allPayers())));
      p.payer = payer;
    } else if (name == "labour_minutes") {
      auto m = integerField(v, name);
      if (!m) return std::unexpected(m.error());
      auto checked = checkLabourMinutes(*m);
      if (!checked) return std::unexpected(checked.error());
      p.labour_minutes = *m;
    } else if (name == "estimated_cost") {
      if (v.is_null()) {
        p.estimated_cost_cents = std::optional<std::int64_t>();
        continue;
      }
      auto c = costField(v, name);
      if (!c) return std::unexpected(c.error());
      p.estimated_cost_cents = *c;
    } else if (name == "version") {
      auto ver = integerField(v, name);
      if (!ver) return std::unexpected(ver.error());
      if (*ver < 1) return std::unexpected(Error::invalid("version", "version must be at least 1"));
      out.version = *ver;
    } else {
      return std::unexpected(Error::invalid(name, "unknown field \"" + name + "\""));
    }
  }
  return out;
}

Result<NewPart> newPartFromJson(const json& body) {
  NewPart part;
  bool has_part = false, has_cost = false;
  for (const auto& [name, v] : body.items()) {
    if (name == "part") {
      auto s = stringField(v, name, false);
      if (!s) return std::unexpected(s.error());
      part.part = *s;
      has_part = true;
    } else if (name == "quantity") {
      auto q = integerField(v, name);
      if (!q) return std::unexpected(q.error());
      auto checked = checkPartQuantity(*q);
      if (!checked) return std::unexpected(checked.error());
      part.quantity = *q;
    } else if (name == "unit_cost") {
      auto c = costField(v, name);
      if (!c) return std::unexpected(c.error());
      part.unit_cost_cents = *c;
      has_cost = true;
    } else {
      return std::unexpected(Error::invalid(name, "unknown field \"" + name + "\""));
    }
  }
  if (!has_part) return std::unexpected(Error::invalid("part", "part is required: what was fitted"));
  if (!has_cost) return std::unexpected(Error::invalid("unit_cost", "unit_cost is required, e.g. \"54.00\""));
  return part;
}

Result<std::string> requiredStringField(const json& body, const std::string& field) {
  for (const auto& [name, v] : body.items()) {
    if (name != field) return std::unexpected(Error::invalid(name, "unknown field \"" + name + "\""));
  }
  if (!body.contains(field)) return std::unexpected(Error::invalid(field, field + " is required"));
  const json& v = body[field];
  if (v.is_number_integer()) return v.dump();  // a device id
  if (!v.is_string()) return std::unexpected(fieldMustBe(field, "a string"));
  return v.get<std::string>();
}

}  // namespace fk
