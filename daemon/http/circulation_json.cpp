#include "http/circulation_json.hpp"

#include <array>

#include "http/api_helpers.hpp"
#include "http/json_mapping.hpp"
#include "http/json_values.hpp"

namespace fk {

using nlohmann::json;

namespace {

Result<bool> boolParam(const std::string& key, const std::string& value) {
  if (value == "true" || value == "1") return true;
  if (value == "false" || value == "0") return false;
  return std::unexpected(Error::invalid(key, key + " must be true or false"));
}

}  // namespace

json personToJson(const Person& p) {
  return {{"id", p.id},
          {"external_id", p.external_id},
          {"name", p.name},
          {"email", textOrNull(p.email)},
          {"role", toString(p.role)},
          {"grade", textOrNull(p.grade)},
          {"homeroom", textOrNull(p.homeroom)},
          {"location", textOrNull(p.location)},
          {"household", textOrNull(p.household)},
          {"active", p.active},
          {"created_at", p.created_at},
          {"updated_at", p.updated_at}};
}

Result<PersonDraft> personDraftFromJson(const json& body) {
  PersonDraft d;
  for (const auto& [name, v] : body.items()) {
    if (name == "active") {
      if (!v.is_boolean()) return std::unexpected(Error::invalid(name, "active must be true or false"));
      d.active = v.get<bool>();
      continue;
    }
    if (name == "role") {
      d.role = v.is_string() ? parsePersonRole(v.get_ref<const std::string&>()) : std::nullopt;
      if (!d.role) return std::unexpected(Error::invalid(name, "role must be \"student\" or \"staff\""));
      continue;
    }
    std::optional<std::string>* field = name == "external_id" ? &d.external_id
                                        : name == "name"      ? &d.name
                                        : name == "email"     ? &d.email
                                        : name == "grade"     ? &d.grade
                                        : name == "homeroom"  ? &d.homeroom
                                        : name == "location"  ? &d.location
                                        : name == "household" ? &d.household
                                                              : nullptr;
    if (!field) {
      if (name == "id" || name == "created_at" || name == "updated_at") {
        return std::unexpected(Error::invalid(name, name + " is read-only"));
      }
      return std::unexpected(Error::invalid(name, "unknown field \"" + name + "\""));
    }
    if (v.is_null()) {
      *field = std::string();
    } else if (v.is_string()) {
      *field = v.get<std::string>();
    } else {
      return std::unexpected(Error::invalid(name, name + " must be a string"));
    }
  }
  return d;
}

json checkoutToJson(const Checkout& c, const std::string& today) {
  json person = nullptr;
  if (c.person_id) person = {{"external_id", c.person_external_id}, {"name", c.person_name}};
  return {{"id", c.id},
          {"device",
           {{"id", c.device_id},
            {"asset_tag", textOrNull(c.device_asset_tag)},
            {"serial", textOrNull(c.device_serial)}}},
          {"person", std::move(person)},
          {"location", textOrNull(c.location)},
          {"work_order_id", c.work_order_id ? json(*c.work_order_id) : json(nullptr)},
          {"due", c.due},
          {"open", c.open()},
          {"overdue", c.open() && isOverdue(c.due, today)},
          {"checked_out_at", c.checked_out_at},
          {"checked_out_by", c.checked_out_by},
          {"condition_out", textOrNull(c.condition_out)},
          {"notes_out", textOrNull(c.notes_out)},
          {"returned_at", textOrNull(c.returned_at)},
          {"returned_by", textOrNull(c.returned_by)},
          {"condition_in", textOrNull(c.condition_in)},
          {"notes_in", textOrNull(c.notes_in)}};
}

Result<CheckoutFilter> checkoutFilterFrom(const Request& req, bool person_in_path) {
  static constexpr std::array<std::string_view, 7> kParams = {"open",   "overdue", "person", "location",
                                                              "device", "limit",   "cursor"};
  // Under /people/{external_id}/checkouts the path names the person.
  static constexpr std::array<std::string_view, 6> kPersonParams = {"open",   "overdue", "location",
                                                                    "device", "limit",   "cursor"};
  auto st = person_in_path ? checkQueryParams(req, kPersonParams) : checkQueryParams(req, kParams);
  if (!st) return std::unexpected(st.error());
  CheckoutFilter f;
  if (auto v = filterValue(req, "open")) {
    auto b = boolParam("open", *v);
    if (!b) return std::unexpected(b.error());
    f.open = *b;
  }
  if (auto v = filterValue(req, "overdue")) {
    auto b = boolParam("overdue", *v);
    if (!b) return std::unexpected(b.error());
    f.overdue = *b;
  }
  if (person_in_path) {
    f.person = req.params.at("external_id");
  } else {
    f.person = filterValue(req, "person");
  }
  f.location = filterValue(req, "location");
  if (auto v = filterValue(req, "device")) {
    auto ref = parseDeviceRef(*v);
    if (!ref) return std::unexpected(Error::invalid("device", ref.error().message));
    f.device = *ref;
  }
  if (auto st = readPaging(req, f); !st) return std::unexpected(st.error());
  return f;
}

Response checkoutPageResponse(const Result<CheckoutPage>& page, const std::string& today) {
  return pageResponse(page, [&today](const Checkout& c) { return checkoutToJson(c, today); });
}

}  // namespace fk
