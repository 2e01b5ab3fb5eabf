#include "command_helpers.hpp"

#include <iostream>

#include "format.hpp"

namespace fkcli {

using nlohmann::json;

void addParam(std::string& query, const char* key, const std::string& value) {
  if (value.empty()) return;
  query += (query.empty() ? "?" : "&") + std::string(key) + "=" + encodeComponent(value);
}

std::expected<Listing, int> fetchPages(Api& api, const std::string& path, const std::string& query,
                                       bool all) {
  Listing out;
  do {
    std::string target = path + query;
    if (out.next_cursor.is_string())
      target += (query.empty() ? "?" : "&") + std::string("cursor=") +
                encodeComponent(out.next_cursor.get<std::string>());
    auto page = api.get(target);
    if (!page) return std::unexpected(page.error());
    for (auto& item : (*page)["items"]) out.items.push_back(std::move(item));
    out.next_cursor = page->value("next_cursor", json());
    // An empty cursor would fetch the first page again, forever.
  } while (all && out.next_cursor.is_string() && !out.next_cursor.get<std::string>().empty());
  return out;
}

int printListing(const GlobalOptions& global, const Listing& listing, const char* noun,
                 const std::function<void(const json& items)>& print_table) {
  if (global.json) {
    printJson(std::cout, json{{"items", listing.items}, {"next_cursor", listing.next_cursor}});
    return kExitOk;
  }
  print_table(listing.items);
  if (listing.next_cursor.is_string()) std::cerr << "(more " << noun << ": pass --all to list every page)\n";
  return kExitOk;
}

int printAnswer(const GlobalOptions& global, const std::expected<json, int>& answer,
                const std::function<void(const json&)>& print) {
  if (!answer) return answer.error();
  if (global.json)
    printJson(std::cout, *answer);
  else
    print(*answer);
  return kExitOk;
}

void printImportSummary(const json& summary) {
  std::cout << "created " << displayValue(summary.value("created", json(0))) << ", updated "
            << displayValue(summary.value("updated", json(0))) << ", unchanged "
            << displayValue(summary.value("unchanged", json(0)));
  for (const char* key : {"checkouts", "people_created"}) {
    if (summary.contains(key) && summary[key] != json(0)) std::cout << ", " << key << ' ' << displayValue(summary[key]);
  }
  std::cout << '\n';
  if (auto it = summary.find("ignored_columns"); it != summary.end() && it->is_array() && !it->empty()) {
    std::cout << "ignored columns:";
    for (std::size_t i = 0; i < it->size(); ++i) std::cout << (i ? ", " : " ") << displayValue((*it)[i]);
    std::cout << '\n';
  }
  if (auto it = summary.find("warnings"); it != summary.end() && it->is_array()) {
    for (const auto& w : *it) {
      std::cout << "warning: line " << displayValue(w.value("line", json(0))) << ", "
                << displayValue(w.value("field", json(""))) << ": " << displayValue(w.value("message", json("")))
                << '\n';
    }
  }
}

void setAction(CLI::App* command, Cli& cli, std::function<int(Api&, const GlobalOptions&)> run) {
  command->callback(
      [&cli, run = std::move(run)] { cli.action = [&cli, run](Api& api) { return run(api, cli.options); }; });
}

}  // namespace fkcli
