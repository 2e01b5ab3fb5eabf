// fleetkeep sources [show NAME | poll NAME]: source health and "poll now".
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "format.hpp"
#include "table.hpp"

namespace fkcli {
namespace {

using nlohmann::json;

// 3600 → "1h", 90 → "1m30s": the config's own spelling.
std::string durationText(const json& seconds) {
  if (!seconds.is_number_integer()) return "-";
  long long s = seconds.get<long long>();
  if (s == 0) return "0s";
  std::string out;
  for (auto [unit, size] : {std::pair{"d", 86400LL}, {"h", 3600LL}, {"m", 60LL}, {"s", 1LL}}) {
    if (s >= size) {
      out += std::to_string(s / size) + unit;
      s %= size;
    }
  }
  return out;
}

std::string resultText(const json& s) {
  if (s.value("running", false)) return "polling";
  const json& result = s.value("last_result", json());
  if (!result.is_string()) return "never polled";
  if (result == "ok") return "ok";
  return "failed (" + displayValue(s.value("last_reason", json())) + ")";
}

std::string sourcePath(const std::string& name) {
  return "/api/v1/sources/" + encodeComponent(name);
}

int sourceList(Api& api, const GlobalOptions& global) {
  auto body = api.get("/api/v1/sources");
  if (!body) return body.error();
  if (global.json) {
    printJson(std::cout, *body);
    return kExitOk;
  }
  const json& items = (*body)["items"];
  if (items.empty()) {
    std::cout << "no sources configured\n";
    return kExitOk;
  }
  Table table({"NAME", "PLUGIN", "EVERY", "LAST POLL", "RESULT", "LISTED", "OBSERVED", "SKIPPED", "NEXT POLL",
               "BACKOFF"});
  for (const json& s : items) {
    table.add({displayValue(s.value("name", json())), displayValue(s.value("plugin", json())),
               durationText(s.value("interval_seconds", json())), displayValue(s.value("last_end", json())),
               resultText(s), displayValue(s.value("listed", json())),
               displayValue(s.value("observed", json())), displayValue(s.value("skipped", json())),
               displayValue(s.value("next_poll", json())),
               s.value("backoff_seconds", 0) > 0 ? durationText(s["backoff_seconds"]) : "-"});
  }
  table.print(std::cout);
  for (const json& s : items) {
    if (s.value("last_error", json()).is_string())
      std::cout << s.value("name", "") << ": " << s["last_error"].get<std::string>() << '\n';
  }
  return kExitOk;
}

int sourceShow(Api& api, const GlobalOptions& global, const std::string& name) {
  auto s = api.get(sourcePath(name));
  if (!s) return s.error();
  if (global.json) {
    printJson(std::cout, *s);
    return kExitOk;
  }
  std::vector<std::pair<std::string, std::string>> lines;
  for (const auto& [key, value] : s->items()) {
    if (key == "flagged_devices" || key == "problems" || key == "duplicate_keys") continue;
    lines.emplace_back(key, key.ends_with("_seconds") && value.is_number_integer() ? durationText(value)
                                                                                   : displayValue(value));
  }
  printKeyValues(std::cout, lines);
  for (const json& d : s->value("duplicate_keys", json::array()))
    std::cout << "duplicate: " << displayValue(d.value("key", json())) << " on "
              << displayValue(d.value("origins", json())) << '\n';
  for (const json& p : s->value("problems", json::array()))
    std::cout << "problem: " << displayValue(p) << '\n';
  const json& flagged = (*s)["flagged_devices"];
  if (!flagged.empty()) {
    std::cout << '\n';
    Table table({"FLAGGED", "SERIAL", "ASSET TAG", "MACS", "REASON", "FIRST SEEN"});
    for (const json& f : flagged)
      table.add({displayValue(f.value("key", json())), displayValue(f.value("serial", json())),
                 displayValue(f.value("asset_tag", json())), displayValue(f.value("macs", json())),
                 displayValue(f.value("reason", json())), displayValue(f.value("first_seen", json()))});
    table.print(std::cout);
  }
  return kExitOk;
}

int sourcePoll(Api& api, const GlobalOptions& global, const std::string& name) {
  auto r = api.post(sourcePath(name) + "/poll", json::object());
  if (!r) return r.error();
  if (global.json)
    printJson(std::cout, *r);
  else
    std::cout << "polling " << name << " now; see `fleetkeep sources` for the result\n";
  return kExitOk;
}

}  // namespace

void addSourceCommands(CLI::App& app, Cli& cli) {
  auto* sources = app.add_subcommand("sources", "source health; `sources poll NAME` polls one now");
  auto* show = sources->add_subcommand("show", "one source in full, with the devices it flagged");
  auto show_name = std::make_shared<std::string>();
  show->add_option("NAME", *show_name, "source name")->required();
  show->callback([&cli, show_name] {
    cli.action = [&cli, show_name](Api& api) { return sourceShow(api, cli.options, *show_name); };
  });
  auto* poll = sources->add_subcommand("poll", "poll a source now (admin)");
  auto poll_name = std::make_shared<std::string>();
  poll->add_option("NAME", *poll_name, "source name")->required();
  poll->callback([&cli, poll_name] {
    cli.action = [&cli, poll_name](Api& api) { return sourcePoll(api, cli.options, *poll_name); };
  });
  sources->callback([&cli, show, poll] {
    if (!*show && !*poll) cli.action = [&cli](Api& api) { return sourceList(api, cli.options); };
  });
}

}  // namespace fkcli
