#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>

namespace fk {

// Credentials already checked against the database, valid only while the database has not changed.
// Every lookup passes Database::dataVersion(); a different version than the entries were stored under
// empties the cache first. Any commit (a revoked token, a disabled user, a changed password, a
// logout, by this process or another) therefore sends the next request back to SQLite, so revocation
// still takes effect on the very next request. An entry is stored under the version read *before* its
// database lookup: if a commit lands in between, the entry is already stale and is dropped.
template <class Key, class Value>
class CredentialCache {
 public:
  std::optional<Value> find(const Key& key, std::int64_t version) {
    std::lock_guard lock(mutex_);
    sync(version);
    auto it = entries_.find(key);
    if (it == entries_.end()) return std::nullopt;
    return it->second;
  }

  void store(const Key& key, Value value, std::int64_t version) {
    std::lock_guard lock(mutex_);
    // Another lookup has already seen a different version: this entry is from before it, or the cache
    // will be emptied at the next lookup anyway.
    if (valid_ && version != version_) return;
    version_ = version;
    valid_ = true;
    // Only credentials that passed the database check get here, so the size is bounded by the live
    // tokens and sessions; the cap only guards against a flood of sign-ins between two commits.
    if (entries_.size() >= kMaxEntries) entries_.clear();
    entries_.insert_or_assign(key, std::move(value));
  }

 private:
  static constexpr std::size_t kMaxEntries = 10000;

  void sync(std::int64_t version) {
    if (valid_ && version == version_) return;
    entries_.clear();
    version_ = version;
    valid_ = true;
  }

  std::mutex mutex_;
  std::unordered_map<Key, Value> entries_;
  std::int64_t version_ = 0;
  bool valid_ = false;
};

}  // namespace fk
