// What the one-shot admin commands need of the database beside a running daemon: opening without
// migrating, and a backup that is never partial and never readable by others.

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <SQLiteCpp/Backup.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "store/database.hpp"
#include "store/sql_functions.hpp"

namespace fk {

Result<std::unique_ptr<Database>> Database::openExisting(const std::filesystem::path& file, SchemaNeed need) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    return std::unexpected(Error::notFound("no database at " + file.string() +
                                           " (fleetkeepd creates it on its first start)"));
  }
  std::unique_ptr<Database> self(new Database(file));
  try {
    // No OPEN_CREATE and no PRAGMA that writes (page_size, journal_mode): the file stays as it is.
    auto db = std::make_unique<SQLite::Database>(file, SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX,
                                                 kBusyTimeoutMs);
    db->exec("PRAGMA foreign_keys = ON");
    registerSqlFunctions(*db);
    const int version = db->execAndGet("PRAGMA user_version").getInt();
    const int latest = latestSchemaVersion();
    if (version > latest) {
      return std::unexpected(Error::conflict(
          "database " + file.string() + " has schema version " + std::to_string(version) +
              ", newer than this fleetkeepd knows (" + std::to_string(latest) +
              "); run the fleetkeepd that wrote it",
          {{"schema_version", version}, {"latest", latest}}));
    }
    if (need == SchemaNeed::latest && version < latest) {
      return std::unexpected(Error::conflict(
          "database " + file.string() + " has schema version " + std::to_string(version) +
              " and this fleetkeepd needs " + std::to_string(latest) +
              "; admin commands never migrate a live database: restart the fleetkeepd service "
              "(it migrates on start), then run this again",
          {{"schema_version", version}, {"latest", latest}}));
    }
    self->all_.push_back(std::move(db));
  } catch (const std::exception& e) {
    return std::unexpected(Error::internal("database " + file.string() + ": " + e.what()));
  }
  for (auto& c : self->all_) self->free_.push_back(c.get());
  return self;
}

namespace {

// mkstemp: O_CREAT | O_EXCL and mode 0600, so the copy is never written through a file or link
// someone else prepared, nor readable by others while it is being written.
Result<std::string> createTemp(const std::filesystem::path& dest, int& fd) {
  std::string name = dest.string() + ".partial-XXXXXX";
  fd = ::mkstemp(name.data());
  if (fd < 0) {
    return std::unexpected(Error::internal("backup: cannot create a temp file beside " + dest.string() + ": " +
                                           std::strerror(errno)));
  }
  ::fchmod(fd, S_IRUSR | S_IWUSR);  // mkstemp's mode already; said again so the umask cannot matter
  return name;
}

Status syncPath(const std::filesystem::path& path, int flags, const char* what) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const std::string why = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return std::unexpected(Error::internal(std::string("backup: cannot sync ") + what + " " + path.string() + ": " + why));
  }
  ::close(fd);
  return {};
}

// Moves the finished copy to `dest` unless something appeared there meanwhile: RENAME_NOREPLACE, or
// link + unlink on a file system without it. Either way an existing file is never replaced.
Status moveIntoPlace(const std::string& tmp, const std::filesystem::path& dest) {
  if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, dest.c_str(), RENAME_NOREPLACE) == 0) return {};
  if (errno == EINVAL || errno == ENOSYS) {
    if (::link(tmp.c_str(), dest.c_str()) == 0) {
      ::unlink(tmp.c_str());
      return {};
    }
  }
  if (errno == EEXIST) {
    return std::unexpected(Error::conflict("backup destination " + dest.string() + " already exists",
                                           {{"path", dest.string()}}));
  }
  return std::unexpected(Error::internal("backup: cannot move the copy to " + dest.string() + ": " +
                                         std::strerror(errno)));
}

}  // namespace

Status Database::backup(const std::filesystem::path& dest) {
  std::error_code ec;
  if (std::filesystem::exists(dest, ec) || std::filesystem::is_symlink(dest, ec)) {
    return std::unexpected(Error::conflict("backup destination " + dest.string() + " already exists",
                                           {{"path", dest.string()}}));
  }
  int fd = -1;
  auto tmp = createTemp(dest, fd);
  if (!tmp) return std::unexpected(tmp.error());
  ::close(fd);  // an empty file is an empty database to SQLite
  const auto removeTemp = [&] {
    std::filesystem::remove(*tmp, ec);
    std::filesystem::remove(*tmp + "-journal", ec);
  };
  Status copied = with([&](SQLite::Database& src) -> Status {
    try {
      SQLite::Database out(*tmp, SQLite::OPEN_READWRITE);
      SQLite::Backup copy(out, src);
      // One step copies every page under a single read transaction, so the copy is one snapshot
      // even while other connections keep writing.
      if (copy.executeStep(-1) != SQLITE_DONE) {
        return std::unexpected(Error::internal("backup to " + dest.string() + " did not complete"));
      }
      return {};
    } catch (const std::exception& e) {
      return std::unexpected(Error::internal("backup to " + dest.string() + ": " + e.what()));
    }
  });
  Status done = copied ? syncPath(*tmp, O_RDONLY, "the copy") : copied;
  if (done) done = moveIntoPlace(*tmp, dest);
  if (!done) {
    removeTemp();
    return done;
  }
  // The rename is durable only once the folder's entry is on disk too.
  const auto folder = dest.has_parent_path() ? dest.parent_path() : std::filesystem::path(".");
  return syncPath(folder, O_RDONLY | O_DIRECTORY, "the folder");
}

}  // namespace fk
