#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "store/database.hpp"

namespace fk {

// A MAC seen on the network that matches no device (v5 unknown_macs).
struct UnknownMac {
  std::string mac;
  std::string first_seen;
  std::string last_seen;
  std::string source;
  std::string ip;
  std::string interface;
  std::string hostname;
};

struct UnknownMacPage {
  std::vector<UnknownMac> items;
  std::optional<std::string> next_after;  // the last MAC of this page, when more may follow
  std::int64_t total = 0;                 // rows matching, all pages
};

class NetworkStore {
 public:
  explicit NetworkStore(Database& db) : db_(db) {}
  // Unknown MACs last seen at or after `seen_after` (RFC 3339), in MAC order after `after_mac`.
  Result<UnknownMacPage> unknownMacs(const std::string& seen_after, const std::string& after_mac, int limit);

 private:
  Database& db_;
};

}  // namespace fk
