// The network_neighbors source reading an RTM_GETNEIGH dump: the kernel's bytes as they arrive, so
// lengths and attribute sizes are whatever the input says.
#include <span>
#include <vector>

#include "network_neighbors/parse.hpp"
#include "../harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fk::network_neighbors;
  // A copy of exactly `size` bytes, so ASan sees any read past the message buffer.
  const std::vector<std::uint8_t> bytes(data, data + size);
  const Parsed parsed = parseNeighbourDump(std::span<const std::uint8_t>(bytes.data(), bytes.size()),
                                           [](int index) { return index == 2 ? std::string("eth0") : std::string(); });
  for (const Neighbour& n : parsed.neighbours)
    if (!isDeviceMac(n.mac)) __builtin_trap();
  return 0;
}
