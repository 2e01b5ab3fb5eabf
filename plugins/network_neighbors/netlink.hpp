#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <vector>

#include "api/source.hpp"

namespace fk::network_neighbors {

// Asks the kernel for its whole neighbour table (RTM_GETNEIGH dump over NETLINK_ROUTE, IPv4 and IPv6)
// and returns the raw reply for parseNeighbourDump(). Gives up at `deadline`.
std::expected<std::vector<std::uint8_t>, std::string> dumpNeighbourTable(api::TimePoint deadline);

}  // namespace fk::network_neighbors
