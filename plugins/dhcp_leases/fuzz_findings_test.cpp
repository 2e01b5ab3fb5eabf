// Inputs fuzz/ found that the lease parsers mishandled, kept as plain unit tests so the GCC build (and
// its sanitizer pass) checks them too. The raw inputs are in fuzz/corpus/*_leases/.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "dhcp_leases/parse.hpp"

namespace fk::dhcp_leases {
namespace {

// from_chars into a signed int took "-1" as an octet, which then indexed the hex digits at -1.
TEST(LeaseFuzzFindings, AMacOctetWithASignIsNotAMac) {
  EXPECT_FALSE(readMac("-1:22:fb:12:34:56"));
  EXPECT_FALSE(readMac("3c:22:fb:12:34:-f"));
  EXPECT_FALSE(readMac("+1:22:fb:12:34:56"));
  EXPECT_EQ(readMac("3c:22:fb:12:34:56"), "3c:22:fb:12:34:56");
}

TEST(LeaseFuzzFindings, EachFormatSkipsTheLineWithASignedOctet) {
  const Parsed dnsmasq = parseDnsmasq("1791374400 3c:-2:fb:12:34:56 127.0.0.21 cb-1001 *\n");
  EXPECT_TRUE(dnsmasq.leases.empty());
  EXPECT_EQ(dnsmasq.skipped.size(), 1u);

  const Parsed isc = parseIsc("lease 127.0.0.21 {\n  binding state active;\n  hardware ethernet 3c:-2:fb:12:34:56;\n}\n");
  for (const Lease& lease : isc.leases) EXPECT_TRUE(lease.mac.empty()) << lease.mac;

  const Parsed kea = parseKea(
      "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context\n"
      "127.0.0.21,-1:22:fb:12:34:56,,3600,1791289800,1,0,0,cb-1001,0,\n");
  EXPECT_TRUE(kea.leases.empty());
  EXPECT_EQ(kea.skipped.size(), 1u);
}

// The same in a client DUID (dnsmasq IPv6 leases take the MAC from DUID-LLT/DUID-LL).
TEST(LeaseFuzzFindings, ADuidByteWithASignIsNotRead) {
  const Parsed p = parseDnsmasq(
      "duid 00:01:00:01:2a:3b:4c:5d:00:11:22:33:44:55\n"
      "1791374400 12345 fd00::21 cb-1001 00:01:00:01:2a:3b:4c:5d:-1:22:fb:12:34:56\n");
  for (const Lease& lease : p.leases) EXPECT_TRUE(lease.mac.empty()) << lease.mac;
}

// A DUID-LLT whose link-layer address is all zeros gave the lease the MAC 00:00:00:00:00:00, which a MAC
// written out is refused as: the DUID's address now passes the same check.
TEST(LeaseFuzzFindings, ADuidWithAZeroAddressNamesNoMac) {
  const Parsed p = parseDnsmasq(
      "duid 00:01:00:01:2a:3b:4c:5d:00:11:22:33:44:55\n"
      "1791374400 12345 fd00::21 cb-1001 00:01:00:01:2a:3b:4c:5d:00:00:00:00:00:00\n"
      "1791374400 12346 fd00::22 cb-1002 00:01:00:01:2a:3b:4c:5d:3c:22:fb:12:34:56\n");
  std::vector<std::string> macs;
  for (const Lease& lease : p.leases) macs.push_back(lease.mac);
  EXPECT_EQ(std::count(macs.begin(), macs.end(), "00:00:00:00:00:00"), 0);
  EXPECT_EQ(std::count(macs.begin(), macs.end(), "3c:22:fb:12:34:56"), 1);
}

}  // namespace
}  // namespace fk::dhcp_leases
