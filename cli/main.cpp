// fleetkeep: command-line client for the fleetkeepd API.
#include <CLI/CLI.hpp>
#include <boost/algorithm/string/classification.hpp>
#include <boost/algorithm/string/trim.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "commands.hpp"
#include "fleetkeep/version.hpp"

namespace {

using namespace fkcli;

std::string trim(const std::string& s) {
  return boost::algorithm::trim_copy_if(s, boost::algorithm::is_any_of(" \t\r\n"));
}

int usageError(const std::string& message) {
  std::cerr << "error: " << message << '\n';
  return kExitUsage;
}

// The token comes from --token-file when given, else from FLEETKEEP_TOKEN (the token itself).
std::expected<std::string, int> loadToken(const GlobalOptions& options) {
  if (!options.token_file.empty()) {
    std::ifstream in(options.token_file);
    if (!in) return std::unexpected(usageError("cannot read token file " + options.token_file));
    std::stringstream text;
    text << in.rdbuf();
    std::string token = trim(text.str());
    if (token.empty()) return std::unexpected(usageError("token file " + options.token_file + " is empty"));
    return token;
  }
  const char* env = std::getenv("FLEETKEEP_TOKEN");
  std::string token = env != nullptr ? trim(env) : std::string();
  if (token.empty())
    return std::unexpected(usageError("no API token: set FLEETKEEP_TOKEN or pass --token-file"));
  return token;
}

}  // namespace

int main(int argc, char** argv) {
  Cli cli;
  cli.options.server = "http://127.0.0.1:9470";

  CLI::App app{"fleetkeep: inventory of a district's laptops and Chromebooks (client of fleetkeepd)",
               "fleetkeep"};
  app.set_version_flag("--version", std::string(fk::kVersion));
  // Global options may follow the command too: `fleetkeep device list --json`.
  app.fallthrough();
  app.require_subcommand(1);
  app.add_option("--server", cli.options.server, "fleetkeepd base URL (http:// or https://)")
      ->envname("FLEETKEEP_SERVER")
      ->capture_default_str();
  app.add_option("--token-file", cli.options.token_file,
                 "file holding the API token (default: the token in FLEETKEEP_TOKEN)");
  app.add_flag("--json", cli.options.json, "print the server's JSON instead of tables");

  addDeviceCommands(app, cli);
  addTransferCommands(app, cli);
  addReportCommands(app, cli);
  addCirculationCommands(app, cli);
  addRepairCommands(app, cli);
  addPlanCommands(app, cli);
  addSourceCommands(app, cli);
  addNotificationCommands(app, cli);
  addAuditCommands(app, cli);
  addFeeCommands(app, cli);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" with exit code 0; everything else is a usage error.
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  if (!cli.action) return usageError("no command given (see --help)");
  if (!isSupportedUrl(cli.options.server))
    return usageError("--server must be an http:// or https:// URL, not \"" + cli.options.server + "\"");
  auto token = loadToken(cli.options);
  if (!token) return token.error();

  Api api(HttpClient(cli.options.server, *token));
  return cli.action(api);
}
