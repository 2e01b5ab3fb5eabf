#include "dhcp_leases/read_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace fk::dhcp_leases {
namespace {

std::string fingerprintOf(const struct stat& st) {
  return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) +
         ":" + std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
}

// One read of the whole file with its fingerprint before and after, and at the path afterwards.
struct Read {
  std::string text;
  std::string before, after, at_path;
};

std::expected<Read, std::string> readOnce(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::unexpected("cannot read " + path.string() + ": " + std::strerror(errno));
  Read r;
  struct stat st {};
  int error = 0;
  if (::fstat(fd, &st) != 0) error = errno;
  r.before = fingerprintOf(st);
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
  ::close(fd);
  if (error != 0) return std::unexpected("error reading " + path.string() + ": " + std::strerror(error));
  if (::stat(path.c_str(), &st) == 0) r.at_path = fingerprintOf(st);
  return r;
}

}  // namespace

// File timestamps are only as fine as the kernel's clock tick, so a rewrite in place (dnsmasq truncates
// and rewrites its file) can leave size and mtime as they were. Two identical reads with one unchanged
// fingerprint throughout is what counts as a consistent copy.
std::expected<FileSnapshot, std::string> readStable(const std::filesystem::path& path, int attempts) {
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10 * attempt));
    auto first = readOnce(path);
    if (!first) return std::unexpected(first.error());
    auto second = readOnce(path);
    if (!second) return std::unexpected(second.error());
    const bool same = first->before == first->after && first->after == first->at_path &&
                      first->at_path == second->before && second->before == second->after &&
                      second->after == second->at_path && first->text == second->text;
    if (same) return FileSnapshot{std::move(second->text), second->after};
  }
  return std::unexpected(path.string() + " kept changing while it was read");
}

}  // namespace fk::dhcp_leases
