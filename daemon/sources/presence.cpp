#include "sources/presence.hpp"

namespace fk {

// PLACEHOLDER: network presence is recorded by the network-sources work (issue 5).
Status recordPresence(SQLite::Database&, const std::string&, const std::vector<api::Observation>&, api::TimePoint) {
  return {};
}

}  // namespace fk
