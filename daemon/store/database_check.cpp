#include "store/database_check.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <string>

namespace fk {

namespace {

constexpr const char* kRemedy =
    "; restarting will not help: move it aside and restore the last backup (`fleetkeepd backup`), "
    "see docs/reliability.md";

Error damaged(const std::filesystem::path& file, const std::string& what) {
  return {Errc::storage_fault, "database " + file.string() + " is damaged: " + what + kRemedy,
          nlohmann::json::object()};
}

}  // namespace

Status checkDatabaseFile(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return {};
  try {
    // Read-write, not create: recovering the WAL a killed daemon left is part of opening it.
    SQLite::Database db(file, SQLite::OPEN_READWRITE);
    SQLite::Statement check(db, "PRAGMA quick_check(5)");
    std::string found;
    while (check.executeStep()) {
      std::string line = check.getColumn(0).getString();
      if (line == "ok") return {};
      found += (found.empty() ? "" : "; ") + line;
    }
    return std::unexpected(damaged(file, found.empty() ? "quick_check gave no answer" : found));
  } catch (const SQLite::Exception& e) {
    switch (e.getErrorCode() & 0xff) {
      case SQLITE_NOTADB: return std::unexpected(damaged(file, "it is not a SQLite database (bad header)"));
      case SQLITE_CORRUPT: return std::unexpected(damaged(file, e.what()));
      default:
        // Permissions, a missing directory, a passing I/O fault: not known damage, so the ordinary
        // failure (a restart may find it fixed).
        return std::unexpected(Error::internal("database " + file.string() + " cannot be read: " + e.what()));
    }
  }
}

}  // namespace fk
