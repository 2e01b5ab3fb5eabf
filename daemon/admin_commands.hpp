#pragma once

#include <filesystem>
#include <string>

namespace fk {

// One-shot commands run instead of the daemon; each returns the process exit code
// (0 ok, 1 failed, with the reason on stderr).
int checkConfigCommand(const std::filesystem::path& config_file);
int tokenCreateCommand(const std::filesystem::path& config_file, const std::string& name, const std::string& role);
int tokenListCommand(const std::filesystem::path& config_file);
int tokenRevokeCommand(const std::filesystem::path& config_file, const std::string& name);
int backupCommand(const std::filesystem::path& config_file, const std::filesystem::path& dest);

}  // namespace fk
