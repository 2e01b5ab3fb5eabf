// The circulation desk: checkout, return, loans, people.
#include <iostream>
#include <memory>

#include "command_helpers.hpp"
#include "commands.hpp"
#include "format.hpp"
#include "table.hpp"

namespace fkcli {
namespace {

using nlohmann::json;

std::string holderOf(const json& c) {
  if (c.contains("person") && c["person"].is_object()) {
    return displayValue(c["person"].value("name", json())) + " (" +
           displayValue(c["person"].value("external_id", json())) + ")";
  }
  return displayValue(c.value("location", json()));
}

std::string deviceOf(const json& c) {
  const json& d = c.value("device", json::object());
  const json tag = d.value("asset_tag", json());
  return tag.is_string() ? "tag:" + tag.get<std::string>() : displayValue(d.value("id", json()));
}

std::string stateOf(const json& c) {
  if (!c.value("open", false)) return "returned";
  return c.value("overdue", false) ? "OVERDUE" : "out";
}

void printLoans(const json& items) {
  Table table({"ID", "DEVICE", "HOLDER", "DUE", "STATE", "OUT", "RETURNED", "CONDITION"});
  for (const auto& c : items) {
    table.add({displayValue(c.value("id", json())), deviceOf(c), holderOf(c),
               displayValue(c.value("due", json())), stateOf(c),
               displayValue(c.value("checked_out_at", json())), displayValue(c.value("returned_at", json())),
               displayValue(c.value("condition_in", json()))});
  }
  table.print(std::cout);
}

struct CheckoutOptions {
  std::string device, person, location, due, condition, notes;
};

int checkout(Api& api, const GlobalOptions& global, const CheckoutOptions& o) {
  json body{{"device", o.device}};
  if (!o.person.empty()) body["person"] = o.person;
  if (!o.location.empty()) body["location"] = o.location;
  if (!o.due.empty()) body["due"] = o.due;
  if (!o.condition.empty()) body["condition"] = o.condition;
  if (!o.notes.empty()) body["notes"] = o.notes;
  return printAnswer(global, api.post("/api/v1/checkouts", body), [](const json& c) {
    std::cout << deviceOf(c) << " checked out to " << holderOf(c) << ", due "
              << displayValue(c.value("due", json())) << " (checkout " << displayValue(c.value("id", json()))
              << ")\n";
  });
}

struct ReturnOptions {
  std::string device, condition, notes, repair, description, priority;
};

int giveBack(Api& api, const GlobalOptions& global, const ReturnOptions& o) {
  json body = json::object();
  if (!o.condition.empty()) body["condition"] = o.condition;
  if (!o.notes.empty()) body["notes"] = o.notes;
  if (!o.repair.empty()) {
    body["open_work_order"] = {{"category", o.repair}, {"description", o.description}};
    if (!o.priority.empty()) body["open_work_order"]["priority"] = o.priority;
  }
  auto r = api.post(devicePath(o.device) + "/return", body);
  if (!r) return r.error();
  if (global.json) {
    printJson(std::cout, *r);
    return kExitOk;
  }
  const bool person = r->contains("person") && (*r)["person"].is_object();
  std::cout << deviceOf(*r) << (person ? " returned by " : " returned from ") << holderOf(*r) << " ("
            << displayValue((*r)["condition_in"]) << ")";
  if ((*r)["opened_work_order_id"].is_number()) {
    std::cout << "; work order " << displayValue((*r)["opened_work_order_id"]) << " opened";
  }
  std::cout << '\n';
  return kExitOk;
}

struct LoanOptions {
  bool overdue = false, open = false, all = false;
  std::string person, location, device;
};

int loans(Api& api, const GlobalOptions& global, const LoanOptions& o) {
  std::string query;
  if (o.overdue) addParam(query, "overdue", "true");
  if (o.open) addParam(query, "open", "true");
  addParam(query, "person", o.person);
  addParam(query, "location", o.location);
  addParam(query, "device", o.device);
  auto pages = fetchPages(api, "/api/v1/checkouts", query, o.all);
  if (!pages) return pages.error();
  return printListing(global, *pages, "loans", printLoans);
}

int peopleImport(Api& api, const GlobalOptions& global, const std::string& file) {
  return printAnswer(global, api.postFile("/api/v1/people:import", file, "text/csv"), printImportSummary);
}

struct PeopleListOptions {
  std::string q, role;
  bool inactive = false, all = false;
};

int peopleList(Api& api, const GlobalOptions& global, const PeopleListOptions& o) {
  std::string query;
  addParam(query, "q", o.q);
  addParam(query, "role", o.role);
  if (o.inactive) addParam(query, "active", "false");
  auto pages = fetchPages(api, "/api/v1/people", query, o.all);
  if (!pages) return pages.error();
  return printListing(global, *pages, "people", [](const json& items) {
    Table table({"EXTERNAL ID", "NAME", "ROLE", "GRADE", "HOMEROOM", "LOCATION", "ACTIVE"});
    for (const auto& p : items) {
      table.add({displayValue(p.value("external_id", json())), displayValue(p.value("name", json())),
                 displayValue(p.value("role", json())), displayValue(p.value("grade", json())),
                 displayValue(p.value("homeroom", json())), displayValue(p.value("location", json())),
                 displayValue(p.value("active", json()))});
    }
    table.print(std::cout);
  });
}

int peopleShow(Api& api, const GlobalOptions& global, const std::string& id) {
  const std::string path = "/api/v1/people/" + encodeComponent(id);
  auto person = api.get(path);
  if (!person) return person.error();
  auto loans = fetchPages(api, path + "/checkouts", "", true);
  if (!loans) return loans.error();
  if (global.json) {
    json out = *person;
    out["checkouts"] = loans->items;
    printJson(std::cout, out);
    return kExitOk;
  }
  std::vector<std::pair<std::string, std::string>> lines;
  for (const char* key : {"external_id", "name", "role", "email", "grade", "homeroom", "location", "active"})
    lines.emplace_back(key, displayValue((*person)[key]));
  printKeyValues(std::cout, lines);
  std::cout << '\n';
  if (loans->items.empty()) {
    std::cout << "no loans\n";
  } else {
    printLoans(loans->items);
  }
  return kExitOk;
}

}  // namespace

void addCirculationCommands(CLI::App& app, Cli& cli) {
  const std::string ref_help = "device: id, tag:ASSET_TAG or serial:SERIAL";

  auto* out = app.add_subcommand("checkout", "lend a device to a person (or a place with --location)");
  auto co = std::make_shared<CheckoutOptions>();
  out->add_option("DEVICE", co->device, ref_help)->required();
  out->add_option("PERSON", co->person, "the borrower's external id (student number or email)");
  out->add_option("--location", co->location, "lend to a place instead, e.g. \"Cart 3\"");
  out->add_option("--due", co->due, "due date YYYY-MM-DD (default: today + checkout.default_loan_days)");
  out->add_option("--condition", co->condition, "condition going out: good, damaged or missing_parts");
  out->add_option("--notes", co->notes, "notes for the loan");
  out->callback([&cli, co] {
    if (co->person.empty() == co->location.empty()) {
      throw CLI::ValidationError("checkout", "give either PERSON or --location");
    }
    cli.action = [&cli, co](Api& api) { return checkout(api, cli.options, *co); };
  });

  auto* back = app.add_subcommand("return", "take a device back from its borrower");
  auto ro = std::make_shared<ReturnOptions>();
  back->add_option("DEVICE", ro->device, ref_help)->required();
  back->add_option("--condition", ro->condition, "good (default), damaged or missing_parts");
  back->add_option("--notes", ro->notes, "what was noticed");
  back->add_option("--repair", ro->repair, "also open a work order of this category (screen, keyboard, ...)");
  back->add_option("--description", ro->description, "the work order's description (with --repair)");
  back->add_option("--priority", ro->priority, "the work order's priority (with --repair)");
  back->callback([&cli, ro] {
    if (!ro->repair.empty() && ro->description.empty()) {
      throw CLI::ValidationError("return", "--repair needs --description");
    }
    cli.action = [&cli, ro](Api& api) { return giveBack(api, cli.options, *ro); };
  });

  auto* list = app.add_subcommand("loans", "list checkouts (newest last)");
  auto lo = std::make_shared<LoanOptions>();
  list->add_flag("--overdue", lo->overdue, "only open loans past their due date");
  list->add_flag("--open", lo->open, "only loans not yet returned");
  list->add_option("--person", lo->person, "only this person's loans (external id)");
  list->add_option("--location", lo->location, "only loans to this place");
  list->add_option("--device", lo->device, "only this device's loans");
  list->add_flag("--all", lo->all, "follow the cursor through every page");
  setAction(list, cli, [lo](Api& api, const GlobalOptions& global) { return loans(api, global, *lo); });

  auto* people = app.add_subcommand("people", "the roster: import, list, show");
  people->require_subcommand(1);
  auto* import = people->add_subcommand("import", "import a roster CSV (all rows or none)");
  auto file = std::make_shared<std::string>();
  import->add_option("FILE", *file, "CSV: external_id,name,email,role,grade,homeroom,location,active")
      ->required()
      ->check(CLI::ExistingFile);
  setAction(import, cli,
            [file](Api& api, const GlobalOptions& global) { return peopleImport(api, global, *file); });

  auto* plist = people->add_subcommand("list", "list or search people");
  auto po = std::make_shared<PeopleListOptions>();
  plist->add_option("--q", po->q, "search external id, name, email, homeroom");
  plist->add_option("--role", po->role, "student or staff");
  plist->add_flag("--inactive", po->inactive, "only deactivated people");
  plist->add_flag("--all", po->all, "follow the cursor through every page");
  setAction(plist, cli, [po](Api& api, const GlobalOptions& global) { return peopleList(api, global, *po); });

  auto* show = people->add_subcommand("show", "one person and their loans, current and past");
  auto id = std::make_shared<std::string>();
  show->add_option("ID", *id, "external id")->required();
  setAction(show, cli, [id](Api& api, const GlobalOptions& global) { return peopleShow(api, global, *id); });
}

}  // namespace fkcli
