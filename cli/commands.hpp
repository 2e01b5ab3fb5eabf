#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "api.hpp"

namespace fkcli {

struct GlobalOptions {
  std::string server;
  std::string token_file;
  bool json = false;
};

// Parsing picks one command; its callback stores what to run here, and main runs it once the server and
// token are known. Options a command needs live in a shared_ptr captured by its callbacks.
struct Cli {
  GlobalOptions options;
  std::function<int(Api&)> action;
};

void addDeviceCommands(CLI::App& app, Cli& cli);    // device_commands.cpp
void addTransferCommands(CLI::App& app, Cli& cli);  // transfer_commands.cpp: import, export
void addReportCommands(CLI::App& app, Cli& cli);    // report_commands.cpp: summary, models
void addCirculationCommands(CLI::App& app, Cli& cli);  // circulation_commands.cpp: checkout, return, loans, people
void addRepairCommands(CLI::App& app, Cli& cli);       // repair_commands.cpp: repair ...
void addPlanCommands(CLI::App& app, Cli& cli);         // plan_commands.cpp: plan
void addSourceCommands(CLI::App& app, Cli& cli);       // source_commands.cpp: sources [poll NAME]
void addNotificationCommands(CLI::App& app, Cli& cli); // notification_commands.cpp: notifications
void addAuditCommands(CLI::App& app, Cli& cli);        // audit_commands.cpp: audit ..., collection ...
void addFeeCommands(CLI::App& app, Cli& cli);          // fee_commands.cpp: fees ...

}  // namespace fkcli
