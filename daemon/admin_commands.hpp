#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace fk {

// One-shot commands run instead of the daemon; each returns the process exit code
// (0 ok, 1 failed, with the reason on stderr).
int checkConfigCommand(const std::filesystem::path& config_file);
int tokenCreateCommand(const std::filesystem::path& config_file, const std::string& name, const std::string& role,
                       const std::vector<std::string>& scopes = {});
int tokenListCommand(const std::filesystem::path& config_file);
int tokenRevokeCommand(const std::filesystem::path& config_file, const std::string& name);
struct UserCreateArgs {
  std::string name;
  std::string role;
  std::string email;
  std::vector<std::string> scopes;
  std::string password_file;  // "" = one line from stdin
};
int userCreateCommand(const std::filesystem::path& config_file, const UserCreateArgs& args);
int userListCommand(const std::filesystem::path& config_file);
int userSetDisabledCommand(const std::filesystem::path& config_file, const std::string& name, bool disabled);
int userSetPasswordCommand(const std::filesystem::path& config_file, const std::string& name,
                           const std::string& password_file);
// Prints every HTTP route: method, template, minimum role, and whether scoped callers are refused.
int routesCommand(const std::filesystem::path& config_file);
int backupCommand(const std::filesystem::path& config_file, const std::filesystem::path& dest);

}  // namespace fk
