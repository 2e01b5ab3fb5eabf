#pragma once

#include <filesystem>
#include <memory>
#include <string_view>
#include <sys/types.h>

#include "core/config.hpp"
#include "core/error.hpp"
#include "store/database.hpp"

namespace fk {

// Exit code when the database file is damaged (EX_DATAERR): restarting cannot help, so the unit lists
// it in RestartPreventExitStatus= and systemd does not retry.
inline constexpr int kExitDatabaseDamaged = 65;

// Runs fleetkeepd on `config_file` until SIGTERM/SIGINT; returns the process exit code.
int runDaemon(const std::filesystem::path& config_file);

// Sends stderr logging through spdlog with the configured level; colours only on a terminal.
void setupLogging(std::string_view level);

// Loads the config, printing every problem as FILE:LINE:COL: message to stderr on failure.
std::shared_ptr<const Config> loadConfigOrReport(const std::filesystem::path& file);

// Creates state_dir (mode 0700) if missing and opens the database in it.
Result<std::unique_ptr<Database>> openStateDatabase(const Config& config);

// Writes `content` to a temporary file with `mode` and renames it over `file`, so readers never see a
// partial file and a secret is never readable by others, even briefly.
Status writeFileAtomic(const std::filesystem::path& file, std::string_view content, mode_t mode);

}  // namespace fk
