#include "admin_commands.hpp"

#include <algorithm>
#include <array>
#include <iostream>

#include "daemon.hpp"
#include "store/token_store.hpp"

namespace fk {
namespace {

int fail(const Error& e) {
  std::cerr << "fleetkeepd: " << e.message << '\n';
  return 1;
}

// Admin commands run against the same database as the daemon; SQLite's locking lets both work at once.
std::unique_ptr<Database> openFor(const std::filesystem::path& config_file) {
  setupLogging("warn");
  auto config = loadConfigOrReport(config_file);
  if (!config) return nullptr;
  auto db = openStateDatabase(*config);
  if (!db) {
    fail(db.error());
    return nullptr;
  }
  return std::move(*db);
}

}  // namespace

int checkConfigCommand(const std::filesystem::path& config_file) {
  if (!loadConfigOrReport(config_file)) return 1;
  std::cout << config_file.string() << ": ok\n";
  return 0;
}

int tokenCreateCommand(const std::filesystem::path& config_file, const std::string& name, const std::string& role) {
  auto db = openFor(config_file);
  if (!db) return 1;
  auto parsed = parseRole(role);
  if (!parsed) return fail(Error::invalid("role", "unknown role: " + role));
  auto token = TokenStore(*db).create(name, *parsed);
  if (!token) return fail(token.error());
  // Only the token on stdout, so `TOKEN=$(fleetkeepd token create ...)` works.
  std::cout << *token << '\n';
  return 0;
}

int tokenListCommand(const std::filesystem::path& config_file) {
  auto db = openFor(config_file);
  if (!db) return 1;
  auto tokens = TokenStore(*db).list();
  if (!tokens) return fail(tokens.error());

  std::vector<std::array<std::string, 4>> rows{{"NAME", "ROLE", "CREATED", "LAST USED"}};
  for (const auto& t : *tokens)
    rows.push_back({t.name, std::string(toString(t.role)), t.created_at, t.last_used_at.empty() ? "-" : t.last_used_at});
  std::array<std::size_t, 4> width{};
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 2, ' ');
    }
    std::cout << line << '\n';
  }
  return 0;
}

int tokenRevokeCommand(const std::filesystem::path& config_file, const std::string& name) {
  auto db = openFor(config_file);
  if (!db) return 1;
  if (auto revoked = TokenStore(*db).revoke(name); !revoked) return fail(revoked.error());
  std::cerr << "revoked token " << name << '\n';
  return 0;
}

int backupCommand(const std::filesystem::path& config_file, const std::filesystem::path& dest) {
  auto db = openFor(config_file);
  if (!db) return 1;
  if (auto done = db->backup(dest); !done) return fail(done.error());
  std::cerr << "backup written to " << dest.string() << '\n';
  return 0;
}

}  // namespace fk
