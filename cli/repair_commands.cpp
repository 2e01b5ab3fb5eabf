// The repair bench: repair open|list|show|status|set|part|note|loaner|resolve.
#include <charconv>
#include <iostream>
#include <memory>

#include "command_helpers.hpp"
#include "commands.hpp"
#include "format.hpp"
#include "table.hpp"

namespace fkcli {
namespace {

using nlohmann::json;

std::string orderPath(const std::string& id) {
  return "/api/v1/work-orders/" + encodeComponent(id);
}

std::string deviceText(const json& d) {
  if (!d.is_object()) return displayValue(d);
  for (const char* key : {"asset_tag", "serial"}) {
    const json v = d.value(key, json());
    if (v.is_string())
      return std::string(key == std::string("asset_tag") ? "tag:" : "serial:") + v.get<std::string>();
  }
  return displayValue(d.value("id", json()));
}

std::string loanText(const json& c) {
  if (!c.is_object()) return "-";
  std::string who = c.value("person", json()).is_object()
                        ? displayValue(c["person"].value("name", json())) + " (" +
                              displayValue(c["person"].value("external_id", json())) + ")"
                        : displayValue(c.value("location", json()));
  return deviceText(c.value("device", json())) + " with " + who + ", due " +
         displayValue(c.value("due", json())) +
         (c.value("open", false) ? "" : ", returned " + displayValue(c.value("returned_at", json())));
}

void printOrder(const json& w) {
  const json cost = w.value("cost", json::object());
  const json holder = w.value("holder", json());
  std::vector<std::pair<std::string, std::string>> lines{
      {"id", displayValue(w.value("id", json()))},
      {"device", deviceText(w.value("device", json()))},
      {"status", displayValue(w.value("status", json()))},
      {"next", displayValue(w.value("allowed_statuses", json()))},
      {"category", displayValue(w.value("category", json()))},
      {"priority", displayValue(w.value("priority", json()))},
      {"description", displayValue(w.value("description", json()))},
      {"reported_by", displayValue(w.value("reported_by", json()))},
      {"assignee", displayValue(w.value("assignee", json()))},
      {"payer", displayValue(w.value("payer", json()))},
      {"holder",
       holder.is_object() ? displayValue(holder.value("name", holder.value("location", json()))) : "-"},
      {"loaner", loanText(w.value("loaner", json()))},
      {"labour_minutes", displayValue(w.value("labour_minutes", json()))},
      {"cost", "parts " + displayValue(cost.value("parts", json())) + " + labour " +
                   displayValue(cost.value("labour", json())) + " = " +
                   displayValue(cost.value("total", json()))},
      {"estimated_cost", displayValue(w.value("estimated_cost", json()))},
      {"resolution", displayValue(w.value("resolution", json()))},
      {"opened",
       displayValue(w.value("opened_at", json())) + " by " + displayValue(w.value("opened_by", json()))},
      {"closed", displayValue(w.value("closed_at", json()))},
      {"version", displayValue(w.value("version", json()))}};
  if (w.contains("advice"))
    lines.emplace_back("advice", displayValue(w["advice"].value("summary", w["advice"])));
  printKeyValues(std::cout, lines);
  const json parts = w.value("parts", json::array());
  if (!parts.empty()) {
    std::cout << "\nparts:\n";
    Table table({"PART", "QTY", "UNIT", "COST", "ADDED"});
    for (const auto& p : parts)
      table.add({displayValue(p.value("part", json())), displayValue(p.value("quantity", json())),
                 displayValue(p.value("unit_cost", json())), displayValue(p.value("cost", json())),
                 displayValue(p.value("added_at", json()))});
    table.print(std::cout);
  }
  const json notes = w.value("notes", json::array());
  if (!notes.empty()) {
    std::cout << "\nnotes:\n";
    for (const auto& n : notes)
      std::cout << displayValue(n.value("at", json())) << "  " << displayValue(n.value("author", json()))
                << "  " << displayValue(n.value("text", json())) << '\n';
  }
}

int printResult(const GlobalOptions& global, const std::expected<json, int>& w) {
  return printAnswer(global, w, printOrder);
}

// PATCH with the version just read, so two people at the bench cannot overwrite each other unseen.
int patchOrder(Api& api, const GlobalOptions& global, const std::string& id, json patch) {
  auto current = api.get(orderPath(id));
  if (!current) return current.error();
  patch["version"] = current->value("version", json());
  return printResult(global, api.patch(orderPath(id), patch));
}

struct OpenOptions {
  std::string device, category, description, priority, reported_by, estimate;
};

int repairOpen(Api& api, const GlobalOptions& global, const OpenOptions& o) {
  json body{{"device", o.device}, {"category", o.category}, {"description", o.description}};
  if (!o.priority.empty()) body["priority"] = o.priority;
  if (!o.reported_by.empty()) body["reported_by"] = o.reported_by;
  if (!o.estimate.empty()) body["estimated_cost"] = o.estimate;
  return printResult(global, api.post("/api/v1/work-orders", body));
}

struct RepairListOptions {
  std::string status, device, category;
  bool open = false, all = false;
};

int repairList(Api& api, const GlobalOptions& global, const RepairListOptions& o) {
  std::string query;
  addParam(query, "status", o.status);
  addParam(query, "device", o.device);
  addParam(query, "category", o.category);
  if (o.open) addParam(query, "open", "true");
  auto pages = fetchPages(api, "/api/v1/work-orders", query, o.all);
  if (!pages) return pages.error();
  return printListing(global, *pages, "work orders", [](const json& items) {
    Table table({"ID", "DEVICE", "STATUS", "CATEGORY", "PRIORITY", "HOLDER", "TOTAL", "OPENED"});
    for (const auto& w : items) {
      const json holder = w.value("holder", json());
      table.add(
          {displayValue(w.value("id", json())), deviceText(w.value("device", json())),
           displayValue(w.value("status", json())), displayValue(w.value("category", json())),
           displayValue(w.value("priority", json())),
           holder.is_object() ? displayValue(holder.value("name", holder.value("location", json()))) : "-",
           displayValue(w.value("cost", json::object()).value("total", json())),
           displayValue(w.value("opened_at", json()))});
    }
    table.print(std::cout);
  });
}

// QTY goes to the server as a number when it is one, so the server's message names a bad value.
json quantityValue(const std::string& text) {
  long long n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec == std::errc() && end == text.data() + text.size()) return n;
  throw CLI::ValidationError("QTY", "quantity must be a whole number, got \"" + text + "\"");
}

struct SetOptions {
  std::string assignee, payer, estimate, resolution;
  std::optional<long long> labour_minutes;
};

}  // namespace

void addRepairCommands(CLI::App& app, Cli& cli) {
  auto* repair = app.add_subcommand("repair", "the repair bench: work orders, parts, notes, loaners");
  repair->require_subcommand(1);
  const std::string device_help = "device: id, tag:ASSET_TAG or serial:SERIAL";

  auto* open = repair->add_subcommand("open", "open a work order; the device goes to in_repair");
  auto oo = std::make_shared<OpenOptions>();
  open->add_option("DEVICE", oo->device, device_help)->required();
  open->add_option("--category", oo->category,
                   "screen, keyboard, battery, charging, liquid, hinge, software or other")
      ->required();
  open->add_option("--description", oo->description, "what is wrong")->required();
  open->add_option("--priority", oo->priority, "low, normal (default), high or urgent");
  open->add_option("--reported-by", oo->reported_by, "who brought it in");
  open->add_option("--estimate", oo->estimate, "estimated cost, e.g. 60.00");
  setAction(open, cli, [oo](Api& api, const GlobalOptions& global) { return repairOpen(api, global, *oo); });

  auto* list = repair->add_subcommand("list", "list work orders (one page unless --all)");
  auto lo = std::make_shared<RepairListOptions>();
  list->add_option("--status", lo->status, "only this status");
  list->add_flag("--open", lo->open, "only orders not yet closed");
  list->add_option("--device", lo->device, device_help);
  list->add_option("--category", lo->category, "only this category");
  list->add_flag("--all", lo->all, "follow the cursor through every page");
  setAction(list, cli, [lo](Api& api, const GlobalOptions& global) { return repairList(api, global, *lo); });

  auto* show = repair->add_subcommand("show", "show one work order with its parts, notes and loans");
  auto show_id = std::make_shared<std::string>();
  show->add_option("ID", *show_id, "work order id")->required();
  setAction(show, cli, [show_id](Api& api, const GlobalOptions& global) {
    return printResult(global, api.get(orderPath(*show_id)));
  });

  auto* status =
      repair->add_subcommand("status", "move a work order: diagnosing, waiting_parts, in_repair, ...");
  auto st = std::make_shared<std::pair<std::string, std::string>>();
  status->add_option("ID", st->first, "work order id")->required();
  status->add_option("STATUS", st->second, "new status")->required();
  setAction(status, cli, [st](Api& api, const GlobalOptions& global) {
    return patchOrder(api, global, st->first, {{"status", st->second}});
  });

  auto* set = repair->add_subcommand("set", "change assignee, payer, labour minutes, estimate or resolution");
  auto set_id = std::make_shared<std::string>();
  auto so = std::make_shared<SetOptions>();
  set->add_option("ID", *set_id, "work order id")->required();
  set->add_option("--assignee", so->assignee, "technician");
  set->add_option("--payer", so->payer, "warranty, insurance, student_fee or district");
  set->add_option("--labour-minutes", so->labour_minutes,
                  "labour so far, in minutes (a total, not an increment)");
  set->add_option("--estimate", so->estimate, "estimated cost, e.g. 60.00");
  set->add_option("--resolution", so->resolution, "what was done");
  set->callback([&cli, set_id, so] {
    json patch = json::object();
    if (!so->assignee.empty()) patch["assignee"] = so->assignee;
    if (!so->payer.empty()) patch["payer"] = so->payer;
    if (!so->estimate.empty()) patch["estimated_cost"] = so->estimate;
    if (!so->resolution.empty()) patch["resolution"] = so->resolution;
    if (so->labour_minutes) patch["labour_minutes"] = *so->labour_minutes;
    if (patch.empty())
      throw CLI::ValidationError("repair set", "nothing to change: give at least one option");
    cli.action = [&cli, set_id, patch](Api& api) { return patchOrder(api, cli.options, *set_id, patch); };
  });

  auto* part = repair->add_subcommand("part", "log a part: repair part ID NAME QTY UNIT_COST");
  auto pa = std::make_shared<std::array<std::string, 4>>();
  part->add_option("ID", (*pa)[0], "work order id")->required();
  part->add_option("NAME", (*pa)[1], "part name")->required();
  part->add_option("QTY", (*pa)[2], "quantity")->required();
  part->add_option("COST", (*pa)[3], "unit cost, e.g. 54.00")->required();
  part->callback([&cli, pa] {
    json body{{"part", (*pa)[1]}, {"quantity", quantityValue((*pa)[2])}, {"unit_cost", (*pa)[3]}};
    cli.action = [&cli, pa, body](Api& api) {
      return printResult(cli.options, api.post(orderPath((*pa)[0]) + "/parts", body));
    };
  });

  auto* note = repair->add_subcommand("note", "add a note (author: your token's name)");
  auto nt = std::make_shared<std::pair<std::string, std::string>>();
  note->add_option("ID", nt->first, "work order id")->required();
  note->add_option("TEXT", nt->second, "the note")->required();
  setAction(note, cli, [nt](Api& api, const GlobalOptions& global) {
    return printResult(global, api.post(orderPath(nt->first) + "/notes", json{{"text", nt->second}}));
  });

  auto* loaner =
      repair->add_subcommand("loaner", "lend a loaner-pool device to the holder of the device in repair");
  auto ln = std::make_shared<std::pair<std::string, std::string>>();
  loaner->add_option("ID", ln->first, "work order id")->required();
  loaner->add_option("DEVICE", ln->second, "the loaner: " + device_help)->required();
  setAction(loaner, cli, [ln](Api& api, const GlobalOptions& global) {
    return printResult(global, api.post(orderPath(ln->first) + "/loaner", json{{"device", ln->second}}));
  });

  auto* resolve = repair->add_subcommand(
      "resolve", "mark repaired: the device goes back to its holder (or stock), the loaner comes back");
  auto rs = std::make_shared<std::pair<std::string, std::string>>();
  resolve->add_option("ID", rs->first, "work order id")->required();
  resolve->add_option("--resolution", rs->second, "what was done");
  resolve->callback([&cli, rs] {
    json patch{{"status", "resolved"}};
    if (!rs->second.empty()) patch["resolution"] = rs->second;
    cli.action = [&cli, rs, patch](Api& api) { return patchOrder(api, cli.options, rs->first, patch); };
  });
}

}  // namespace fkcli
