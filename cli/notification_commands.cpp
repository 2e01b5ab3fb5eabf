// fleetkeep notifications [--failed] [--status S]: the mail outbox (admin token).
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "format.hpp"
#include "table.hpp"

namespace fkcli {
namespace {

using nlohmann::json;

std::string joined(const json& list) {
  std::string out;
  if (!list.is_array()) return "-";
  for (const auto& a : list) out += (out.empty() ? "" : ", ") + a.get<std::string>();
  return out.empty() ? "-" : out;
}

int notificationList(Api& api, const GlobalOptions& global, const std::string& status) {
  auto body = api.get("/api/v1/notifications" + (status.empty() ? std::string() : "?status=" + status));
  if (!body) return body.error();
  if (global.json) {
    printJson(std::cout, *body);
    return kExitOk;
  }
  const json& items = (*body)["items"];
  if (!(*body).value("configured", false)) std::cout << "notifications are not configured\n";
  if (items.empty()) {
    std::cout << "no " << (status.empty() ? "" : status + " ") << "notifications\n";
  } else {
    Table table({"ID", "KIND", "DAY", "TO", "CC", "STATUS", "ATTEMPTS", "SENT / NEXT TRY"});
    for (const json& n : items) {
      const bool sent = n.value("status", "") == "sent";
      table.add({displayValue(n.value("id", json())), displayValue(n.value("kind", json())),
                 displayValue(n.value("day", json())), joined(n.value("to", json())), joined(n.value("cc", json())),
                 displayValue(n.value("status", json())), displayValue(n.value("attempts", json())),
                 displayValue(sent ? n.value("sent_at", json()) : n.value("not_before", json()))});
    }
    table.print(std::cout);
    for (const json& n : items) {
      if (n.value("last_error", json()).is_string() && n.value("status", "") != "sent")
        std::cout << n["id"].get<long long>() << ": " << n["last_error"].get<std::string>() << '\n';
    }
  }
  std::cout << "queued " << (*body).value("queued", 0) << '\n';
  return kExitOk;
}

}  // namespace

void addNotificationCommands(CLI::App& app, Cli& cli) {
  auto* cmd = app.add_subcommand("notifications", "the mail outbox: queued, sent and failed notices (admin)");
  auto status = std::make_shared<std::string>();
  auto failed = std::make_shared<bool>(false);
  cmd->add_flag("--failed", *failed, "only the ones given up on, with the reason");
  cmd->add_option("--status", *status, "queued, sending, sent or failed")
      ->check(CLI::IsMember({"queued", "sending", "sent", "failed"}));
  cmd->callback([&cli, status, failed] {
    cli.action = [&cli, status, failed](Api& api) {
      return notificationList(api, cli.options, *failed ? "failed" : *status);
    };
  });
}

}  // namespace fkcli
