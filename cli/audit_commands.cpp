// Audits (`fleetkeep audit start|scan|show|close|list`) and collection campaigns
// (`fleetkeep collection create|show|list|close`).
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "command_helpers.hpp"
#include "commands.hpp"
#include "format.hpp"
#include "table.hpp"

namespace fkcli {
namespace {

using nlohmann::json;

constexpr const char* kStates[] = {"expected", "found",   "misplaced",     "unexpected",
                                   "missing",  "unknown", "seen_by_source"};

std::string auditPath(const std::string& id) { return "/api/v1/audits/" + encodeComponent(id); }
std::string collectionPath(const std::string& id) { return "/api/v1/collections/" + encodeComponent(id); }

std::string deviceName(const json& d) {
  if (!d.is_object()) return "-";
  if (d.value("asset_tag", json()).is_string()) return "tag:" + d["asset_tag"].get<std::string>();
  if (d.value("serial", json()).is_string()) return "serial:" + d["serial"].get<std::string>();
  return displayValue(d.value("id", json()));
}

void printAuditSummary(const json& a) {
  std::vector<std::pair<std::string, std::string>> lines;
  for (const char* key : {"id", "name", "location", "status", "created_at", "closed_at"})
    lines.emplace_back(key, displayValue(a.value(key, json())));
  for (const char* state : kStates) lines.emplace_back(state, displayValue(a["counts"].value(state, json())));
  printKeyValues(std::cout, lines);
}

void printAuditLists(const json& a) {
  const json& lists = a.value("lists", json::object());
  for (const char* state : {"misplaced", "unexpected", "unknown", "missing"}) {
    const json& items = lists.value(state, json::array());
    if (items.empty()) continue;
    std::cout << '\n' << state << " (" << items.size() << ")\n";
    Table table({"DEVICE", "MODEL", "STATUS", "EXPECTED AT", "REGISTRY LOCATION", "LAST SEEN", "NOTE"});
    for (const auto& it : items) {
      std::string device = it["device_id"].is_null() ? displayValue(it.value("code", json())) : deviceName(it);
      std::string seen = it["last_seen"].is_object()
                             ? it["last_seen"]["source"].get<std::string>() + " " + it["last_seen"]["at"].get<std::string>()
                             : "-";
      std::string note;
      if (it.value("seen_by_source", false)) note = "seen by a source";
      if (it.value("lost_found", false)) note = "LOST DEVICE FOUND";
      table.add({device, displayValue(it["model"]), displayValue(it["status"]), displayValue(it["expected_location"]),
                 displayValue(it["location"]), seen, note});
    }
    table.print(std::cout);
  }
}

int auditStart(Api& api, const GlobalOptions& global, const std::string& name, const std::string& location) {
  return printAnswer(global, api.post("/api/v1/audits", {{"name", name}, {"location", location}}),
                     [](const json& a) {
                       std::cout << "audit " << displayValue(a["id"]) << " started: "
                                 << displayValue(a["counts"]["expected"]) << " devices expected in "
                                 << displayValue(a["location"]) << '\n';
                     });
}

// One scan line for people: what the code turned out to be and what to do with it.
void printScan(const json& r) {
  const std::string result = r.value("result", "");
  std::cout << r.value("code", "") << '\t' << result;
  if (result == "misplaced") std::cout << "\tbelongs in " << displayValue(r.value("expected_location", json()));
  if (result == "unexpected" && r["device"].is_object())
    std::cout << "\tstatus " << displayValue(r["device"].value("status", json()));
  if (r.value("lost_found", false)) std::cout << "\tLOST DEVICE FOUND";
  std::cout << '\n';
}

int auditScan(Api& api, const GlobalOptions& global, const std::string& id, const std::vector<std::string>& codes) {
  std::map<std::string, int> tally;
  auto one = [&](const std::string& code) -> int {
    auto r = api.post(auditPath(id) + "/scans", {{"code", code}});
    if (!r) return r.error();
    ++tally[r->value("result", "")];
    if (global.json) {
      std::cout << r->dump() << '\n';  // one JSON object per line
    } else {
      printScan(*r);
    }
    std::cout.flush();
    return kExitOk;
  };
  if (!codes.empty()) {
    for (const auto& c : codes)
      if (int rc = one(c); rc != kExitOk) return rc;
  } else {
    // A barcode scanner types a code and Enter: one code a line, blank lines skipped.
    std::string line;
    while (std::getline(std::cin, line)) {
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
      std::size_t start = line.find_first_not_of(" \t");
      if (start == std::string::npos) continue;
      if (int rc = one(line.substr(start)); rc != kExitOk) return rc;
    }
  }
  if (!global.json) {
    std::cerr << "scanned:";
    for (const auto& [result, n] : tally) std::cerr << ' ' << result << ' ' << n;
    std::cerr << '\n';
  }
  return kExitOk;
}

int auditShow(Api& api, const GlobalOptions& global, const std::string& id, bool csv) {
  if (csv) {
    const int rc = api.download(auditPath(id) + "?format=csv", stdout);
    std::fflush(stdout);
    return rc;
  }
  return printAnswer(global, api.get(auditPath(id)), [](const json& a) {
    printAuditSummary(a);
    printAuditLists(a);
  });
}

int auditClose(Api& api, const GlobalOptions& global, const std::string& id, bool move, const std::string& missing_to) {
  json body{{"move_misplaced", move}, {"missing_to", missing_to}};
  return printAnswer(global, api.post(auditPath(id) + "/close", body), [](const json& a) {
    const json& r = a.value("close_result", json::object());
    std::cout << "audit " << displayValue(a["id"]) << " closed: moved " << r.value("moved", json::array()).size()
              << ", marked lost " << r.value("marked_lost", json::array()).size() << ", skipped "
              << r.value("skipped", json::array()).size() << '\n';
    for (const auto& s : r.value("skipped", json::array()))
      std::cout << "  skipped " << displayValue(s["device"]) << " (" << displayValue(s["action"])
                << "): " << displayValue(s["reason"]) << '\n';
  });
}

int auditList(Api& api, const GlobalOptions& global, bool open) {
  auto r = api.get(std::string("/api/v1/audits") + (open ? "?open=true" : ""));
  if (!r) return r.error();
  Listing listing{(*r)["items"], nullptr};
  return printListing(global, listing, "audits", [](const json& items) {
    Table table({"ID", "NAME", "LOCATION", "STATUS", "EXPECTED", "FOUND", "MISSING", "MISPLACED"});
    for (const auto& a : items) {
      table.add({displayValue(a["id"]), displayValue(a["name"]), displayValue(a["location"]), displayValue(a["status"]),
                 displayValue(a["counts"]["expected"]), displayValue(a["counts"]["found"]),
                 displayValue(a["counts"]["missing"]), displayValue(a["counts"]["misplaced"])});
    }
    table.print(std::cout);
  });
}

struct CollectionOptions {
  std::string name, deadline, location;
  std::vector<std::string> grades, roles;
  double alert_below = 0;
};

void printCollectionSummary(const json& k) {
  std::vector<std::pair<std::string, std::string>> lines;
  for (const char* key : {"id", "name", "deadline", "status", "expected", "returned"})
    lines.emplace_back(key, displayValue(k.value(key, json())));
  lines.emplace_back("outstanding", displayValue(k["counts"]["outstanding"]));
  lines.emplace_back("behind", displayValue(k.value("behind", json())));
  printKeyValues(std::cout, lines);
}

int collectionCreate(Api& api, const GlobalOptions& global, const CollectionOptions& o) {
  json body{{"name", o.name}, {"deadline", o.deadline}};
  if (!o.location.empty()) body["location"] = o.location;
  if (!o.grades.empty()) body["grades"] = o.grades;
  if (!o.roles.empty()) body["roles"] = o.roles;
  if (o.alert_below > 0) body["alert_below"] = o.alert_below;
  return printAnswer(global, api.post("/api/v1/collections", body), [](const json& k) {
    std::cout << "collection " << displayValue(k["id"]) << " created: " << displayValue(k["counts"]["outstanding"])
              << " loans outstanding, deadline " << displayValue(k["deadline"]) << '\n';
  });
}

int collectionShow(Api& api, const GlobalOptions& global, const std::string& id, bool csv) {
  if (csv) {
    const int rc = api.download(collectionPath(id) + "?format=csv", stdout);
    std::fflush(stdout);
    return rc;
  }
  return printAnswer(global, api.get(collectionPath(id)), [](const json& k) {
    printCollectionSummary(k);
    const json& items = k.value("outstanding", json::array());
    if (!items.is_array() || items.empty()) return;
    std::cout << '\n';
    Table table({"HOLDER", "ID", "HOMEROOM", "DEVICE", "DUE", "LAST SEEN"});
    for (const auto& o : items) {
      std::string seen = o["last_seen"].is_object()
                             ? o["last_seen"]["source"].get<std::string>() + " " + o["last_seen"]["at"].get<std::string>()
                             : "-";
      table.add({displayValue(o["holder"]["name"]), displayValue(o["holder"]["external_id"]),
                 displayValue(o["holder"]["homeroom"]), deviceName(o["device"]),
                 displayValue(o["due"]) + (o.value("overdue", false) ? " OVERDUE" : ""), seen});
    }
    table.print(std::cout);
  });
}

int collectionList(Api& api, const GlobalOptions& global, bool open) {
  auto r = api.get(std::string("/api/v1/collections") + (open ? "?open=true" : ""));
  if (!r) return r.error();
  Listing listing{(*r)["items"], nullptr};
  return printListing(global, listing, "collections", [](const json& items) {
    Table table({"ID", "NAME", "DEADLINE", "STATUS", "EXPECTED", "RETURNED", "OUTSTANDING", "BEHIND"});
    for (const auto& k : items) {
      table.add({displayValue(k["id"]), displayValue(k["name"]), displayValue(k["deadline"]), displayValue(k["status"]),
                 displayValue(k["expected"]), displayValue(k["returned"]), displayValue(k["counts"]["outstanding"]),
                 displayValue(k["behind"])});
    }
    table.print(std::cout);
  });
}

}  // namespace

void addAuditCommands(CLI::App& app, Cli& cli) {
  auto* audit = app.add_subcommand("audit", "stocktake a room, cart or school");
  audit->require_subcommand(1);

  auto* start = audit->add_subcommand("start", "start an audit: snapshots what should be there");
  auto so = std::make_shared<std::pair<std::string, std::string>>();
  start->add_option("NAME", so->first, "the audit's name, e.g. \"Cart 3 spring check\"")->required();
  start->add_option("LOCATION", so->second, "the place (a location prefix), e.g. \"Maple Elementary / Cart 3\"")
      ->required();
  setAction(start, cli, [so](Api& api, const GlobalOptions& g) { return auditStart(api, g, so->first, so->second); });

  auto* scan = audit->add_subcommand("scan", "record scans; without CODEs reads one code a line from stdin");
  auto sc = std::make_shared<std::pair<std::string, std::vector<std::string>>>();
  scan->add_option("ID", sc->first, "audit id")->required();
  scan->add_option("CODE", sc->second, "asset tags or serials");
  setAction(scan, cli, [sc](Api& api, const GlobalOptions& g) { return auditScan(api, g, sc->first, sc->second); });

  auto* show = audit->add_subcommand("show", "counts by state and the lists (or the CSV report)");
  auto sh = std::make_shared<std::pair<std::string, bool>>("", false);
  show->add_option("ID", sh->first, "audit id")->required();
  show->add_flag("--csv", sh->second, "print the report as CSV");
  setAction(show, cli, [sh](Api& api, const GlobalOptions& g) { return auditShow(api, g, sh->first, sh->second); });

  auto* close = audit->add_subcommand("close", "close the audit, applying fixes in one transaction");
  struct CloseOptions {
    std::string id, missing_to = "none";
    bool move = false;
  };
  auto co = std::make_shared<CloseOptions>();
  close->add_option("ID", co->id, "audit id")->required();
  close->add_flag("--move-misplaced", co->move, "move misplaced devices' location to the audited place");
  close->add_option("--missing-to", co->missing_to, "what missing devices become: lost or none (default)")
      ->check(CLI::IsMember({"lost", "none"}));
  setAction(close, cli,
            [co](Api& api, const GlobalOptions& g) { return auditClose(api, g, co->id, co->move, co->missing_to); });

  auto* list = audit->add_subcommand("list", "audits with their counts");
  auto lo = std::make_shared<bool>(false);
  list->add_flag("--open", *lo, "only open audits");
  setAction(list, cli, [lo](Api& api, const GlobalOptions& g) { return auditList(api, g, *lo); });

  auto* collection = app.add_subcommand("collection", "end-of-year collection campaigns");
  collection->require_subcommand(1);
  auto* create = collection->add_subcommand("create", "start a campaign for the open loans of people in scope");
  auto cc = std::make_shared<CollectionOptions>();
  create->add_option("NAME", cc->name, "the campaign's name, e.g. \"June 2027 collection\"")->required();
  create->add_option("--deadline", cc->deadline, "last day to return, YYYY-MM-DD")->required();
  create->add_option("--location", cc->location, "people whose location is within this place");
  create->add_option("--grade", cc->grades, "a grade in scope (repeat for more)");
  create->add_option("--role", cc->roles, "student or staff (repeat for both)");
  create->add_option("--alert-below", cc->alert_below, "share returned under which the alert fires (default from config)");
  setAction(create, cli, [cc](Api& api, const GlobalOptions& g) { return collectionCreate(api, g, *cc); });

  auto* cshow = collection->add_subcommand("show", "returned, outstanding and who still has what");
  auto cs = std::make_shared<std::pair<std::string, bool>>("", false);
  cshow->add_option("ID", cs->first, "collection id")->required();
  cshow->add_flag("--csv", cs->second, "print the outstanding loans as CSV");
  setAction(cshow, cli, [cs](Api& api, const GlobalOptions& g) { return collectionShow(api, g, cs->first, cs->second); });

  auto* clist = collection->add_subcommand("list", "campaigns with their totals");
  auto cl = std::make_shared<bool>(false);
  clist->add_flag("--open", *cl, "only open campaigns");
  setAction(clist, cli, [cl](Api& api, const GlobalOptions& g) { return collectionList(api, g, *cl); });

  auto* cclose = collection->add_subcommand("close", "end a campaign (its metrics and overdue rule stop)");
  auto ci = std::make_shared<std::string>();
  cclose->add_option("ID", *ci, "collection id")->required();
  setAction(cclose, cli, [ci](Api& api, const GlobalOptions& g) {
    return printAnswer(g, api.post(collectionPath(*ci) + "/close", json::object()), [](const json& k) {
      std::cout << "collection " << displayValue(k["id"]) << " closed: returned " << displayValue(k["returned"])
                << " of " << displayValue(k["expected"]) << '\n';
    });
  });
}

}  // namespace fkcli
