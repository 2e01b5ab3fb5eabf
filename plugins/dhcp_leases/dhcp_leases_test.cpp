#include "dhcp_leases/dhcp_leases.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <random>
#include <thread>

#include "api/stable_read.hpp"
#include "dhcp_leases/parse.hpp"
#include "test_support/harness.hpp"

namespace fk::dhcp_leases {
namespace {

// 2026-10-06T12:00:00Z, the "now" the fixtures were written for.
const TimePoint kNow{std::chrono::seconds(1'791'288'000)};

std::string fixture(const std::string& name) {
  return plugin_test::readFile(TESTDATA_DIR, name);
}

std::vector<Lease> inForceAt(const Parsed& p, TimePoint now) {
  std::vector<Lease> out;
  for (const auto& l : p.leases)
    if (inForce(l, now)) out.push_back(l);
  return out;
}

TimePoint at(std::int64_t epoch) {
  return TimePoint{std::chrono::seconds(epoch)};
}

TEST(Mac, ReadsOneDigitOctetsAndRejectsTheRest) {
  EXPECT_EQ(readMac("8:0:27:a:b:c"), "08:00:27:0a:0b:0c");
  EXPECT_EQ(readMac("3C:22:FB:12:34:56"), "3c:22:fb:12:34:56");
  EXPECT_FALSE(readMac("3c:22:fb:12:34"));
  EXPECT_FALSE(readMac("3c:22:fb:12:34:56:78"));
  EXPECT_FALSE(readMac("3c:22:fb:12:34:"));
  EXPECT_FALSE(readMac("3c:22:fb:123:4:56"));
  EXPECT_FALSE(readMac("00:00:00:00:00:00"));
  EXPECT_FALSE(readMac(""));
}

TEST(Dnsmasq, ReadsIpv4AndIpv6LeasesAndDropsExpiredOnes) {
  const Parsed p = parseDnsmasq(fixture("dnsmasq.leases"));
  EXPECT_TRUE(p.skipped.empty());
  const auto leases = inForceAt(p, kNow);
  ASSERT_EQ(leases.size(), 5u);
  EXPECT_EQ(leases[0].ip, "10.0.0.21");
  EXPECT_EQ(leases[0].mac, "3c:22:fb:12:34:56");
  EXPECT_EQ(leases[0].hostname, "cb-1001");
  EXPECT_EQ(leases[0].ends, at(1'791'374'400));
  EXPECT_FALSE(leases[0].last_contact);           // dnsmasq does not record it
  EXPECT_EQ(leases[1].hostname, "");              // "*"
  EXPECT_FALSE(leases[1].ends);                   // 0 = infinite
  EXPECT_EQ(leases[2].mac, "aa:bb:cc:00:00:0a");  // "06-" hardware type prefix
  EXPECT_EQ(leases[3].ip, "fd00::21");
  EXPECT_EQ(leases[3].mac, "3c:22:fb:12:34:56");  // from the DUID-LLT
  EXPECT_EQ(leases[4].mac, "aa:bb:cc:00:00:0b");  // from the DUID-LL
}

TEST(Dnsmasq, CountsMalformedLines) {
  const Parsed p = parseDnsmasq(fixture("dnsmasq_malformed.leases"));
  ASSERT_EQ(p.leases.size(), 2u);
  EXPECT_EQ(p.leases[1].hostname, "last");
  ASSERT_EQ(p.skipped.size(), 4u);
  EXPECT_EQ(p.skipped[0].origin, "line 2");
  EXPECT_EQ(p.skipped[1].origin, "line 3");
  EXPECT_EQ(p.skipped[2].origin, "line 5");
  EXPECT_NE(p.skipped[2].reason.find("not-a-mac"), std::string::npos);
  EXPECT_EQ(p.skipped[3].origin, "line 6");
}

TEST(Isc, LastBlockForAnAddressWinsAndOnlyActiveLeasesHold) {
  const Parsed p = parseIsc(fixture("dhcpd.leases"));
  EXPECT_TRUE(p.skipped.empty()) << p.skipped[0].origin << ": " << p.skipped[0].reason;
  ASSERT_EQ(p.leases.size(), 5u);  // .21 .22 .23 .24 .25, one each
  const auto leases = inForceAt(p, kNow);
  ASSERT_EQ(leases.size(), 3u);
  EXPECT_EQ(leases[0].ip, "10.0.1.21");
  EXPECT_EQ(leases[0].mac, "3c:22:fb:12:34:56");
  EXPECT_EQ(leases[0].hostname, "LAPTOP-7;{X}");         // quoted text may hold ; and braces
  EXPECT_EQ(leases[0].starts, at(1'791'273'600));        // 2026-10-06 08:00:00
  EXPECT_EQ(leases[0].last_contact, at(1'791'286'200));  // cltt 11:30
  EXPECT_EQ(leases[1].mac, "08:00:27:0a:0b:0c");
  EXPECT_EQ(leases[1].last_contact, leases[1].starts);  // no cltt: the start is the last contact known
  EXPECT_EQ(leases[2].ip, "10.0.1.23");
  EXPECT_EQ(leases[2].starts, at(1'791'280'800));  // "epoch N" (db-time-format local)
  EXPECT_FALSE(leases[2].ends);                    // never
}

TEST(Isc, SkipsBrokenBlocksAndKeepsTheRest) {
  const Parsed p = parseIsc(fixture("dhcpd_malformed.leases"));
  ASSERT_EQ(p.leases.size(), 2u);
  EXPECT_EQ(p.leases[0].ip, "10.0.2.1");
  EXPECT_EQ(p.leases[1].ip, "10.0.2.5");
  ASSERT_EQ(p.skipped.size(), 5u);
  EXPECT_EQ(p.skipped[0].origin, "line 6");
  EXPECT_NE(p.skipped[0].reason.find("date"), std::string::npos);
  EXPECT_EQ(p.skipped[1].origin, "line 10");
  EXPECT_EQ(p.skipped[2].origin, "line 13");
  EXPECT_EQ(p.skipped[3].origin, "line 16");
  EXPECT_EQ(p.skipped[4].origin, "line 22");
  EXPECT_NE(p.skipped[4].reason.find("not closed"), std::string::npos);
}

TEST(Kea, MapsColumnsByHeaderLaterRowsWinAndZeroLifetimeDeletes) {
  const Parsed p = parseKea(fixture("kea-leases4.csv"));
  EXPECT_TRUE(p.error.empty());
  EXPECT_TRUE(p.skipped.empty());
  const auto leases = inForceAt(p, kNow);
  ASSERT_EQ(leases.size(), 2u);
  EXPECT_EQ(leases[0].ip, "10.0.3.21");
  EXPECT_EQ(leases[0].ends, at(1'791'291'000));          // the later row
  EXPECT_EQ(leases[0].last_contact, at(1'791'287'400));  // expire - valid_lifetime
  EXPECT_EQ(leases[1].hostname, "lab,pc");
  for (const auto& l : p.leases) EXPECT_NE(l.ip, "10.0.3.23");  // deleted
}

TEST(Kea, ReadsOlderAndIpv6Layouts) {
  const Parsed old = parseKea(fixture("kea-leases4-old.csv"));
  ASSERT_EQ(inForceAt(old, kNow).size(), 1u);
  EXPECT_EQ(old.leases[0].hostname, "old-kea");
  const Parsed v6 = parseKea(fixture("kea-leases6.csv"));
  EXPECT_TRUE(v6.skipped.empty());
  const auto leases = inForceAt(v6, kNow);
  ASSERT_EQ(leases.size(), 1u);  // the lease without a hardware address names no device
  EXPECT_EQ(leases[0].ip, "fd00::31");
  EXPECT_EQ(leases[0].mac, "3c:22:fb:12:34:56");
}

TEST(Kea, CountsMalformedRowsAndRefusesAFileWithoutHeader) {
  const Parsed p = parseKea(fixture("kea_malformed.csv"));
  ASSERT_EQ(p.leases.size(), 1u);
  ASSERT_EQ(p.skipped.size(), 4u);
  EXPECT_EQ(p.skipped[0].origin, "line 3");
  EXPECT_EQ(p.skipped[3].origin, "line 6");
  const Parsed bad = parseKea(fixture("kea_no_header.csv"));
  EXPECT_NE(bad.error.find("address"), std::string::npos);
  EXPECT_TRUE(parseKea("").leases.empty());
}

// The clock counts nanoseconds since 1970 and overflows in 2262: a time past 2200 in any of the three
// formats is a skipped record with its line, never a wrapped-around lease.
TEST(Parsers, LeaseTimesPastTheClocksRangeAreSkipped) {
  const Parsed dnsmasq = parseDnsmasq(
      "99999999999999 aa:bb:cc:00:00:01 10.0.0.1 far *\n"
      "-5 aa:bb:cc:00:00:02 10.0.0.2 past *\n"
      "1791291000 aa:bb:cc:00:00:03 10.0.0.3 fine *\n");
  ASSERT_EQ(dnsmasq.leases.size(), 1u);
  EXPECT_EQ(dnsmasq.leases[0].hostname, "fine");
  ASSERT_EQ(dnsmasq.skipped.size(), 2u);
  EXPECT_EQ(dnsmasq.skipped[0].origin, "line 1");
  EXPECT_NE(dnsmasq.skipped[0].reason.find("before 2200"), std::string::npos) << dnsmasq.skipped[0].reason;

  const Parsed isc = parseIsc(
      "lease 10.0.0.1 {\n  starts 2 2026/10/06 07:00:00;\n  ends 5 9999/12/31 23:59:59;\n"
      "  hardware ethernet aa:bb:cc:00:00:01;\n}\n"
      "lease 10.0.0.2 {\n  starts epoch 9223372036854775807;\n  hardware ethernet aa:bb:cc:00:00:02;\n}\n"
      "lease 10.0.0.3 {\n  ends never;\n  hardware ethernet aa:bb:cc:00:00:03;\n}\n");
  ASSERT_EQ(isc.leases.size(), 1u);
  EXPECT_EQ(isc.leases[0].ip, "10.0.0.3");
  ASSERT_EQ(isc.skipped.size(), 2u);
  EXPECT_NE(isc.skipped[0].reason.find("ends"), std::string::npos) << isc.skipped[0].reason;
  EXPECT_NE(isc.skipped[1].reason.find("starts"), std::string::npos) << isc.skipped[1].reason;

  const std::string header =
      "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state\n";
  const Parsed kea = parseKea(header +
                              "10.0.0.1,aa:bb:cc:00:00:01,,3600,9223372036854775807,1,0,0,far,0\n"
                              "10.0.0.2,aa:bb:cc:00:00:02,,9223372036854775807,1791289800,1,0,0,long,0\n"
                              "10.0.0.3,aa:bb:cc:00:00:03,,4294967295,5791289800,1,0,0,infinite,0\n");
  ASSERT_EQ(kea.skipped.size(), 2u);
  EXPECT_EQ(kea.skipped[0].origin, "line 2");
  EXPECT_EQ(kea.skipped[1].origin, "line 3");
  ASSERT_EQ(kea.leases.size(), 1u) << "Kea's infinite lifetime (2^32-1 s) is still a time it can hold";
  EXPECT_EQ(kea.leases[0].hostname, "infinite");
}

TEST(Parsers, SurviveArbitraryBytes) {
  std::mt19937 random(3);
  const std::string alphabet =
      "0123456789abcdef:.{}; \"\\#\n,lease hardware ethernet starts ends never epoch";
  for (int round = 0; round < 300; ++round) {
    std::string text;
    const int n = static_cast<int>(random() % 600);
    for (int i = 0; i < n; ++i)
      text += round % 2 ? alphabet[random() % alphabet.size()] : static_cast<char>(random() % 256);
    parseDnsmasq(text);
    parseIsc(text);
    parseKea("address,hwaddr,valid_lifetime,expire\n" + text);
  }
}

// --- reading a file that is being rewritten -------------------------------------------------------

struct TempDir {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("dhcp_leases_test_" + std::to_string(::getpid()));
  TempDir() { std::filesystem::create_directories(path); }
  ~TempDir() { std::filesystem::remove_all(path); }
};

void write(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

TEST(ReadStable, NeverReturnsAHalfWrittenFile) {
  TempDir dir;
  const auto file = dir.path / "leases";
  const std::string a(100'000, 'a'), b(150'000, 'b');
  write(file, a);
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    // Rewrites in place, as dnsmasq does, far more often than any DHCP server.
    for (int i = 0; !stop; ++i) {
      write(file, i % 2 ? a : b);
      std::this_thread::sleep_for(std::chrono::milliseconds(3));
    }
  });
  int complete = 0;
  for (int i = 0; i < 200; ++i) {
    auto snapshot = api::readStable(file, 50);
    if (!snapshot) continue;  // gave up: the file never held still
    // Caught between truncate and write, the file really is empty for a moment; never half of one.
    if (snapshot->text.empty()) continue;
    ++complete;
    EXPECT_TRUE(snapshot->text == a || snapshot->text == b) << "size " << snapshot->text.size();
  }
  stop = true;
  writer.join();
  EXPECT_GT(complete, 0);
}

TEST(ReadStable, FingerprintChangesWithTheFile) {
  TempDir dir;
  const auto file = dir.path / "leases";
  write(file, "one");
  auto first = api::readStable(file);
  ASSERT_TRUE(first);
  auto again = api::readStable(file);
  EXPECT_EQ(first->fingerprint, again->fingerprint);
  write(file, "two, longer");
  auto second = api::readStable(file);
  EXPECT_NE(first->fingerprint, second->fingerprint);
  EXPECT_FALSE(api::readStable(dir.path / "missing"));
}

// --- the plugin through its contract ----------------------------------------------------------

using Sink = plugin_test::RecordingSink;

struct Harness : plugin_test::PollHarness<> {
  Harness() : PollHarness(kNow, TESTDATA_DIR) {}
};

std::vector<api::ConfigIssue> validate(const std::string& yaml) {
  return plugins::makeDhcpLeasesFactory()->validate(YAML::Load(yaml));
}

TEST(DhcpLeasesPlugin, ValidatesItsKeys) {
  EXPECT_TRUE(
      validate("{name: d, plugin: dhcp_leases, interval: 5m, format: isc, path: /var/lib/dhcp/dhcpd.leases}")
          .empty());
  auto issues = validate("name: d\nplugin: dhcp_leases\nformat: bind\npath: x\nfile: y\n");
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].line, 3);
  EXPECT_EQ(issues[0].key, "format");
  EXPECT_NE(issues[0].message.find("dnsmasq, isc, kea"), std::string::npos);
  EXPECT_EQ(issues[1].line, 5);
  EXPECT_EQ(validate("{name: d, plugin: dhcp_leases}").size(), 2u);  // format and path missing
}

TEST(DhcpLeasesPlugin, ObservesLeasesInForceWithTheirTimes) {
  auto source = plugins::makeDhcpLeasesFactory()->create(
      {"dhcp", YAML::Load("{format: isc, path: /dhcpd.leases}"), "/etc"});
  Harness h;
  Sink sink;
  auto result = source->poll(h.ctx, sink);
  ASSERT_TRUE(result.ok) << result.message;
  ASSERT_EQ(sink.seen.size(), 3u);
  const api::Observation& o = sink.seen[0];
  EXPECT_EQ(o.kind, api::ObservationKind::network);
  EXPECT_EQ(o.macs, std::vector<std::string>{"3c:22:fb:12:34:56"});
  EXPECT_EQ(o.extra.at("ip"), "10.0.1.21");
  EXPECT_EQ(o.extra.at("hostname"), "LAPTOP-7;{X}");
  EXPECT_EQ(o.extra.at("lease_start"), "2026-10-06T08:00:00Z");
  EXPECT_EQ(o.extra.at("lease_end"), "2026-10-07T08:00:00Z");
  EXPECT_EQ(o.observed_at, at(1'791'286'200));
  EXPECT_EQ(sink.seen[2].extra.at("lease_end"), "never");
  EXPECT_FALSE(h.ctx.next_state.empty());  // the file's fingerprint

  // Unchanged file, later poll: still observed (presence must not lapse), minus what expired since.
  h.now = at(1'791'277'200) + std::chrono::hours(24) + std::chrono::seconds(1);  // past 10.0.1.22's end
  Sink later;
  ASSERT_TRUE(source->poll(h.ctx, later).ok);
  EXPECT_EQ(later.seen.size(), 1u);  // only the lease that never ends
}

TEST(DhcpLeasesPlugin, DnsmasqLeasesCountAsSeenAtThePoll) {
  auto source = plugins::makeDhcpLeasesFactory()->create(
      {"dhcp", YAML::Load("{format: dnsmasq, path: dnsmasq_malformed.leases}"), "/"});
  Harness h;
  h.ctx.config_dir = "/";
  Sink sink;
  ASSERT_TRUE(source->poll(h.ctx, sink).ok);
  ASSERT_EQ(sink.seen.size(), 2u);
  EXPECT_EQ(sink.seen[0].observed_at, kNow);
  EXPECT_EQ(sink.skips.size(), 4u);
}

TEST(DhcpLeasesPlugin, FailsOnAMissingOrHeaderlessFile) {
  Harness h;
  Sink sink;
  auto missing =
      plugins::makeDhcpLeasesFactory()->create({"d", YAML::Load("{format: kea, path: /nope.csv}"), "/"});
  auto r = missing->poll(h.ctx, sink);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, api::FailureReason::io);
  auto headerless = plugins::makeDhcpLeasesFactory()->create(
      {"d", YAML::Load("{format: kea, path: /kea_no_header.csv}"), "/"});
  r = headerless->poll(h.ctx, sink);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, api::FailureReason::bad_response);
  EXPECT_TRUE(sink.seen.empty());
}

}  // namespace
}  // namespace fk::dhcp_leases
