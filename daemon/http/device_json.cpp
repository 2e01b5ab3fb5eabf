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

// What the writer reads, from a Device ...
struct FromDevice {
  const Device& d;
  std::int64_t id() const { return d.id; }
  std::string_view text(const DeviceField& f) const { return d.*f.stored; }
  const std::optional<std::int64_t>& purchasePriceCents() const { return d.purchase_price_cents; }
  DeviceKind kind() const { return d.kind; }
  DeviceStatus status() const { return d.status; }
  bool loaner() const { return d.loaner; }
  std::int64_t version() const { return d.version; }
  std::string_view createdAt() const { return d.created_at; }
  std::string_view updatedAt() const { return d.updated_at; }
  std::int64_t repairCostCents() const { return d.repair_cost_cents; }
  const std::optional<Device::Holder>& holder() const { return d.holder; }
  template <class F>
  void forEachMac(F&& fn) const {
    for (const std::string& mac : d.macs) fn(std::string_view(mac));
  }
};

// ... or from a list row where SQLite holds it: one writer for both, so the bytes cannot drift apart.
struct FromRow {
  const DeviceRowView& r;
  std::int64_t id() const { return r.id(); }
  std::string_view text(const DeviceField& f) const { return r.text(f); }
  std::optional<std::int64_t> purchasePriceCents() const { return r.purchasePriceCents(); }
  DeviceKind kind() const { return r.kind(); }
  DeviceStatus status() const { return r.status(); }
  bool loaner() const { return r.loaner(); }
  std::int64_t version() const { return r.version(); }
  std::string_view createdAt() const { return r.createdAt(); }
  std::string_view updatedAt() const { return r.updatedAt(); }
  std::int64_t repairCostCents() const { return r.repairCostCents(); }
  std::optional<Device::Holder> holder() const { return r.holder(); }
  template <class F>
  void forEachMac(F&& fn) const {
    std::string_view list = r.macList();
    while (!list.empty()) {
      const auto end = list.find('\n');
      fn(list.substr(0, end));
      if (end == std::string_view::npos) break;
      list.remove_prefix(end + 1);
    }
  }
};

// fieldJson(d, f) as text.
template <class Src>
void appendField(std::string& out, const Src& d, const DeviceField& f) {
  switch (f.type) {
    case FieldType::text:
    case FieldType::identifier:
    case FieldType::date: appendJsonStringOrNull(out, d.text(f)); return;
    case FieldType::money:
      if (auto cents = d.purchasePriceCents())
        appendJsonString(out, formatMoney(*cents));
      else
        out += "null";
      return;
    case FieldType::kind: appendJsonString(out, toString(d.kind())); return;
    case FieldType::status: appendJsonString(out, toString(d.status())); return;
    case FieldType::flag: out += d.loaner() ? "true" : "false"; return;
    case FieldType::macs: {
      out += '[';
      bool first = true;
      d.forEachMac([&](std::string_view mac) {
        if (!first) out += ',';
        first = false;
        appendJsonString(out, mac);
      });
      out += ']';
      return;
    }
    case FieldType::server: break;
  }
  if (f.name == "id")
    appendJsonInt(out, d.id());
  else if (f.name == "version")
    appendJsonInt(out, d.version());
  else if (f.name == "created_at")
    appendJsonString(out, d.createdAt());
  else if (f.name == "updated_at")
    appendJsonString(out, d.updatedAt());
  else if (f.name == "repair_cost")
    appendJsonString(out, formatMoney(d.repairCostCents()));
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

namespace {

// `device`: the Device itself when "seen" or "suggested_holder" may be written (they need its values).
template <class Src>
void appendDevice(std::string& out, const Src& src, const Device* device,
                  const std::vector<DeviceSighting>* sightings, bool with_seen) {
  out += '{';
  bool first = true;
  for (const DeviceField* f : sortedFields()) {
    const bool seen = f->name == "seen", suggested = f->name == "suggested_holder";
    if ((seen && !with_seen) || (suggested && !sightings)) continue;
    if (!first) out += ',';
    first = false;
    appendKey(out, f->name);
    if (f->name == "holder") {
      appendHolder(out, src.holder());
    } else if (seen) {
      // A source's recorded fields are arbitrary JSON; few devices have sightings, so the library
      // writes them.
      if (sightings && !sightings->empty())
        appendDump(out, deviceSeenJson(*sightings));
      else
        out += "{}";
    } else if (suggested) {
      appendDump(out, suggestedHolderJson(*device, *sightings));
    } else {
      appendField(out, src, *f);
    }
  }
  out += '}';
}

void openPage(std::string& out, std::size_t items) {
  // A generated device is ~600 bytes of JSON; one allocation for a typical page.
  out.reserve(64 + items * 768);
  out += "{\"items\":[";
}

void closePage(std::string& out, const std::optional<std::int64_t>& next_after_id) {
  out += "],\"next_cursor\":";
  if (next_after_id)
    appendJsonString(out, encodeCursor(*next_after_id));
  else
    out += "null";
  out += "}\n";
}

}  // namespace

void appendDeviceJson(std::string& out, const Device& d, const std::vector<DeviceSighting>* sightings,
                      bool with_seen) {
  appendDevice(out, FromDevice{d}, &d, sightings, with_seen);
}

void appendDeviceRowJson(std::string& out, const DeviceRowView& row) {
  appendDevice(out, FromRow{row}, nullptr, nullptr, /*with_seen=*/false);
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
  openPage(out, items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    appendDeviceJson(out, items[i], nullptr, /*with_seen=*/false);
  }
  closePage(out, next_after_id);
  return out;
}

Result<std::string> devicePageBody(DeviceStore& store, const DeviceFilter& filter) {
  std::string out;
  openPage(out, static_cast<std::size_t>(std::max(filter.limit, 0)));
  bool first = true;
  auto next = store.listRows(filter, [&](const DeviceRowView& row) {
    if (!first) out += ',';
    first = false;
    appendDeviceRowJson(out, row);
  });
  if (!next) return std::unexpected(next.error());
  closePage(out, *next);
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
