// The dhcp_leases source's kea lease file reader, and what the source then asks of each lease.
#include <chrono>

#include "dhcp_leases/parse.hpp"
#include "../harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fk::dhcp_leases;
  const std::string text = fk::fuzz::text(data, size);
  const Parsed parsed = parseKea(text);
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  for (const Lease& lease : parsed.leases) {
    (void)inForce(lease, now);
    // A lease may name no MAC (an IPv6 client without one); one it names is one the parser could read.
    if (!lease.mac.empty() && !readMac(lease.mac)) __builtin_trap();
  }
  return 0;
}
