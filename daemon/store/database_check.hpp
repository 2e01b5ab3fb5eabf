#pragma once

#include <filesystem>

#include "core/error.hpp"

namespace fk {

// Checks an existing database file before the daemon migrates or serves it: SQLite's quick_check
// (every page's structure, without the cross-index comparison of integrity_check) on a connection of
// its own. A file that is not a database or is damaged is Errc::storage_fault, with a message that
// names the file, says what SQLite found and what to do. A missing file passes: open creates it.
Status checkDatabaseFile(const std::filesystem::path& file);

}  // namespace fk
