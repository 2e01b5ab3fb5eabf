#include <algorithm>
#include <array>
#include <map>
#include <iostream>
#include <memory>
#include <sstream>

#include "command_helpers.hpp"
#include "core/device_field_table.hpp"
#include "commands.hpp"
#include "format.hpp"
#include "table.hpp"

namespace fkcli {
namespace {

using nlohmann::json;

// Device fields in the order `device show` prints them; anything else the server adds follows.
constexpr const char* kShowOrder[] = {
    "id",        "asset_tag",      "serial",        "kind",           "manufacturer",
    "model",     "status",         "location",      "org_unit",       "macs",
    "loaner",    "holder",         "purchase_date", "purchase_price", "vendor",
    "po_number", "funding_source", "warranty_end",  "aue_date",       "repair_cost",
    "notes",     "version",        "created_at",    "updated_at"};

std::string holderText(const json& holder) {
  if (holder.is_object()) {
    for (const char* key : {"name", "external_id", "location", "id"})
      if (holder.contains(key) && !holder[key].is_null()) return displayValue(holder[key]);
    return holder.dump();
  }
  return displayValue(holder);
}

void printDevice(const json& device) {
  std::vector<std::pair<std::string, std::string>> lines;
  for (const char* key : kShowOrder) {
    if (!device.contains(key)) continue;
    lines.emplace_back(key,
                       std::string(key) == "holder" ? holderText(device[key]) : displayValue(device[key]));
  }
  for (const auto& [key, value] : device.items()) {
    if (key == "seen" || std::find(std::begin(kShowOrder), std::end(kShowOrder), key) != std::end(kShowOrder))
      continue;
    lines.emplace_back(key, value.is_object() ? value.dump() : displayValue(value));
  }
  if (auto seen = device.find("seen"); seen != device.end() && seen->is_object()) {
    for (const auto& [source, info] : seen->items())
      lines.emplace_back("seen by " + source, "last " + displayValue(info.value("last_seen", json())) +
                                                  ", first " +
                                                  displayValue(info.value("first_seen", json())));
  }
  printKeyValues(std::cout, lines);
}

struct DeviceListOptions {
  std::string status, kind, model, location, code, q, seen_since;
  int limit = 0;
  bool all = false;
  bool stale = false, lost_seen = false, loaner = false;
};

int deviceList(Api& api, const GlobalOptions& global, const DeviceListOptions& o) {
  std::string query;
  addParam(query, "status", o.status);
  addParam(query, "kind", o.kind);
  addParam(query, "model", o.model);
  addParam(query, "location", o.location);
  addParam(query, "code", o.code);
  addParam(query, "q", o.q);
  addParam(query, "seen_since", o.seen_since);
  if (o.stale) addParam(query, "stale", "true");
  if (o.lost_seen) addParam(query, "lost_seen", "true");
  if (o.loaner) addParam(query, "loaner", "true");
  if (o.limit > 0) addParam(query, "limit", std::to_string(o.limit));

  auto pages = fetchPages(api, "/api/v1/devices", query, o.all);
  if (!pages) return pages.error();
  return printListing(global, *pages, "devices", [](const json& items) {
    Table table({"ID", "ASSET TAG", "SERIAL", "KIND", "MODEL", "STATUS", "LOCATION"});
    for (const auto& d : items)
      table.add({displayValue(d.value("id", json())), displayValue(d.value("asset_tag", json())),
                 displayValue(d.value("serial", json())), displayValue(d.value("kind", json())),
                 displayValue(d.value("model", json())), displayValue(d.value("status", json())),
                 displayValue(d.value("location", json()))});
    table.print(std::cout);
  });
}

// `device add`'s options, one per field of the device field table that names one.
struct AddOptions {
  std::map<std::string_view, std::string> values;  // by field name; "" = not given
  std::map<std::string_view, bool> flags;
  std::vector<std::string> macs;
};

int deviceAdd(Api& api, const GlobalOptions& global, const AddOptions& o) {
  json body = json::object();
  for (const auto& [field, value] : o.values) {
    if (!value.empty()) body[std::string(field)] = value;
  }
  for (const auto& [field, on] : o.flags) {
    if (on) body[std::string(field)] = true;
  }
  if (!o.macs.empty()) body["macs"] = o.macs;

  return printAnswer(global, api.post("/api/v1/devices", body), printDevice);
}

int deviceTransition(Api& api, const GlobalOptions& global, const std::string& ref, const std::string& to,
                     const std::string& reason) {
  json body{{"to", to}};
  if (!reason.empty()) body["reason"] = reason;
  return printAnswer(global, api.post(devicePath(ref) + "/transitions", body), [](const json& device) {
    std::cout << "device " << displayValue(device.value("id", json())) << " ("
              << displayValue(device.value("asset_tag", json())) << ") is now "
              << displayValue(device.value("status", json())) << '\n';
  });
}

std::string changesText(const json& changes) {
  std::string out;
  if (!changes.is_array()) return out;
  for (const auto& c : changes) {
    if (!out.empty()) out += "; ";
    out += displayValue(c.value("field", json())) + ": " + displayValue(c.value("old", json())) + " → " +
           displayValue(c.value("new", json()));
  }
  return out;
}

void printHistory(const json& events) {
  const json items = events.value("items", json::array());
  // Changes can be long (a create lists every field), so they go last; reasons appear only when some event
  // has one.
  const bool any_reason = std::any_of(items.begin(), items.end(), [](const json& e) {
    return e.contains("reason") && e["reason"].is_string() && !e["reason"].get<std::string>().empty();
  });
  Table table(any_reason ? std::vector<std::string>{"AT", "ACTOR", "ACTION", "REASON", "CHANGES"}
                         : std::vector<std::string>{"AT", "ACTOR", "ACTION", "CHANGES"});
  for (const auto& e : items) {
    std::vector<std::string> row{displayValue(e.value("at", json())), displayValue(e.value("actor", json())),
                                 displayValue(e.value("action", json()))};
    if (any_reason) row.push_back(displayValue(e.value("reason", json())));
    row.push_back(changesText(e.value("changes", json())));
    table.add(std::move(row));
  }
  table.print(std::cout);
}

// "field=value" to a PATCH member: empty clears, macs is a comma list, loaner a boolean.
json parseAssignments(const std::vector<std::string>& assignments) {
  json patch = json::object();
  for (const auto& a : assignments) {
    const auto eq = a.find('=');
    if (eq == std::string::npos || eq == 0)
      throw CLI::ValidationError("device set", "expected field=value, got \"" + a + "\"");
    std::string field = a.substr(0, eq);
    std::replace(field.begin(), field.end(), '-', '_');
    const std::string value = a.substr(eq + 1);
    if (field == "version" || field == "id")
      throw CLI::ValidationError("device set", "\"" + field + "\" is managed by the server");
    const fk::DeviceField* known = fk::findDeviceField(field);
    const fk::FieldType type = known ? known->type : fk::FieldType::text;
    if (value.empty()) {
      patch[field] = nullptr;
    } else if (type == fk::FieldType::macs) {
      json list = json::array();
      std::stringstream in(value);
      for (std::string mac; std::getline(in, mac, ',');)
        if (!mac.empty()) list.push_back(mac);
      patch[field] = list;
    } else if (type == fk::FieldType::flag) {
      if (value == "true" || value == "yes" || value == "1")
        patch[field] = true;
      else if (value == "false" || value == "no" || value == "0")
        patch[field] = false;
      else
        throw CLI::ValidationError("device set", field + " must be true or false, got \"" + value + "\"");
    } else {
      patch[field] = value;
    }
  }
  return patch;
}

int deviceSet(Api& api, const GlobalOptions& global, const std::string& ref, json patch) {
  auto current = api.get(devicePath(ref));
  if (!current) return current.error();
  patch["version"] = current->value("version", json());
  return printAnswer(global, api.patch(devicePath(displayValue(current->value("id", json(ref)))), patch),
                     printDevice);
}

}  // namespace

void addDeviceCommands(CLI::App& app, Cli& cli) {
  auto* device = app.add_subcommand("device", "list, show, add and change devices");
  device->require_subcommand(1);
  const std::string ref_help = "device: id, tag:ASSET_TAG or serial:SERIAL";

  auto* list = device->add_subcommand("list", "list devices (one page unless --all)");
  auto lo = std::make_shared<DeviceListOptions>();
  list->add_option("--status", lo->status, "only this status (deployed, in_stock, ...)");
  list->add_option("--kind", lo->kind, "only this kind (chromebook, laptop, ...)");
  list->add_option("--model", lo->model, "only this model");
  list->add_option("--location", lo->location, "only this location");
  list->add_option("--code", lo->code, "asset tag or serial, exact (barcode)");
  list->add_option("--q", lo->q, "free-text search");
  list->add_flag("--stale", lo->stale,
                 "deployed devices a management source has not heard from for alerts.stale_sync_days");
  list->add_option("--seen-since", lo->seen_since,
                   "seen by any source since a date (YYYY-MM-DD) or instant (RFC 3339 UTC)");
  list->add_flag("--lost-seen", lo->lost_seen, "lost or stolen devices a source has seen since marked so");
  list->add_flag("--loaner", lo->loaner, "loaner-pool devices only (with --status in_stock: the ones free to lend)");
  list->add_option("--limit", lo->limit, "devices per page")->check(CLI::PositiveNumber);
  list->add_flag("--all", lo->all, "follow the cursor through every page");
  setAction(list, cli, [lo](Api& api, const GlobalOptions& global) { return deviceList(api, global, *lo); });

  auto* show = device->add_subcommand("show", "show one device");
  auto show_ref = std::make_shared<std::string>();
  show->add_option("REF", *show_ref, ref_help)->required();
  setAction(show, cli, [show_ref](Api& api, const GlobalOptions& global) {
    return printAnswer(global, api.get(devicePath(*show_ref)), printDevice);
  });

  auto* add = device->add_subcommand("add", "register a device");
  auto ao = std::make_shared<AddOptions>();
  for (const fk::DeviceField& f : fk::kDeviceFields) {
    if (f.cli_option.empty()) continue;
    const std::string option = "--" + std::string(f.cli_option);
    if (f.type == fk::FieldType::macs)
      add->add_option(option, ao->macs, std::string(f.cli_help));
    else if (f.type == fk::FieldType::flag)
      add->add_flag(option, ao->flags[f.name], std::string(f.cli_help));
    else
      add->add_option(option, ao->values[f.name], std::string(f.cli_help));
  }
  setAction(add, cli, [ao](Api& api, const GlobalOptions& global) { return deviceAdd(api, global, *ao); });

  auto* transition = device->add_subcommand("transition", "move a device to another status");
  auto tr = std::make_shared<std::array<std::string, 3>>();  // ref, to, reason
  transition->add_option("REF", (*tr)[0], ref_help)->required();
  transition->add_option("TO", (*tr)[1], "new status")->required();
  transition->add_option("--reason", (*tr)[2], "why, for the history");
  setAction(transition, cli, [tr](Api& api, const GlobalOptions& global) {
    return deviceTransition(api, global, (*tr)[0], (*tr)[1], (*tr)[2]);
  });

  auto* history = device->add_subcommand("history", "the change history of a device, oldest first");
  auto hist_ref = std::make_shared<std::string>();
  history->add_option("REF", *hist_ref, ref_help)->required();
  setAction(history, cli, [hist_ref](Api& api, const GlobalOptions& global) {
    return printAnswer(global, api.get(devicePath(*hist_ref) + "/events"), printHistory);
  });

  auto* set = device->add_subcommand("set", "change fields: device set REF location=\"Room 12\" notes=");
  auto set_ref = std::make_shared<std::string>();
  auto assignments = std::make_shared<std::vector<std::string>>();
  set->add_option("REF", *set_ref, ref_help)->required();
  set->add_option("ASSIGNMENTS", *assignments, "field=value (empty value clears)")->required();
  set->callback([&cli, set_ref, assignments] {
    json patch = parseAssignments(*assignments);
    cli.action = [&cli, set_ref, patch](Api& api) { return deviceSet(api, cli.options, *set_ref, patch); };
  });
}

}  // namespace fkcli
