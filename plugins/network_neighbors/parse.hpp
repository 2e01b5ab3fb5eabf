#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fk::network_neighbors {

// One neighbour-table entry that names a usable link-layer address.
struct Neighbour {
  std::string ip;
  std::string mac;        // as the kernel spells it: lower-case aa:bb:cc:dd:ee:ff
  std::string interface;  // "" when unknown
  std::string state;      // reachable, stale, delay, probe, permanent, complete (ARP has no reachability)
};

// A line or message that could not be read, reported to the sink as skipped.
struct Problem {
  std::string origin;
  std::string reason;
};

struct Parsed {
  std::vector<Neighbour> neighbours;
  std::vector<Problem> skipped;
};

// /proc/net/arp: a header row, then "IP HWtype Flags HWaddress Mask Device". Incomplete entries
// (flags 0x0, MAC all zeros) are not devices and are left out without a complaint.
Parsed parseProcNetArp(std::string_view text);

// The reply to an RTM_GETNEIGH dump: a run of netlink messages (struct nlmsghdr, struct ndmsg,
// route attributes). Entries without a hardware address (INCOMPLETE, FAILED) and NOARP entries
// (multicast, loopback) are left out. `interface_name` maps an ifindex to its name.
Parsed parseNeighbourDump(std::span<const std::uint8_t> bytes,
                          const std::function<std::string(int)>& interface_name);

// False for addresses that name no single device: all zeros, broadcast, multicast.
bool isDeviceMac(std::string_view mac);

}  // namespace fk::network_neighbors
