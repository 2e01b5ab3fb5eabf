#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace fk {

using SysTime = std::chrono::system_clock::time_point;

// A session lives while it has been used within `idle` and is younger than `max`, whichever ends first.
struct SessionLimits {
  std::chrono::seconds idle{8 * 3600};
  std::chrono::seconds max{7 * 86400};
};
bool sessionAlive(std::int64_t created_epoch, std::int64_t last_seen_epoch, SysTime now, const SessionLimits& limits);

// Password guessing brake: after `max_failures` failed sign-ins for one name, or from one client
// address, within `window`, further attempts for it are refused until the oldest failure leaves the
// window. Counted in memory: a restart forgets, which costs an attacker a restart they cannot cause.
// Thread-safe.
class LoginThrottle {
 public:
  explicit LoginThrottle(int max_failures = 5, std::chrono::seconds window = std::chrono::minutes(15))
      : max_failures_(max_failures), window_(window) {}

  // How long to wait before trying again, when blocked.
  std::optional<std::chrono::seconds> blocked(const std::string& name, const std::string& address, SysTime now);
  void failed(const std::string& name, const std::string& address, SysTime now);
  // A success clears the name's failures (not the address's: one good password from an address
  // guessing others must not reset its count).
  void succeeded(const std::string& name);

 private:
  struct Failures {
    std::vector<SysTime> at;  // oldest first, at most max_failures_
  };
  std::optional<std::chrono::seconds> wait(Failures& f, SysTime now);
  void note(std::map<std::string, Failures>& m, const std::string& key, SysTime now);
  void prune(SysTime now);

  int max_failures_;
  std::chrono::seconds window_;
  std::mutex mutex_;
  std::map<std::string, Failures> names_;
  std::map<std::string, Failures> addresses_;
  SysTime last_prune_{};
};

}  // namespace fk
