#include <sys/stat.h>

#include <csignal>
#include <iostream>

#include <CLI/CLI.hpp>

#include "admin_commands.hpp"
#include "daemon.hpp"
#include "fleetkeep/version.hpp"

int main(int argc, char** argv) {
  // A client hanging up mid-response must not kill the daemon.
  std::signal(SIGPIPE, SIG_IGN);
  // The database, its WAL, backups and admin.token hold student-linked inventory and credentials:
  // nothing we create should be readable by other users, under systemd (UMask=0077) or not.
  ::umask(077);

  CLI::App app{"fleetkeepd: device inventory daemon for school fleets"};
  app.set_version_flag("--version", std::string("fleetkeepd ") + fk::kVersion);
  app.fallthrough();  // `token list --config FILE` works as well as `--config FILE token list`

  std::string config = "/etc/fleetkeep/fleetkeepd.yaml";
  bool check_config = false;
  app.add_option("-c,--config", config, "config file")->capture_default_str();
  app.add_flag("--check-config", check_config, "validate the config and exit");

  std::string name, role, dest;
  auto* token = app.add_subcommand("token", "manage API tokens")->require_subcommand(1);
  auto* create = token->add_subcommand("create", "create a token and print it once");
  create->add_option("--name", name, "token name")->required();
  create->add_option("--role", role, "viewer, technician or admin")
      ->required()
      ->check(CLI::IsMember({"viewer", "technician", "admin"}));
  auto* list = token->add_subcommand("list", "list tokens");
  auto* revoke = token->add_subcommand("revoke", "revoke a token by name");
  revoke->add_option("name", name, "token name")->required();
  std::vector<std::string> token_scopes;
  create->add_option("--scope", token_scopes, "location prefix the token is limited to (repeatable)");

  fk::UserCreateArgs user_args;
  std::string password_file;
  auto* user = app.add_subcommand("user", "manage people who sign in")->require_subcommand(1);
  auto* user_create = user->add_subcommand("create", "create a user; the password is read, never printed");
  user_create->add_option("--name", user_args.name, "user name")->required();
  user_create->add_option("--role", user_args.role, "viewer, technician or admin")
      ->required()
      ->check(CLI::IsMember({"viewer", "technician", "admin"}));
  user_create->add_option("--email", user_args.email, "email, for OpenID Connect sign-in");
  user_create->add_option("--scope", user_args.scopes, "location prefix the user is limited to (repeatable)");
  user_create->add_option("--password-file", user_args.password_file, "file whose first line is the password")
      ->check(CLI::ExistingFile);
  auto* user_list = user->add_subcommand("list", "list users");
  auto* user_disable = user->add_subcommand("disable", "disable a user and end its sessions");
  user_disable->add_option("name", name, "user name")->required();
  auto* user_enable = user->add_subcommand("enable", "enable a user");
  user_enable->add_option("name", name, "user name")->required();
  auto* user_password = user->add_subcommand("set-password", "set a user's password and end its sessions");
  user_password->add_option("name", name, "user name")->required();
  user_password->add_option("--password-file", password_file, "file whose first line is the password")
      ->check(CLI::ExistingFile);

  auto* routes = app.add_subcommand("routes", "list the HTTP routes (method, path, role, scope rule)");
  auto* backup = app.add_subcommand("backup", "consistent online copy of the database");
  backup->add_option("dest", dest, "destination file")->required();
  app.require_subcommand(0, 1);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  if (check_config) return fk::checkConfigCommand(config);
  if (*create) return fk::tokenCreateCommand(config, name, role, token_scopes);
  if (*user_create) return fk::userCreateCommand(config, user_args);
  if (*user_list) return fk::userListCommand(config);
  if (*user_disable) return fk::userSetDisabledCommand(config, name, true);
  if (*user_enable) return fk::userSetDisabledCommand(config, name, false);
  if (*user_password) return fk::userSetPasswordCommand(config, name, password_file);
  if (*list) return fk::tokenListCommand(config);
  if (*revoke) return fk::tokenRevokeCommand(config, name);
  if (*backup) return fk::backupCommand(config, dest);
  if (*routes) return fk::routesCommand(config);
  return fk::runDaemon(config);
}
