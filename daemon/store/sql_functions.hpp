#pragma once

// Domain rules from core made callable in SQL, registered on every pooled connection, so a query can
// filter by them without copying the rule: fk_location_within(location, prefix) (core/audit.hpp) and
// fk_in_scope(person_location, grade, role, scope_location, scope_grades, scope_roles)
// (core/collection.hpp, lists comma-joined). NULL arguments read as "".

#include <SQLiteCpp/SQLiteCpp.h>

namespace fk {

void registerSqlFunctions(SQLite::Database& db);

}  // namespace fk
