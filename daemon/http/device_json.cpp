#include "http/device_json.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <string_view>

#include "core/device_field_table.hpp"
#include "core/json_text.hpp"
#include "core/values.hpp"
#include "http/json_mapping.hpp"

namespace fk {

namespace {

void appendKey(std::string& out, std::string_view key) {
  out += '"';
  out += key;  // field names are plain ASCII identifiers
  out += "\":";
}

void appendDump(std::string& out, const nlohmann::json& value) {
  out += value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The members holderToJson() builds, in their sorted order.
void appendHolder(std::string& out, const std::optional<Device::Holder>& h) {
  if (!h) {
    out += "null";
    return;
  }
  out += "{\"checkout_id\":";
  appendJsonInt(out, h->checkout_id);
  out += ",\"due\":";
  appendJsonString(out, h->due);
  if (h->person_external_id.empty()) {
    out += ",\"location\":";
    appendJsonString(out, h->location);
    out += ",\"type\":\"location\"}";
  } else {
    out += ",\"external_id\":";
    appendJsonString(out, h->person_external_id);
    out += ",\"name\":";
    appendJsonString(out, h->person_name);
    out += ",\"type\":\"person\"}";
  }
}

// fieldJson(d, f) as text.
void appendField(std::string& out, const Device& d, const DeviceField& f) {
  switch (f.type) {
    case FieldType::text:
    case FieldType::identifier:
    case FieldType::date: appendJsonStringOrNull(out, d.*f.stored); return;
    case FieldType::money:
      if (d.purchase_price_cents)
        appendJsonString(out, formatMoney(*d.purchase_price_cents));
      else
        out += "null";
      return;
    case FieldType::kind: appendJsonString(out, toString(d.kind)); return;
    case FieldType::status: appendJsonString(out, toString(d.status)); return;
    case FieldType::flag: out += d.loaner ? "true" : "false"; return;
    case FieldType::macs:
      out += '[';
      for (std::size_t i = 0; i < d.macs.size(); ++i) {
        if (i > 0) out += ',';
        appendJsonString(out, d.macs[i]);
      }
      out += ']';
      return;
    case FieldType::server: break;
  }
  if (f.name == "id")
    appendJsonInt(out, d.id);
  else if (f.name == "version")
    appendJsonInt(out, d.version);
  else if (f.name == "created_at")
    appendJsonString(out, d.created_at);
  else if (f.name == "updated_at")
    appendJsonString(out, d.updated_at);
  else if (f.name == "repair_cost")
    appendJsonString(out, formatMoney(d.repair_cost_cents));
  else
    out += "null";
}

// The device's members in nlohmann's order (std::map of std::string: byte-wise), sorted once.
const std::array<const DeviceField*, kDeviceFields.size()>& sortedFields() {
  static const auto sorted = [] {
    std::array<const DeviceField*, kDeviceFields.size()> out{};
    for (std::size_t i = 0; i < kDeviceFields.size(); ++i) out[i] = &kDeviceFields[i];
    std::sort(out.begin(), out.end(), [](const DeviceField* a, const DeviceField* b) { return a->name < b->name; });
    return out;
  }();
  return sorted;
}

}  // namespace

void appendDeviceJson(std::string& out, const Device& d, const std::vector<DeviceSighting>* sightings,
                      bool with_seen) {
  out += '{';
  bool first = true;
  for (const DeviceField* f : sortedFields()) {
    const bool seen = f->name == "seen", suggested = f->name == "suggested_holder";
    if ((seen && !with_seen) || (suggested && !sightings)) continue;
    if (!first) out += ',';
    first = false;
    appendKey(out, f->name);
    if (f->name == "holder") {
      appendHolder(out, d.holder);
    } else if (seen) {
      // A source's recorded fields are arbitrary JSON; few devices have sightings, so the library
      // writes them.
      if (sightings && !sightings->empty())
        appendDump(out, deviceSeenJson(*sightings));
      else
        out += "{}";
    } else if (suggested) {
      appendDump(out, suggestedHolderJson(d, *sightings));
    } else {
      appendField(out, d, *f);
    }
  }
  out += '}';
}

void appendPersonJson(std::string& out, const Person& p) {
  // personToJson()'s members, sorted.
  out += "{\"active\":";
  out += p.active ? "true" : "false";
  out += ",\"created_at\":";
  appendJsonString(out, p.created_at);
  out += ",\"email\":";
  appendJsonStringOrNull(out, p.email);
  out += ",\"external_id\":";
  appendJsonString(out, p.external_id);
  out += ",\"grade\":";
  appendJsonStringOrNull(out, p.grade);
  out += ",\"homeroom\":";
  appendJsonStringOrNull(out, p.homeroom);
  out += ",\"household\":";
  appendJsonStringOrNull(out, p.household);
  out += ",\"id\":";
  appendJsonInt(out, p.id);
  out += ",\"location\":";
  appendJsonStringOrNull(out, p.location);
  out += ",\"name\":";
  appendJsonString(out, p.name);
  out += ",\"role\":";
  appendJsonString(out, toString(p.role));
  out += ",\"updated_at\":";
  appendJsonString(out, p.updated_at);
  out += '}';
}

std::string devicePageBody(std::span<const Device> items, const std::optional<std::int64_t>& next_after_id) {
  std::string out;
  // A generated device is ~600 bytes of JSON; one allocation for a typical page.
  out.reserve(64 + items.size() * 768);
  out += "{\"items\":[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    appendDeviceJson(out, items[i], nullptr, /*with_seen=*/false);
  }
  out += "],\"next_cursor\":";
  if (next_after_id)
    appendJsonString(out, encodeCursor(*next_after_id));
  else
    out += "null";
  out += "}\n";
  return out;
}

Response jsonTextResponse(int status, std::string body) {
  Response r;
  r.status = status;
  r.content_type = "application/json";
  r.body = std::move(body);
  return r;
}

}  // namespace fk
