#pragma once

#include <string>
#include <vector>

#include "api/source.hpp"
#include "core/error.hpp"
#include "core/write_back.hpp"
#include "store/database.hpp"

namespace fk {

// What write-back plans from and what it records (the planner itself is core/write_back).
class WriteBackStore {
 public:
  explicit WriteBackStore(Database& db) : db_(db) {}

  // Every device the source listed in its latest listing (device_seen.in_last_poll) under a source id,
  // with the registry's values beside the source's. What write-back sent since the source's last
  // successful poll counts as the source's value until the next listing replaces it.
  Result<std::vector<write_back::DeviceState>> devices(const std::string& source);

  // Changes the source accepted, in one transaction: an event on each device (actor
  // "source:NAME write-back", action "write-back", ["NAME.field", old, new], the reason), what was sent, and
  // which devices fleetkeep has disabled.
  Status recordApplied(const std::string& source, const std::vector<write_back::Change>& applied,
                       api::TimePoint at);

 private:
  Database& db_;
};

// The extra key (api/write_back.hpp) a change writes, and the value the source shows once it took.
std::string_view remoteKeyOf(api::WriteBackAction action);
std::string remoteValueAfter(const api::WriteBackChange& change);

}  // namespace fk
