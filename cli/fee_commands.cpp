// fleetkeep fees ledger|pay|waive|plan|statement|balances: the business office's commands.
#include <cstdio>
#include <iostream>
#include <memory>

#include "command_helpers.hpp"
#include "commands.hpp"
#include "format.hpp"
#include "table.hpp"

namespace fkcli {
namespace {

using nlohmann::json;

std::string personPath(const std::string& id) {
  return "/api/v1/people/" + encodeComponent(id);
}

void printLedger(const json& l) {
  const json person = l.value("person", json::object());
  printKeyValues(std::cout, {{"person", displayValue(person.value("name", json())) + " (" +
                                            displayValue(person.value("external_id", json())) + ")"},
                             {"household", displayValue(person.value("household", json()))},
                             {"balance", displayValue(l.value("balance", json()))},
                             {"on hold", l.value("on_hold", false) ? "yes" : "no"},
                             {"oldest unpaid charge", displayValue(l.value("oldest_charge", json()))}});
  std::cout << '\n';
  Table table({"DATE", "KIND", "REASON", "AMOUNT", "BALANCE", "DEVICE", "DETAILS"});
  for (const auto& e : l.value("entries", json::array())) {
    std::string details = e.value("basis", json()).is_string() ? e["basis"].get<std::string>() : "";
    for (const char* key : {"method", "reference", "note"}) {
      if (e.value(key, json()).is_string()) details += (details.empty() ? "" : "; ") + e[key].get<std::string>();
    }
    table.add({e.value("at", std::string()).substr(0, 10), displayValue(e.value("kind", json())),
               displayValue(e.value("reason", json())), displayValue(e.value("amount", json())),
               displayValue(e.value("balance_after", json())), displayValue(e.value("device", json())), details});
  }
  table.print(std::cout);
}

struct MoneyOptions {
  std::string person, amount, method, reference, note;
};

int download(Api& api, const std::string& target, const std::string& file) {
  if (file.empty() || file == "-") return api.download(target, stdout);
  std::FILE* out = std::fopen(file.c_str(), "wb");
  if (!out) {
    std::cerr << "error: cannot write " << file << '\n';
    return kExitUsage;
  }
  const int rc = api.download(target, out);
  std::fclose(out);
  return rc;
}

}  // namespace

void addFeeCommands(CLI::App& app, Cli& cli) {
  auto* fees = app.add_subcommand("fees", "fees: ledger, payments, waivers, plans, statements, balances");
  fees->require_subcommand(1);

  auto* ledger = fees->add_subcommand("ledger", "a person's ledger and balance");
  auto who = std::make_shared<std::string>();
  ledger->add_option("PERSON", *who, "external id")->required();
  setAction(ledger, cli, [who](Api& api, const GlobalOptions& global) {
    return printAnswer(global, api.get(personPath(*who) + "/ledger"), printLedger);
  });

  for (const char* kind : {"pay", "waive"}) {
    const bool waive = std::string(kind) == "waive";
    auto* cmd = fees->add_subcommand(kind, waive ? "waive an amount (admin; --note says why)"
                                                 : "take a payment: fees pay PERSON AMOUNT --method cash");
    auto o = std::make_shared<MoneyOptions>();
    cmd->add_option("PERSON", o->person, "external id")->required();
    cmd->add_option("AMOUNT", o->amount, "e.g. 25.00")->required();
    cmd->add_option("--method", o->method, "cash, check, card, online...");
    cmd->add_option("--reference", o->reference, "receipt or check number");
    auto* note = cmd->add_option("--note", o->note, waive ? "why it is waived" : "a note");
    if (waive) note->required();
    setAction(cmd, cli, [o, waive](Api& api, const GlobalOptions& global) {
      json body{{"amount", o->amount}};
      if (!o->method.empty()) body["method"] = o->method;
      if (!o->reference.empty()) body["reference"] = o->reference;
      if (!o->note.empty()) body["note"] = o->note;
      return printAnswer(global, api.post(personPath(o->person) + (waive ? "/waivers" : "/payments"), body),
                         printLedger);
    });
  }

  auto* plan = fees->add_subcommand("plan", "enrol a person in a protection plan (charges the premium)");
  auto po = std::make_shared<std::pair<std::string, std::string>>();
  auto year = std::make_shared<std::string>();
  plan->add_option("PERSON", po->first, "external id")->required();
  plan->add_option("PLAN", po->second, "plan name from fees.plans")->required();
  plan->add_option("--school-year", *year, "the year the school year ends in (default: the current one)");
  setAction(plan, cli, [po, year](Api& api, const GlobalOptions& global) {
    json body{{"plan", po->second}};
    if (!year->empty()) body["school_year"] = *year;
    return printAnswer(global, api.post(personPath(po->first) + "/plans", body), printLedger);
  });

  auto* statement = fees->add_subcommand("statement", "a printable HTML statement (to FILE, or stdout)");
  auto so = std::make_shared<std::pair<std::string, std::string>>();
  auto household = std::make_shared<bool>(false);
  statement->add_option("PERSON", so->first, "external id")->required();
  statement->add_option("-o,--output", so->second, "file to write (default stdout)");
  statement->add_flag("--household", *household, "everyone in the person's household");
  setAction(statement, cli, [so, household](Api& api, const GlobalOptions&) {
    return download(api, personPath(so->first) + "/statement" + (*household ? "?household=true" : ""), so->second);
  });

  auto* balances = fees->add_subcommand("balances", "people who owe (CSV for the SIS with --csv)");
  auto csv = std::make_shared<bool>(false);
  auto location = std::make_shared<std::string>();
  balances->add_flag("--csv", *csv, "external_id,name,household,balance,oldest_charge on stdout");
  balances->add_option("--location", *location, "only people whose location starts with this");
  setAction(balances, cli, [csv, location](Api& api, const GlobalOptions& global) {
    std::string query;
    addParam(query, "format", *csv ? "csv" : "json");
    addParam(query, "location", *location);
    if (*csv) return api.download("/api/v1/reports/balances" + query, stdout);
    return printAnswer(global, api.get("/api/v1/reports/balances" + query), [](const json& answer) {
      Table table({"EXTERNAL ID", "NAME", "HOUSEHOLD", "BALANCE", "OLDEST CHARGE", "HOLD"});
      for (const auto& r : answer.value("items", json::array()))
        table.add({displayValue(r.value("external_id", json())), displayValue(r.value("name", json())),
                   displayValue(r.value("household", json())), displayValue(r.value("balance", json())),
                   displayValue(r.value("oldest_charge", json())), r.value("on_hold", false) ? "yes" : ""});
      table.print(std::cout);
      std::cout << "total " << displayValue(answer.value("total", json())) << '\n';
    });
  });
}

}  // namespace fkcli
