#include "store/storage_fault.hpp"

#include <SQLiteCpp/Exception.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

namespace fk {

Error storageError(const std::exception& e) {
  const auto* sq = dynamic_cast<const SQLite::Exception*>(&e);
  // The primary code: SQLITE_IOERR_WRITE, _FSYNC, _SHMSIZE ... are all the disk failing under us.
  const int code = sq ? (sq->getErrorCode() & 0xff) : SQLITE_OK;
  switch (code) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      // Another writer (a long import) held the lock for the whole busy timeout: worth a retry.
      return Error::busy();
    case SQLITE_FULL:
      spdlog::error("database: the disk is full: {}", e.what());
      return {Errc::storage_full,
              "the server's disk is full: nothing of this request was saved; free space and try again",
              nlohmann::json::object()};
    case SQLITE_IOERR:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_CANTOPEN:
      spdlog::error("database: storage fault: {} (extended code {})", e.what(), sq->getExtendedErrorCode());
      return {Errc::storage_fault,
              "the server could not read or write its database: nothing of this request was saved; "
              "the server's log says why",
              nlohmann::json::object()};
    default:
      return Error::internal(std::string("database: ") + e.what());
  }
}

}  // namespace fk
