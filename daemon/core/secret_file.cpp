#include "core/secret_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>

namespace fk {
namespace {

void wipe(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
  s.clear();
}

// True the first time `file` is named: a shared file is warned about once per process.
bool firstWarningFor(const std::filesystem::path& file) {
  static std::mutex mutex;
  static std::set<std::filesystem::path> warned;
  std::lock_guard lock(mutex);
  return warned.insert(file).second;
}

Error unreadable(std::string_view what, const std::filesystem::path& file, const std::string& why) {
  return Error::invalid(std::string(what), std::string(what) + " " + file.string() + ": " + why);
}

}  // namespace

SecretText::SecretText(SecretText&& o) noexcept
    : text(std::move(o.text)), source(std::move(o.source)), shared(o.shared), warning(std::move(o.warning)) {
  wipe(o.text);
}

SecretText& SecretText::operator=(SecretText&& o) noexcept {
  if (this != &o) {
    wipe(text);
    text = std::move(o.text);
    wipe(o.text);
    source = std::move(o.source);
    shared = o.shared;
    warning = std::move(o.warning);
  }
  return *this;
}

SecretText::~SecretText() { wipe(text); }

std::filesystem::path secretSource(const std::filesystem::path& configured) {
  const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
  if (dir == nullptr || *dir == '\0' || !configured.has_filename()) return configured;
  std::filesystem::path credential = std::filesystem::path(dir) / configured.filename();
  std::error_code ec;
  return std::filesystem::is_regular_file(credential, ec) ? credential : configured;
}

Result<SecretText> readSecretFile(const std::filesystem::path& file, std::string_view what) {
  SecretText out;
  out.source = secretSource(file);
  const int fd = ::open(out.source.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return std::unexpected(unreadable(what, out.source, std::string("cannot read (") + std::strerror(errno) + ")"));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) return std::unexpected(unreadable(what, out.source, std::strerror(errno)));
  if (!S_ISREG(st.st_mode)) return std::unexpected(unreadable(what, out.source, "is not a regular file"));
  const auto too_large = [&] {
    return unreadable(what, out.source,
                      "is larger than " + std::to_string(kMaxSecretFileBytes / 1024) + " KiB, too large for a secret");
  };
  if (static_cast<std::uintmax_t>(st.st_size) > kMaxSecretFileBytes) return std::unexpected(too_large());
  out.shared = (st.st_mode & 077) != 0;
  if (out.shared && firstWarningFor(out.source)) {
    out.warning = std::string(what) + " " + out.source.string() +
                  " can be read or changed by group or others; chmod 600 it (or use LoadCredential=)";
  }
  // Read to the end rather than trusting st_size: the file may change while it is read. One byte
  // over the cap is enough to know it is too large.
  out.text.resize(kMaxSecretFileBytes + 1);
  std::size_t got = 0;
  while (got < out.text.size()) {
    const ssize_t n = ::read(fd, out.text.data() + got, out.text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::unexpected(unreadable(what, out.source, std::string("cannot read (") + std::strerror(errno) + ")"));
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got > kMaxSecretFileBytes) return std::unexpected(too_large());
  // Shrinking keeps the buffer, so the bytes past `got` (zeros) need no wipe.
  out.text.resize(got);
  while (!out.text.empty() && (out.text.back() == '\n' || out.text.back() == '\r')) out.text.pop_back();
  if (out.text.empty()) return std::unexpected(unreadable(what, out.source, "is empty"));
  return out;
}

}  // namespace fk
