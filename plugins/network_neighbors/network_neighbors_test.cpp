#include "network_neighbors/network_neighbors.hpp"

#include <gtest/gtest.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cstring>
#include <random>

#include "network_neighbors/netlink.hpp"
#include "network_neighbors/parse.hpp"
#include "test_support/harness.hpp"

namespace fk::network_neighbors {
namespace {

std::string fixture(const std::string& name) {
  return plugin_test::readFile(TESTDATA_DIR, name);
}

TEST(ProcNetArp, ReadsCompleteEntriesAndLeavesOutIncompleteAndBroadcast) {
  const Parsed p = parseProcNetArp(fixture("proc_net_arp"));
  EXPECT_TRUE(p.skipped.empty());
  ASSERT_EQ(p.neighbours.size(), 3u);
  EXPECT_EQ(p.neighbours[0].ip, "192.168.1.1");
  EXPECT_EQ(p.neighbours[0].mac, "aa:bb:cc:00:00:01");
  EXPECT_EQ(p.neighbours[0].interface, "eth0");
  EXPECT_EQ(p.neighbours[0].state, "complete");
  EXPECT_EQ(p.neighbours[1].mac, "3c:22:fb:12:34:56");  // lower-cased
  EXPECT_EQ(p.neighbours[1].interface, "wlan0");
  EXPECT_EQ(p.neighbours[2].state, "permanent");
}

TEST(ProcNetArp, CountsMalformedLinesAndKeepsTheRest) {
  const Parsed p = parseProcNetArp(fixture("proc_net_arp_malformed"));
  ASSERT_EQ(p.neighbours.size(), 2u);
  EXPECT_EQ(p.neighbours[0].ip, "10.0.0.1");
  EXPECT_EQ(p.neighbours[1].ip, "10.0.0.7");
  ASSERT_EQ(p.skipped.size(), 6u);
  EXPECT_EQ(p.skipped[0].origin, "line 3");
  EXPECT_EQ(p.skipped[1].origin, "line 4");
  EXPECT_NE(p.skipped[1].reason.find("not-an-ip"), std::string::npos);
  EXPECT_EQ(p.skipped[2].origin, "line 5");
  EXPECT_EQ(p.skipped[5].origin, "line 9");  // the blank line 8 is not a problem
}

TEST(ProcNetArp, SurvivesArbitraryBytes) {
  std::mt19937 random(42);
  for (int round = 0; round < 200; ++round) {
    std::string text = "IP address HW type Flags HW address Mask Device\n";
    const int n = static_cast<int>(random() % 400);
    for (int i = 0; i < n; ++i) text += static_cast<char>(random() % 256);
    const Parsed p = parseProcNetArp(text);
    for (const auto& neighbour : p.neighbours) EXPECT_TRUE(isDeviceMac(neighbour.mac));
  }
}

TEST(DeviceMac, RejectsGroupZeroAndMalformedAddresses) {
  EXPECT_TRUE(isDeviceMac("aa:bb:cc:dd:ee:ff"));
  EXPECT_FALSE(isDeviceMac("00:00:00:00:00:00"));
  EXPECT_FALSE(isDeviceMac("FF:FF:FF:FF:FF:FF"));
  EXPECT_FALSE(isDeviceMac("33:33:00:00:00:01"));  // IPv6 multicast
  EXPECT_FALSE(isDeviceMac("01:00:5e:00:00:fb"));  // IPv4 multicast
  EXPECT_FALSE(isDeviceMac("aa:bb:cc:dd:ee"));
  EXPECT_FALSE(isDeviceMac("aabbccddeeff"));
}

// Builds an RTM_NEWNEIGH message the way the kernel does.
void appendNeighbour(std::vector<std::uint8_t>& out, int family, const void* dst, std::size_t dst_len,
                     const std::uint8_t* mac, std::uint16_t state, int ifindex) {
  std::vector<std::uint8_t> msg(NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ndmsg)));
  auto addAttr = [&](std::uint16_t type, const void* data, std::size_t len) {
    rtattr attr{static_cast<unsigned short>(RTA_LENGTH(len)), type};
    const std::size_t at = msg.size();
    msg.resize(at + RTA_ALIGN(RTA_LENGTH(len)));
    std::memcpy(msg.data() + at, &attr, sizeof attr);
    std::memcpy(msg.data() + at + RTA_LENGTH(0), data, len);
  };
  addAttr(NDA_DST, dst, dst_len);
  if (mac) addAttr(NDA_LLADDR, mac, 6);
  nlmsghdr header{static_cast<std::uint32_t>(msg.size()), RTM_NEWNEIGH, NLM_F_MULTI, 1, 0};
  ndmsg nd{};
  nd.ndm_family = static_cast<std::uint8_t>(family);
  nd.ndm_ifindex = ifindex;
  nd.ndm_state = state;
  std::memcpy(msg.data(), &header, sizeof header);
  std::memcpy(msg.data() + NLMSG_HDRLEN, &nd, sizeof nd);
  out.insert(out.end(), msg.begin(), msg.end());
}

void appendDone(std::vector<std::uint8_t>& out) {
  std::vector<std::uint8_t> msg(NLMSG_LENGTH(sizeof(int)));
  nlmsghdr header{static_cast<std::uint32_t>(msg.size()), NLMSG_DONE, NLM_F_MULTI, 1, 0};
  std::memcpy(msg.data(), &header, sizeof header);
  out.insert(out.end(), msg.begin(), msg.end());
}

std::string nameOf(int index) {
  return index == 2 ? "eth0" : "if" + std::to_string(index);
}

TEST(NeighbourDump, ReadsIpv4AndIpv6WithStates) {
  const std::uint8_t v4[] = {10, 1, 2, 3};
  std::uint8_t v6[16] = {0xfe, 0x80};
  v6[15] = 1;
  const std::uint8_t mac1[] = {0xaa, 0xbb, 0xcc, 0x00, 0x00, 0x01};
  const std::uint8_t mac2[] = {0xaa, 0xbb, 0xcc, 0x00, 0x00, 0x02};
  const std::uint8_t multicast[] = {0x33, 0x33, 0, 0, 0, 1};
  std::vector<std::uint8_t> dump;
  appendNeighbour(dump, AF_INET, v4, 4, mac1, NUD_REACHABLE, 2);
  appendNeighbour(dump, AF_INET6, v6, 16, mac2, NUD_STALE, 3);
  appendNeighbour(dump, AF_INET, v4, 4, nullptr, NUD_INCOMPLETE, 2);  // no address yet
  appendNeighbour(dump, AF_INET6, v6, 16, multicast, NUD_NOARP, 2);   // not a device
  appendNeighbour(dump, AF_INET, v4, 4, mac1, NUD_FAILED, 2);         // gone
  appendDone(dump);
  appendNeighbour(dump, AF_INET, v4, 4, mac2, NUD_REACHABLE, 2);  // after DONE: ignored

  const Parsed p = parseNeighbourDump(dump, nameOf);
  EXPECT_TRUE(p.skipped.empty());
  ASSERT_EQ(p.neighbours.size(), 2u);
  EXPECT_EQ(p.neighbours[0].ip, "10.1.2.3");
  EXPECT_EQ(p.neighbours[0].mac, "aa:bb:cc:00:00:01");
  EXPECT_EQ(p.neighbours[0].interface, "eth0");
  EXPECT_EQ(p.neighbours[0].state, "reachable");
  EXPECT_EQ(p.neighbours[1].ip, "fe80::1");
  EXPECT_EQ(p.neighbours[1].state, "stale");
  EXPECT_EQ(p.neighbours[1].interface, "if3");
}

TEST(NeighbourDump, ReportsTruncatedMessagesWithoutReadingPastTheBuffer) {
  const std::uint8_t v4[] = {10, 1, 2, 3};
  const std::uint8_t mac[] = {0xaa, 0xbb, 0xcc, 0x00, 0x00, 0x01};
  std::vector<std::uint8_t> dump;
  appendNeighbour(dump, AF_INET, v4, 4, mac, NUD_REACHABLE, 2);
  std::vector<std::uint8_t> second;
  appendNeighbour(second, AF_INET, v4, 4, mac, NUD_REACHABLE, 2);
  // An attribute claiming more bytes than its message holds.
  rtattr attr;
  std::memcpy(&attr, second.data() + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ndmsg)), sizeof attr);
  attr.rta_len = 200;
  std::memcpy(second.data() + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ndmsg)), &attr, sizeof attr);
  dump.insert(dump.end(), second.begin(), second.end());
  dump.insert(dump.end(), {0x40, 0, 0, 0, 0x1c, 0});  // a header cut short

  const Parsed p = parseNeighbourDump(dump, nameOf);
  ASSERT_EQ(p.neighbours.size(), 1u);
  ASSERT_EQ(p.skipped.size(), 1u);
  EXPECT_EQ(p.skipped[0].origin, "message 2");

  std::vector<std::uint8_t> lying;
  appendNeighbour(lying, AF_INET, v4, 4, mac, NUD_REACHABLE, 2);
  nlmsghdr header;
  std::memcpy(&header, lying.data(), sizeof header);
  header.nlmsg_len = 4096;
  std::memcpy(lying.data(), &header, sizeof header);
  const Parsed q = parseNeighbourDump(lying, nameOf);
  EXPECT_TRUE(q.neighbours.empty());
  ASSERT_EQ(q.skipped.size(), 1u);
}

TEST(NeighbourDump, SurvivesArbitraryBytes) {
  std::mt19937 random(7);
  for (int round = 0; round < 500; ++round) {
    std::vector<std::uint8_t> bytes(random() % 300);
    for (auto& b : bytes) b = static_cast<std::uint8_t>(random());
    parseNeighbourDump(bytes, nameOf);
  }
}

// The real kernel table: whatever is in it must parse cleanly. Skipped where netlink is not allowed.
TEST(NeighbourDump, ReadsThisMachinesTable) {
  auto reply = dumpNeighbourTable(api::Clock::now() + std::chrono::seconds(5));
  if (!reply) GTEST_SKIP() << reply.error();
  const Parsed p = parseNeighbourDump(*reply, nameOf);
  EXPECT_TRUE(p.skipped.empty());
}

// --- the plugin through its contract ----------------------------------------------------------

using Sink = plugin_test::RecordingSink;

struct Harness : plugin_test::PollHarness<> {
  Harness() : PollHarness(api::Clock::from_time_t(1'790'000'000), TESTDATA_DIR) {}
};

std::vector<api::ConfigIssue> validate(const std::string& yaml) {
  return plugins::makeNetworkNeighborsFactory()->validate(YAML::Load(yaml));
}

TEST(NetworkNeighborsPlugin, ValidatesItsKeys) {
  EXPECT_TRUE(validate("{name: lan, plugin: network_neighbors, interval: 5m}").empty());
  EXPECT_TRUE(
      validate("{name: lan, plugin: network_neighbors, path: /proc/net/arp, netlink: false}").empty());
  auto issues = validate("name: lan\nplugin: network_neighbors\nnetlink: maybe\npaht: /x\n");
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].line, 3);
  EXPECT_EQ(issues[0].key, "netlink");
  EXPECT_NE(issues[0].message.find("true or false"), std::string::npos);
  EXPECT_EQ(issues[1].line, 4);
  EXPECT_NE(issues[1].message.find("paht"), std::string::npos);
  EXPECT_EQ(validate("{name: lan, plugin: network_neighbors, path: [a]}").size(), 1u);
}

TEST(NetworkNeighborsPlugin, ObservesTheFixtureUnderTheFileRoot) {
  auto factory = plugins::makeNetworkNeighborsFactory();
  api::SourceSpec spec{"lan", YAML::Load("{name: lan, plugin: network_neighbors, path: /proc_net_arp}"),
                       "/etc"};
  auto source = factory->create(spec);
  Harness h;
  Sink sink;
  auto result = source->poll(h.ctx, sink);
  ASSERT_TRUE(result.ok) << result.message;
  EXPECT_FALSE(result.complete_listing);  // absence from the table is not absence from the fleet
  ASSERT_EQ(sink.seen.size(), 3u);
  const api::Observation& o = sink.seen[1];
  EXPECT_EQ(o.kind, api::ObservationKind::network);
  EXPECT_EQ(o.macs, std::vector<std::string>{"3c:22:fb:12:34:56"});
  EXPECT_EQ(o.extra.at("ip"), "192.168.1.20");
  EXPECT_EQ(o.extra.at("interface"), "wlan0");
  EXPECT_EQ(o.extra.at("state"), "complete");
  EXPECT_EQ(o.observed_at, h.now);
  EXPECT_TRUE(o.fields.empty());  // presence never asserts registry fields
}

TEST(NetworkNeighborsPlugin, SkipsMalformedLinesAndFailsOnAMissingFile) {
  auto factory = plugins::makeNetworkNeighborsFactory();
  Harness h;
  Sink sink;
  auto source = factory->create({"lan", YAML::Load("{path: proc_net_arp_malformed}"), "/"});
  h.ctx.config_dir = "/";
  ASSERT_TRUE(source->poll(h.ctx, sink).ok);
  EXPECT_EQ(sink.seen.size(), 2u);
  EXPECT_EQ(sink.skips.size(), 6u);

  auto missing = factory->create({"lan", YAML::Load("{path: /no/such/file}"), "/"});
  Sink none;
  auto result = missing->poll(h.ctx, none);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.reason, api::FailureReason::io);
  EXPECT_TRUE(none.seen.empty());
}

}  // namespace
}  // namespace fk::network_neighbors
