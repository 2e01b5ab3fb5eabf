#include "admin_commands.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <iostream>
#include <sstream>

#include <openssl/crypto.h>

#include "daemon.hpp"
#include "http/api.hpp"
#include "http/router.hpp"
#include "store/token_store.hpp"
#include "store/user_store.hpp"

namespace fk {
namespace {

int fail(const Error& e) {
  std::cerr << "fleetkeepd: " << e.message << '\n';
  return 1;
}

// How an admin command opens the database the daemon may be running on.
struct AdminOpen {
  // A missing file is created (and migrated, which is safe: no daemon can be using a file that does
  // not exist yet) for the commands that set up a new install; the others refuse it.
  bool create_if_missing = false;
  Database::SchemaNeed need = Database::SchemaNeed::latest;
};

// Admin commands run against the same database as the daemon; SQLite's locking lets both work at
// once. They never migrate an existing file: a newer binary installed beside a daemon still running
// the old one must not change the schema under it (the daemon migrates when it restarts).
std::unique_ptr<Database> openFor(const std::filesystem::path& config_file, AdminOpen how = {}) {
  setupLogging("warn");
  auto config = loadConfigOrReport(config_file);
  if (!config) return nullptr;
  std::error_code ec;
  const bool exists = std::filesystem::exists(config->database, ec);
  auto db = how.create_if_missing && !exists ? openStateDatabase(*config)
                                             : Database::openExisting(config->database, how.need);
  if (!db) {
    fail(db.error());
    return nullptr;
  }
  return std::move(*db);
}

constexpr AdminOpen kSetUp{.create_if_missing = true};

Result<Scope> parseScopes(const std::vector<std::string>& given) {
  Scope scope;
  for (const auto& s : given) {
    auto p = normalizeScopePrefix(s);
    if (!p) return std::unexpected(p.error());
    scope.prefixes.push_back(*p);
  }
  return scope;
}

void printTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width(rows.front().size());
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
}

std::string scopeText(const Scope& scope) {
  if (scope.districtWide()) return "(district)";
  std::string out;
  for (const auto& p : scope.prefixes) out += (out.empty() ? "" : "; ") + p;
  return out;
}

// One line from the file, or from stdin when no file is named; the line end is not part of it. Never
// echoed or printed.
Result<std::string> readPassword(const std::string& file) {
  std::string line;
  if (file.empty()) {
    if (!std::getline(std::cin, line)) return std::unexpected(Error::invalid("password", "no password on stdin"));
  } else {
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::unexpected(Error::invalid("password-file", "cannot read " + file));
    std::getline(in, line);
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

struct Wiped {
  std::string text;
  ~Wiped() { OPENSSL_cleanse(text.data(), text.size()); }
};

}  // namespace

int checkConfigCommand(const std::filesystem::path& config_file) {
  if (!loadConfigOrReport(config_file)) return 1;
  std::cout << config_file.string() << ": ok\n";
  return 0;
}

int tokenCreateCommand(const std::filesystem::path& config_file, const std::string& name, const std::string& role,
                       const std::vector<std::string>& scopes) {
  auto scope = parseScopes(scopes);
  if (!scope) return fail(scope.error());
  auto db = openFor(config_file, kSetUp);
  if (!db) return 1;
  auto parsed = parseRole(role);
  if (!parsed) return fail(Error::invalid("role", "unknown role: " + role));
  auto token = TokenStore(*db).create(name, *parsed, *scope);
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

  std::vector<std::vector<std::string>> rows{{"NAME", "ROLE", "CREATED", "LAST USED", "SCOPE"}};
  for (const auto& t : *tokens)
    rows.push_back({t.name, std::string(toString(t.role)), t.created_at, t.last_used_at.empty() ? "-" : t.last_used_at,
                    scopeText(t.scope)});
  printTable(rows);
  return 0;
}

int tokenRevokeCommand(const std::filesystem::path& config_file, const std::string& name) {
  auto db = openFor(config_file);
  if (!db) return 1;
  if (auto revoked = TokenStore(*db).revoke(name); !revoked) return fail(revoked.error());
  std::cerr << "revoked token " << name << '\n';
  return 0;
}

int userCreateCommand(const std::filesystem::path& config_file, const UserCreateArgs& args) {
  auto role = parseRole(args.role);
  if (!role) return fail(Error::invalid("role", "unknown role: " + args.role));
  auto scope = parseScopes(args.scopes);
  if (!scope) return fail(scope.error());
  auto password = readPassword(args.password_file);
  if (!password) return fail(password.error());
  Wiped secret{std::move(*password)};
  // An email-only user (OpenID Connect) still gets a password: the contract reads one, and an
  // unusable account is worse than one the admin can hand out.
  auto db = openFor(config_file, kSetUp);
  if (!db) return 1;
  auto user = UserStore(*db).create({args.name, *role, args.email, *scope}, secret.text);
  if (!user) return fail(user.error());
  std::cerr << "created user " << user->name << " (" << toString(user->role) << ", " << scopeText(user->scope)
            << ")\n";
  return 0;
}

int userListCommand(const std::filesystem::path& config_file) {
  auto db = openFor(config_file);
  if (!db) return 1;
  auto users = UserStore(*db).list();
  if (!users) return fail(users.error());
  std::vector<std::vector<std::string>> rows{{"NAME", "ROLE", "EMAIL", "STATE", "SCOPE", "CREATED"}};
  for (const auto& u : *users)
    rows.push_back({u.name, std::string(toString(u.role)), u.email.empty() ? "-" : u.email,
                    u.disabled ? "disabled" : "enabled", scopeText(u.scope), u.created_at});
  printTable(rows);
  return 0;
}

int userSetDisabledCommand(const std::filesystem::path& config_file, const std::string& name, bool disabled) {
  auto db = openFor(config_file);
  if (!db) return 1;
  if (auto done = UserStore(*db).setDisabled(name, disabled); !done) return fail(done.error());
  std::cerr << (disabled ? "disabled user " : "enabled user ") << name
            << (disabled ? "; its sessions are ended\n" : "\n");
  return 0;
}

int userSetPasswordCommand(const std::filesystem::path& config_file, const std::string& name,
                           const std::string& password_file) {
  auto password = readPassword(password_file);
  if (!password) return fail(password.error());
  Wiped secret{std::move(*password)};
  auto db = openFor(config_file);
  if (!db) return 1;
  if (auto done = UserStore(*db).setPassword(name, secret.text); !done) return fail(done.error());
  std::cerr << "password changed for " << name << "; its sessions are ended\n";
  return 0;
}

int routesCommand(const std::filesystem::path& config_file) {
  auto config = loadConfigOrReport(config_file);
  if (!config) return 1;
  // The routes only: the schema's version does not matter.
  auto db = openFor(config_file, {.create_if_missing = true, .need = Database::SchemaNeed::known});
  if (!db) return 1;
  ApiContext ctx{*db, [config] { return config; }, {}, {}};
  Router router;
  registerRoutes(router, ctx);
  for (const auto& r : router.list()) {
    std::cout << r.method << ' ' << r.path_template << ' '
              << (r.options.min_role ? std::string(toString(*r.options.min_role)) : std::string("open"))
              << (r.options.district_only ? " district" : "") << '\n';
  }
  return 0;
}

int backupCommand(const std::filesystem::path& config_file, const std::filesystem::path& dest) {
  // A page copy: any version this build knows can be backed up, an unmigrated one too.
  auto db = openFor(config_file, {.need = Database::SchemaNeed::known});
  if (!db) return 1;
  if (auto done = db->backup(dest); !done) return fail(done.error());
  std::cerr << "backup written to " << dest.string() << '\n';
  return 0;
}

}  // namespace fk
