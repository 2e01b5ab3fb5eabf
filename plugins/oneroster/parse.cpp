#include "oneroster/parse.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>

#include "core/csv.hpp"
#include "core/csv_input.hpp"
#include "core/text.hpp"

namespace fk::oneroster {
namespace {

// List values sit comma-separated inside one quoted field ("org1,org2").
std::vector<std::string> splitList(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const auto comma = s.find(',', start);
    const auto end = comma == std::string_view::npos ? s.size() : comma;
    if (std::string item = std::string(trimBlanks(s.substr(start, end - start))); !item.empty()) out.push_back(std::move(item));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

struct Row {
  std::size_t line = 0;
  std::vector<std::string> cells;
};

// One CSV file of the bundle, columns found by header name: 1.2 and 1.2.1 differ in which columns
// exist, not only in their order.
struct Table {
  std::string name;
  std::vector<std::string> header;  // lower case
  std::vector<Row> rows;

  int column(std::string_view wanted) const {
    const std::string key = lowerAscii(wanted);
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == key) return static_cast<int>(i);
    return -1;
  }
  static const std::string& cell(const Row& row, int column) {
    static const std::string empty;
    return column < 0 || static_cast<std::size_t>(column) >= row.cells.size() ? empty : row.cells[column];
  }
  std::string origin(const Row& row) const { return name + " line " + std::to_string(row.line); }
};

// The table, or nothing with `error` set.
std::optional<Table> readTable(const std::string& name, const std::string& body, std::string& error) {
  std::string storage;
  auto text = csvText(body, TextEncoding::utf8, storage);
  if (!text) {
    error = name + " line " + std::to_string(text.error().line) + ": " + text.error().message;
    return std::nullopt;
  }
  Table t;
  t.name = name;
  CsvReader reader(*text);
  std::vector<std::string> fields;
  bool header = true;
  while (reader.next(fields)) {
    if (fields.size() == 1 && trimBlanks(fields[0]).empty()) continue;  // a blank line
    if (header) {
      for (const auto& f : fields) t.header.push_back(lowerAscii(trimBlanks(f)));
      header = false;
      continue;
    }
    t.rows.push_back({reader.line(), std::move(fields)});
    fields.clear();
  }
  if (!reader.error().empty()) {
    error = name + " line " + std::to_string(reader.line()) + ": " + reader.error();
    return std::nullopt;
  }
  if (header) {
    error = name + " is empty (no header line)";
    return std::nullopt;
  }
  return t;
}

enum class Kind { student, staff, guardian, other };

// OneRoster roles: 1.1's list and 1.2's (which has no plain `administrator`). Everyone who works in a
// school is staff; parents, guardians and relatives only tie students into households.
Kind kindOf(const std::string& role) {
  static const std::set<std::string> staff{"teacher",        "administrator",          "aide",
                                           "proctor",        "principal",              "counselor",
                                           "districtadministrator", "siteadministrator", "systemadministrator"};
  const std::string r = lowerAscii(role);
  if (r == "student") return Kind::student;
  if (staff.contains(r)) return Kind::staff;
  if (r == "guardian" || r == "parent" || r == "relative") return Kind::guardian;
  return Kind::other;
}

struct RoleOf {
  std::string role;
  std::string org;
  bool primary = false;
};

// 1.2 moved role and school out of users.csv into roles.csv: one row per (user, role, org).
std::unordered_map<std::string, RoleOf> readRoles(const Table& roles) {
  std::unordered_map<std::string, RoleOf> out;
  const int user = roles.column("userSourcedId"), role = roles.column("role"),
            type = roles.column("roleType"), org = roles.column("orgSourcedId"),
            status = roles.column("status");
  for (const Row& row : roles.rows) {
    if (lowerAscii(Table::cell(row, status)) == "tobedeleted") continue;
    const std::string& id = Table::cell(row, user);
    if (id.empty()) continue;
    const bool primary = lowerAscii(Table::cell(row, type)) == "primary";
    auto [it, inserted] = out.try_emplace(id);
    if (inserted || (primary && !it->second.primary))
      it->second = {Table::cell(row, role), Table::cell(row, org), primary};
  }
  return out;
}

struct Org {
  std::string name;
  bool school = false;
};

// A household is the connected set of students and the guardians linked to them; either side of a
// link may be the only one an exporter wrote.
class Households {
 public:
  std::size_t index(const std::string& id) {
    auto [it, inserted] = ids_.try_emplace(id, parent_.size());
    if (inserted) parent_.push_back(parent_.size());
    return it->second;
  }
  void link(const std::string& a, const std::string& b) {
    const std::size_t x = find(index(a)), y = find(index(b));
    if (x != y) parent_[std::max(x, y)] = std::min(x, y);
  }
  std::size_t root(const std::string& id) { return find(index(id)); }

 private:
  std::size_t find(std::size_t i) {
    while (parent_[i] != i) i = parent_[i] = parent_[parent_[i]];
    return i;
  }
  std::unordered_map<std::string, std::size_t> ids_;
  std::vector<std::size_t> parent_;
};

struct User {
  const Row* row = nullptr;
  std::string id;
  Kind kind = Kind::other;
  std::string role;
  std::vector<std::string> orgs;
};

}  // namespace

Roster parseBundle(const Files& files) {
  Roster out;
  auto fail = [&](std::string message) {
    out.error = std::move(message);
    return out;
  };
  const auto file = [&](const std::string& name) -> const std::string* {
    auto it = files.find(name);
    return it == files.end() ? nullptr : &it->second;
  };

  const std::string* manifest_text = file("manifest.csv");
  if (!manifest_text) return fail("manifest.csv is missing: not a OneRoster CSV bundle");
  std::map<std::string, std::string> manifest;
  {
    auto t = readTable("manifest.csv", *manifest_text, out.error);
    if (!t) return out;
    const int key = t->column("propertyName"), value = t->column("value");
    if (key < 0 || value < 0) return fail("manifest.csv needs the columns propertyName and value");
    for (const Row& r : t->rows) manifest[std::string(trimBlanks(Table::cell(r, key)))] = lowerAscii(trimBlanks(Table::cell(r, value)));
  }
  out.version = manifest.contains("oneroster.version") ? manifest["oneroster.version"] : "";
  const auto mode = [&](const std::string& name) {
    auto it = manifest.find("file." + name);
    return it == manifest.end() ? std::string() : it->second;
  };
  const std::string users_mode = mode("users");
  if (users_mode == "absent") {
    out.no_changes = true;
    return out;
  }
  if (!users_mode.empty() && users_mode != "bulk" && users_mode != "delta")
    return fail("manifest.csv: file.users is \"" + users_mode + "\" (expected bulk, delta or absent)");
  const std::string* users_text = file("users.csv");
  if (!users_text)
    return fail("users.csv is missing from the bundle" +
                std::string(users_mode.empty() ? "" : " (the manifest lists it as " + users_mode + ")"));
  // Without a file.users entry the file is read as what a bundle file normally is: the whole set.
  out.complete = users_mode != "delta";

  auto users = readTable("users.csv", *users_text, out.error);
  if (!users) return out;
  const int c_id = users->column("sourcedId"), c_status = users->column("status"),
            c_enabled = users->column("enabledUser"), c_role = users->column("role"),
            c_orgs = users->column("orgSourcedIds"), c_primary_org = users->column("primaryOrgSourcedId"),
            c_given = users->column("givenName"), c_family = users->column("familyName"),
            c_pgiven = users->column("preferredGivenName"), c_pfamily = users->column("preferredFamilyName"),
            c_email = users->column("email"), c_agents = users->column("agentSourcedIds"),
            c_grades = users->column("grades"), c_username = users->column("username");
  if (c_id < 0) return fail("users.csv has no sourcedId column");
  if (c_given < 0 && c_family < 0) return fail("users.csv has neither givenName nor familyName");

  std::unordered_map<std::string, RoleOf> roles;
  if (c_role < 0) {
    const std::string* roles_text = file("roles.csv");
    if (!roles_text)
      return fail("users.csv has no role column (OneRoster 1.2) and roles.csv is missing from the bundle");
    auto t = readTable("roles.csv", *roles_text, out.error);
    if (!t) return out;
    if (t->column("userSourcedId") < 0 || t->column("role") < 0)
      return fail("roles.csv needs the columns userSourcedId and role");
    roles = readRoles(*t);
  }

  std::unordered_map<std::string, Org> orgs;
  if (const std::string* orgs_text = file("orgs.csv")) {
    auto t = readTable("orgs.csv", *orgs_text, out.error);
    if (!t) return out;
    const int id = t->column("sourcedId"), name = t->column("name"), type = t->column("type");
    if (id < 0 || name < 0) return fail("orgs.csv needs the columns sourcedId and name");
    for (const Row& r : t->rows)
      orgs[Table::cell(r, id)] = {std::string(trimBlanks(Table::cell(r, name))), lowerAscii(Table::cell(r, type)) == "school"};
  } else if (const std::string m = mode("orgs"); m == "bulk" || m == "delta") {
    return fail("orgs.csv is missing from the bundle (the manifest lists it as " + m + ")");
  }

  std::vector<User> people;
  std::unordered_map<std::string, std::size_t> first_line;
  Households households;
  std::vector<std::string> guardians;
  bool links = false;
  for (const Row& row : users->rows) {
    User u;
    u.row = &row;
    u.id = std::string(trimBlanks(Table::cell(row, c_id)));
    if (u.id.empty()) {
      out.skipped.emplace_back(users->origin(row), "sourcedId is empty");
      continue;
    }
    if (auto [it, fresh] = first_line.try_emplace(u.id, row.line); !fresh) {
      out.skipped.emplace_back(users->origin(row), "sourcedId " + u.id + " appears again (first on line " +
                                                       std::to_string(it->second) + ")");
      continue;
    }
    if (c_role >= 0) {
      u.role = std::string(trimBlanks(Table::cell(row, c_role)));
      u.orgs = splitList(Table::cell(row, c_orgs));
    } else if (auto it = roles.find(u.id); it != roles.end()) {
      u.role = it->second.role;
      if (!it->second.org.empty()) u.orgs.push_back(it->second.org);
    }
    if (const std::string& p = Table::cell(row, c_primary_org); !p.empty()) u.orgs.insert(u.orgs.begin(), std::string(trimBlanks(p)));
    u.kind = kindOf(u.role);
    for (const std::string& agent : splitList(Table::cell(row, c_agents))) {
      households.link(u.id, agent);
      links = true;
    }
    if (u.kind == Kind::guardian) {
      guardians.push_back(u.id);
      continue;
    }
    if (u.kind == Kind::other) {
      out.skipped.emplace_back(users->origin(row), u.role.empty() ? "the user has no role"
                                                                  : "role \"" + u.role +
                                                                        "\" is neither a student nor staff role");
      continue;
    }
    people.push_back(std::move(u));
  }

  // Each household is named by its guardian with the smallest sourcedId, so the name stays put as long
  // as that guardian does.
  std::unordered_map<std::size_t, std::string> household_of;
  for (const std::string& g : guardians) {
    auto [it, fresh] = household_of.try_emplace(households.root(g), g);
    if (!fresh && g < it->second) it->second = g;
  }

  for (const User& u : people) {
    const Row& row = *u.row;
    api::PersonObservation p;
    p.external_id = u.id;
    p.origin = users->origin(row);
    const auto pick = [&](int preferred, int plain) {
      std::string v = std::string(trimBlanks(Table::cell(row, preferred)));
      return v.empty() ? std::string(trimBlanks(Table::cell(row, plain))) : v;
    };
    std::string name = pick(c_pgiven, c_given);
    const std::string family = pick(c_pfamily, c_family);
    if (!family.empty()) name += (name.empty() ? "" : " ") + family;
    if (name.empty()) name = std::string(trimBlanks(Table::cell(row, c_username)));
    if (name.empty()) {
      out.skipped.emplace_back(p.origin, "the user has no name");
      continue;
    }
    p.fields["name"] = std::move(name);
    p.fields["role"] = u.kind == Kind::student ? "student" : "staff";
    if (c_email >= 0) p.fields["email"] = std::string(trimBlanks(Table::cell(row, c_email)));
    if (c_grades >= 0) {
      const auto grades = splitList(Table::cell(row, c_grades));
      p.fields["grade"] = grades.empty() ? "" : grades.front();
    }
    // The school: the first of the user's orgs that is a school, else the first one orgs.csv names.
    const Org* where = nullptr;
    for (const std::string& id : u.orgs) {
      auto it = orgs.find(id);
      if (it == orgs.end()) continue;
      if (it->second.school) {
        where = &it->second;
        break;
      }
      if (!where) where = &it->second;
    }
    if (where) p.fields["location"] = where->name;
    if (links) {
      auto h = household_of.find(households.root(u.id));
      p.fields["household"] = h == household_of.end() ? "" : h->second;
    }
    p.active = lowerAscii(trimBlanks(Table::cell(row, c_status))) != "tobedeleted" &&
               lowerAscii(trimBlanks(Table::cell(row, c_enabled))) != "false";
    out.people.push_back(std::move(p));
  }
  if (out.complete && out.people.empty())
    return fail("users.csv lists no students or staff: refusing to treat everyone as having left");
  return out;
}

}  // namespace fk::oneroster
