// The network_neighbors source reading /proc/net/arp.
#include "network_neighbors/parse.hpp"
#include "../harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fk::network_neighbors;
  const Parsed parsed = parseProcNetArp(fk::fuzz::text(data, size));
  for (const Neighbour& n : parsed.neighbours)
    if (!isDeviceMac(n.mac)) __builtin_trap();  // multicast/broadcast/zero MACs are never reported
  return 0;
}
