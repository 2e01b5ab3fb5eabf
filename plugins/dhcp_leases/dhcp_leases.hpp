#pragma once

#include <memory>

#include "api/source.hpp"

namespace fk::plugins {

// plugin: dhcp_leases — a DHCP server's lease file (dnsmasq, ISC dhcpd, Kea memfile).
std::unique_ptr<api::SourceFactory> makeDhcpLeasesFactory();

}  // namespace fk::plugins
