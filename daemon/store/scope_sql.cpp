#include "store/scope_sql.hpp"

namespace fk::scope_sql {

std::string condition(std::string_view column) {
  const std::string c(column);
  // substr/length count characters, like core's starts_with on the same UTF-8 text for these
  // comparisons: both sides are compared whole, never cut inside a character.
  return "EXISTS (SELECT 1 FROM json_each(?" + std::to_string(kScopeParam) + ") s WHERE " + c + " = s.value OR substr(" + c +
         ", 1, length(s.value) + 1) = s.value || '/' OR substr(" + c + ", 1, length(s.value) + 2) = s.value || ' /')";
}

void bind(SQLite::Statement& st, const Scope& scope) { st.bind(kScopeParam, scopeToJson(scope)); }

bool deviceWithin(SQLite::Database& db, std::int64_t id, const Scope& scope) {
  if (scope.districtWide()) return true;
  SQLite::Statement st(db, "SELECT 1 FROM devices WHERE id = ?1 AND " + condition("location"));
  st.bind(1, id);
  bind(st, scope);
  return st.executeStep();
}

bool personWithin(SQLite::Database& db, std::int64_t id, const Scope& scope) {
  if (scope.districtWide()) return true;
  SQLite::Statement st(db, "SELECT 1 FROM people WHERE id = ?1 AND " + condition("location"));
  st.bind(1, id);
  bind(st, scope);
  return st.executeStep();
}

Error outsideScope(std::string_view what, std::string_view location) {
  return Error{Errc::forbidden,
               std::string(what) + " location \"" + std::string(location) + "\" is outside your scope",
               {{"field", "location"}}};
}

}  // namespace fk::scope_sql
