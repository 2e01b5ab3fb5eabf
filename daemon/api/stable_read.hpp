#pragma once

/// @file
/// A consistent copy of a file another program rewrites (a DHCP server's lease file, an inventory CSV a
/// nightly job exports): a file caught mid-rewrite is read again, never taken as a complete listing.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <expected>
#include <filesystem>
#include <string>
#include <thread>

namespace fk::api {

/// A file as one consistent read saw it.
struct FileSnapshot {
  std::string text;
  /// Device, inode, size and modification time: changes whenever the file does.
  std::string fingerprint;
  /// The file's modification time, in nanoseconds since 1970.
  std::int64_t mtime_ns = 0;
};

namespace detail {

inline std::string fingerprintOf(const struct stat& st) {
  return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) +
         ":" + std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
}

// One read of the whole file with its fingerprint before and after, and at the path afterwards.
struct OneRead {
  std::string text;
  std::string before, after, at_path;
  std::int64_t mtime_ns = 0;
};

inline std::expected<OneRead, std::string> readOnce(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::unexpected("cannot read " + path.string() + ": " + std::strerror(errno));
  OneRead r;
  struct stat st {};
  int error = 0;
  if (::fstat(fd, &st) != 0) error = errno;
  r.before = fingerprintOf(st);
  if (error == 0 && !S_ISREG(st.st_mode)) {
    ::close(fd);
    return std::unexpected(path.string() + " is not a regular file");
  }
  char buffer[64 * 1024];
  while (error == 0) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) error = errno;
    if (n <= 0) break;
    r.text.append(buffer, static_cast<std::size_t>(n));
  }
  if (error == 0 && ::fstat(fd, &st) != 0) error = errno;
  r.after = fingerprintOf(st);
  r.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  ::close(fd);
  if (error != 0) return std::unexpected("error reading " + path.string() + ": " + std::strerror(error));
  if (::stat(path.c_str(), &st) == 0) r.at_path = fingerprintOf(st);
  return r;
}

}  // namespace detail

/// Reads the whole file twice and keeps it only when both reads agree and its fingerprint (same inode at
/// the path, same size and mtime) held still throughout; otherwise tries again, up to `attempts` times,
/// and then fails ("... kept changing while it was read").
///
/// File timestamps are only as fine as the kernel's clock tick, so a rewrite in place (dnsmasq truncates
/// and rewrites its file) can leave size and mtime as they were: hence two reads compared, not one.
inline std::expected<FileSnapshot, std::string> readStable(const std::filesystem::path& path,
                                                           int attempts = 5) {
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10 * attempt));
    auto first = detail::readOnce(path);
    if (!first) return std::unexpected(first.error());
    auto second = detail::readOnce(path);
    if (!second) return std::unexpected(second.error());
    const bool same = first->before == first->after && first->after == first->at_path &&
                      first->at_path == second->before && second->before == second->after &&
                      second->after == second->at_path && first->text == second->text;
    if (same) return FileSnapshot{std::move(second->text), second->after, second->mtime_ns};
  }
  return std::unexpected(path.string() + " kept changing while it was read");
}

}  // namespace fk::api
