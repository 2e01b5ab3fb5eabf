#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/scope.hpp"

namespace fk::scope_sql {

// The scope's parameter number. Far above the ?1..?N the queries number themselves: a named parameter
// would take the next free number, which collides with a ?N that appears later in the text.
inline constexpr int kScopeParam = 250;

// An SQL condition, true when `column` lies under one of the prefixes bound to ?250 (a JSON array),
// with the boundary rule of core/scope.hpp. Add it only for a scoped caller, and bind with bind().
std::string condition(std::string_view column);
void bind(SQLite::Statement& st, const Scope& scope);

// " AND <condition>" for a scoped caller, "" for the whole district.
inline std::string andWithin(const Scope& scope, std::string_view column) {
  return scope.districtWide() ? std::string() : " AND " + condition(column);
}
inline void bindIfScoped(SQLite::Statement& st, const Scope& scope) {
  if (!scope.districtWide()) bind(st, scope);
}

// Whether device `id` lies in the scope (asked inside the caller's transaction).
bool deviceWithin(SQLite::Database& db, std::int64_t id, const Scope& scope);
// Whether person `id` (people.id) lies in the scope.
bool personWithin(SQLite::Database& db, std::int64_t id, const Scope& scope);

// The refusal for a write that would put a device or person outside the caller's scope.
Error outsideScope(std::string_view what, std::string_view location);

}  // namespace fk::scope_sql
