#include "core/session_rules.hpp"

#include <algorithm>

namespace fk {

bool sessionAlive(std::int64_t created_epoch, std::int64_t last_seen_epoch, SysTime now, const SessionLimits& limits) {
  const std::int64_t t = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  return t - last_seen_epoch < limits.idle.count() && t - created_epoch < limits.max.count();
}

std::optional<std::chrono::seconds> LoginThrottle::wait(Failures& f, SysTime now) {
  std::erase_if(f.at, [&](SysTime t) { return now - t >= window_; });
  if (static_cast<int>(f.at.size()) < max_failures_) return std::nullopt;
  auto left = std::chrono::ceil<std::chrono::seconds>(f.at.front() + window_ - now);
  return std::max(left, std::chrono::seconds(1));
}

std::optional<std::chrono::seconds> LoginThrottle::blocked(const std::string& name, const std::string& address,
                                                           SysTime now) {
  std::lock_guard lock(mutex_);
  std::optional<std::chrono::seconds> longest;
  for (auto* m : {&names_, &addresses_}) {
    auto it = m->find(m == &names_ ? name : address);
    if (it == m->end()) continue;
    if (auto w = wait(it->second, now); w && (!longest || *w > *longest)) longest = w;
  }
  return longest;
}

void LoginThrottle::note(std::map<std::string, Failures>& m, const std::string& key, SysTime now) {
  auto& f = m[key];
  std::erase_if(f.at, [&](SysTime t) { return now - t >= window_; });
  f.at.push_back(now);
  if (static_cast<int>(f.at.size()) > max_failures_) f.at.erase(f.at.begin());
}

void LoginThrottle::failed(const std::string& name, const std::string& address, SysTime now) {
  std::lock_guard lock(mutex_);
  prune(now);
  note(names_, name, now);
  note(addresses_, address, now);
}

void LoginThrottle::succeeded(const std::string& name) {
  std::lock_guard lock(mutex_);
  names_.erase(name);
}

// Names are chosen by whoever calls: without pruning, guesses at random names would grow the map forever.
void LoginThrottle::prune(SysTime now) {
  if (now - last_prune_ < window_) return;
  last_prune_ = now;
  for (auto* m : {&names_, &addresses_}) {
    for (auto it = m->begin(); it != m->end();) {
      std::erase_if(it->second.at, [&](SysTime t) { return now - t >= window_; });
      it = it->second.at.empty() ? m->erase(it) : std::next(it);
    }
  }
}

}  // namespace fk
