#pragma once

#include <memory>

#include "api/source.hpp"

namespace fk::plugins {

// plugin: network_neighbors — the kernel neighbour table (/proc/net/arp, or netlink with `netlink: true`).
std::unique_ptr<api::SourceFactory> makeNetworkNeighborsFactory();

}  // namespace fk::plugins
