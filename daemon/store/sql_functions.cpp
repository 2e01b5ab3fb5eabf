#include "store/sql_functions.hpp"

#include <sqlite3.h>

#include <string_view>

#include "core/audit.hpp"
#include "core/collection.hpp"

namespace fk {
namespace {

std::string_view textArg(sqlite3_value* v) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(v));
  if (p == nullptr) return {};
  return {p, static_cast<std::size_t>(sqlite3_value_bytes(v))};
}

void locationWithinFn(sqlite3_context* ctx, int, sqlite3_value** argv) {
  sqlite3_result_int(ctx, locationWithin(textArg(argv[0]), textArg(argv[1])) ? 1 : 0);
}

void inScopeFn(sqlite3_context* ctx, int, sqlite3_value** argv) {
  CollectionScope scope{std::string(textArg(argv[3])), splitList(textArg(argv[4])), splitList(textArg(argv[5]))};
  sqlite3_result_int(ctx, inScope(scope, textArg(argv[0]), textArg(argv[1]), textArg(argv[2])) ? 1 : 0);
}

void add(SQLite::Database& db, const char* name, int args, void (*fn)(sqlite3_context*, int, sqlite3_value**)) {
  const int rc = sqlite3_create_function_v2(db.getHandle(), name, args,
                                            SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr, fn,
                                            nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) throw SQLite::Exception(db.getHandle(), rc);
}

}  // namespace

void registerSqlFunctions(SQLite::Database& db) {
  add(db, "fk_location_within", 2, locationWithinFn);
  add(db, "fk_in_scope", 6, inScopeFn);
}

}  // namespace fk
