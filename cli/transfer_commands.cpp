#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "command_helpers.hpp"
#include "commands.hpp"
#include "format.hpp"

namespace fkcli {
namespace {

using nlohmann::json;

struct ImportFlags {
  std::string file, encoding, date_order;
  bool strict = false;
};

int importCsv(Api& api, const GlobalOptions& global, const ImportFlags& flags) {
  std::string path = "/api/v1/devices:import";
  char sep = '?';
  auto add = [&](const char* key, const std::string& value) {
    if (value.empty()) return;
    path += sep + std::string(key) + "=" + value;
    sep = '&';
  };
  add("encoding", flags.encoding);
  add("date_order", flags.date_order);
  add("strict", flags.strict ? "true" : "");
  return printAnswer(global, api.postFile(path, flags.file, "text/csv"), printImportSummary);
}

// Writes beside the destination and renames at the end, so a failed export never leaves half a file.
int exportCsv(Api& api, const std::string& file) {
  if (file.empty() || file == "-") {
    const int rc = api.download("/api/v1/devices:export", stdout);
    std::fflush(stdout);
    return rc;
  }
  const std::filesystem::path dest(file);
  const std::filesystem::path partial = dest.string() + ".partial";
  std::FILE* out = std::fopen(partial.c_str(), "wb");
  if (out == nullptr) {
    std::cerr << "error: cannot write " << partial.string() << '\n';
    return kExitRefused;
  }
  int rc = api.download("/api/v1/devices:export", out);
  if (std::fclose(out) != 0 && rc == kExitOk) {
    std::cerr << "error: cannot write " << partial.string() << '\n';
    rc = kExitRefused;
  }
  std::error_code ec;
  if (rc == kExitOk) {
    std::filesystem::rename(partial, dest, ec);
    if (ec) {
      std::cerr << "error: cannot rename " << partial.string() << " to " << dest.string() << ": "
                << ec.message() << '\n';
      rc = kExitRefused;
    }
  }
  if (rc != kExitOk) std::filesystem::remove(partial, ec);
  return rc;
}

}  // namespace

void addTransferCommands(CLI::App& app, Cli& cli) {
  auto* import = app.add_subcommand("import", "import an inventory CSV (own columns or a Snipe-IT export)");
  auto flags = std::make_shared<ImportFlags>();
  import->add_option("FILE", flags->file, "CSV file")->required()->check(CLI::ExistingFile);
  import->add_option("--encoding", flags->encoding, "text encoding of an old export")
      ->check(CLI::IsMember({"utf-8", "windows-1252"}));
  import->add_option("--date-order", flags->date_order, "how to read 3/4/2027: mdy or dmy")
      ->check(CLI::IsMember({"mdy", "dmy"}));
  import->add_flag("--strict", flags->strict, "refuse columns fleetkeep does not know instead of ignoring them");
  setAction(import, cli, [flags](Api& api, const GlobalOptions& global) { return importCsv(api, global, *flags); });

  auto* exp = app.add_subcommand("export", "write the registry as CSV (to FILE, or stdout)");
  auto export_file = std::make_shared<std::string>();
  exp->add_option("FILE", *export_file, "destination (default stdout)");
  setAction(exp, cli, [export_file](Api& api, const GlobalOptions&) { return exportCsv(api, *export_file); });
}

}  // namespace fkcli
