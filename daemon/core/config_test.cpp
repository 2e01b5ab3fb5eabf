#include "core/config.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace fk {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("fk-config-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "etc");
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path write(const std::string& text, const std::string& name = "etc/fk.yaml") {
    const auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  // Every problem, formatted, one per line, with the temp path shortened to "F".
  std::string problems(const std::string& text) {
    const auto path = write(text);
    const auto result = loadConfig(path);
    if (result) return "ok";
    std::string out;
    for (const auto& p : result.error()) {
      auto line = p.format();
      if (line.starts_with(path.string())) line = "F" + line.substr(path.string().size());
      out += line + "\n";
    }
    return out;
  }

  fs::path dir_;
};

TEST_F(ConfigTest, FullConfigFromInterfacesParses) {
  const auto path = write(R"(listen: "[::1]:0"
state_dir: ../var
database: fleetkeep.db
log_level: debug
fiscal_year_start: "09-15"
planning:
  default_life_years: {chromebook: 6, laptop: 4}
  aue_warning_days: 90
  repair_cost_share: 0.4
  work_orders_per_year: 2
  replacement_model: {chromebook: "HP Chromebook 11 G9 EE"}
models:
  - {model: "HP Chromebook 11 G9 EE", kind: chromebook, unit_cost: "289.00", life_years: 5, aue_date: 2028-06-01}
  - {model: "Dell Latitude 3440", kind: laptop, unit_cost: "$1,049.5"}
limits:
  json_body_bytes: 512KiB
  import_body_bytes: 1GiB
  database_cache: 8MiB
checkout:
  default_loan_days: 120
alerts:
  stale_sync_days: 14
network: {unknown_mac_ttl: 7d, unknown_mac_limit: 500}
seed_inventory: seed/inventory.csv
)");
  const auto c = loadConfig(path);
  ASSERT_TRUE(c) << c.error().front().format();
  EXPECT_EQ(c->file, path);
  EXPECT_EQ(c->listen_host, "::1");
  EXPECT_EQ(c->listen_port, 0);
  EXPECT_EQ(c->state_dir, dir_ / "var");
  EXPECT_EQ(c->database, dir_ / "var" / "fleetkeep.db");
  EXPECT_EQ(c->log_level, "debug");
  EXPECT_EQ(c->fiscal_year_start_month, 9);
  EXPECT_EQ(c->fiscal_year_start_day, 15);
  EXPECT_EQ(c->planning.default_life_years, (std::map<std::string, int>{{"chromebook", 6}, {"laptop", 4}}));
  EXPECT_EQ(c->planning.aue_warning_days, 90);
  EXPECT_DOUBLE_EQ(c->planning.repair_cost_share, 0.4);
  EXPECT_EQ(c->planning.work_orders_per_year, 2);
  EXPECT_EQ(c->planning.replacement_model.at("chromebook"), "HP Chromebook 11 G9 EE");
  ASSERT_EQ(c->models.size(), 2u);
  EXPECT_EQ(c->models[0].model, "HP Chromebook 11 G9 EE");
  EXPECT_EQ(c->models[0].kind, DeviceKind::chromebook);
  EXPECT_EQ(c->models[0].unit_cost_cents, 28900);
  EXPECT_EQ(c->models[0].life_years, 5);
  EXPECT_EQ(c->models[0].aue_date, "2028-06-01");
  EXPECT_EQ(c->models[1].unit_cost_cents, 104950);
  EXPECT_FALSE(c->models[1].life_years);
  EXPECT_EQ(c->models[1].aue_date, "");
  EXPECT_EQ(c->limits.json_body_bytes, 512u * 1024);
  EXPECT_EQ(c->limits.import_body_bytes, 1ull << 30);
  EXPECT_EQ(c->limits.database_cache_bytes, 8ull << 20);
  EXPECT_EQ(c->checkout.default_loan_days, 120);
  EXPECT_EQ(c->alerts.stale_sync_days, 14);
  EXPECT_EQ(c->network.unknown_mac_ttl, std::chrono::hours(7 * 24));
  EXPECT_EQ(c->network.unknown_mac_limit, 500);
  EXPECT_EQ(c->seed_inventory, dir_ / "etc" / "seed" / "inventory.csv");
  EXPECT_TRUE(c->sources.empty());
}

TEST_F(ConfigTest, EmptyFileMeansDefaults) {
  const auto c = loadConfig(write(""));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->listen_host, "127.0.0.1");
  EXPECT_EQ(c->listen_port, 9470);
  EXPECT_EQ(c->state_dir, dir_ / "etc" / "var");
  EXPECT_EQ(c->database, dir_ / "etc" / "var" / "fleetkeep.db");
  EXPECT_EQ(c->fiscal_year_start_month, 7);
  EXPECT_EQ(c->limits.json_body_bytes, 10u << 20);
  EXPECT_EQ(c->limits.database_cache_bytes, 64ull << 20);
  EXPECT_EQ(c->seed_inventory, fs::path());
}

TEST_F(ConfigTest, DistrictTimeZoneIsAnIanaNameOrTheMachinesByDefault) {
  const auto set = loadConfig(write("timezone: America/Chicago\n"));
  ASSERT_TRUE(set);
  EXPECT_EQ(set->timezone, "America/Chicago");
  const auto unset = loadConfig(write(""));
  ASSERT_TRUE(unset);
  EXPECT_EQ(unset->timezone, "");
  EXPECT_EQ(problems("timezone: Mars/Olympus\n"),
            "F:1:11: timezone: unknown time zone \"Mars/Olympus\" (an IANA name such as America/Chicago, from "
            "/usr/share/zoneinfo)\n");
}

TEST_F(ConfigTest, AbsolutePathsAreKept) {
  const auto c = loadConfig(write("state_dir: /srv/fk\ndatabase: /data/fk.db\nlisten: 0.0.0.0:80\n"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->state_dir, "/srv/fk");
  EXPECT_EQ(c->database, "/data/fk.db");
  EXPECT_EQ(c->listen_host, "0.0.0.0");
  EXPECT_EQ(c->listen_port, 80);
}

TEST_F(ConfigTest, ShippedDefaultConfigLoads) {
  // Core knows no plugin: stand-ins accept the shipped plugins' keys (their own tests check those).
  PluginChecks plugins;
  for (const char* name : {"csv_import", "google_admin", "network_neighbors", "dhcp_leases", "intune"})
    plugins[name] = [](const YAML::Node&) { return std::vector<api::ConfigIssue>{}; };
  const auto c = loadConfig(FLEETKEEP_SOURCE_DIR "/config/fleetkeepd.yaml", plugins);
  ASSERT_TRUE(c) << c.error().front().format();
  EXPECT_EQ(c->listen_port, 9470);
  EXPECT_EQ(c->state_dir, fs::path(FLEETKEEP_SOURCE_DIR "/var").lexically_normal());
  // The sample inventory comes in through the csv_import source, not the one-off seed import.
  EXPECT_TRUE(c->seed_inventory.empty());
  const auto inventory = std::find_if(c->sources.begin(), c->sources.end(),
                                      [](const SourceConfig& s) { return s.plugin == "csv_import"; });
  ASSERT_NE(inventory, c->sources.end());
  EXPECT_EQ(inventory->node["path"].as<std::string>(), "sample-inventory.csv");
  EXPECT_GE(c->models.size(), 6u);
  for (const auto& [kind, model] : c->planning.replacement_model) {
    const bool in_catalog = std::any_of(c->models.begin(), c->models.end(),
                                        [&](const CatalogModel& m) { return m.model == model; });
    EXPECT_TRUE(in_catalog) << kind << " -> " << model;
  }
}

struct BadCase {
  const char* yaml;
  const char* expected;
};

TEST_F(ConfigTest, BadConfigsReportEveryProblemWithPosition) {
  const BadCase cases[] = {
      {"lisen: 127.0.0.1:9470\n", "F:1:1: unknown key \"lisen\"\n"},
      {"listen: 127.0.0.1:1\nlisten: 127.0.0.1:2\n", "F:2:1: duplicate key \"listen\"\n"},
      {"listen: localhost\n",
       "F:1:9: listen: \"localhost\" is not HOST:PORT (e.g. 127.0.0.1:9470 or [::1]:9470)\n"},
      {"listen: 127.0.0.1:65536\n",
       "F:1:9: listen: \"127.0.0.1:65536\" is not HOST:PORT (e.g. 127.0.0.1:9470 or [::1]:9470)\n"},
      {"listen: ::1:80\n",
       "F:1:9: listen: \"::1:80\" is not HOST:PORT (e.g. 127.0.0.1:9470 or [::1]:9470)\n"},
      {"log_level: verbose\n",
       "F:1:12: log_level: \"verbose\" is not one of trace, debug, info, warn, error, critical, off\n"},
      {"fiscal_year_start: \"02-29\"\n",
       "F:1:20: fiscal_year_start: \"02-29\" is not a month and day MM-DD that every year has (e.g. "
       "\"07-01\")\n"},
      {"state_dir:\n", "F:1:1: state_dir: expected text, got nothing\n"},
      {"database: [a]\n", "F:1:11: database: expected text, got a list\n"},
      {"planning: 5\n", "F:1:11: planning: expected a mapping of keys, got \"5\"\n"},
      {"planning:\n"
       "  aue_warning_days: soon\n"
       "  repair_cost_share: 1.5\n"
       "  work_orders_per_year: 0\n"
       "  default_life_years: {chromebook: 0, phone: 3}\n"
       "  replacement_model: {laptop: [x]}\n"
       "  horizon: 5\n",
       "F:2:21: planning.aue_warning_days: expected a whole number >= 0, got \"soon\"\n"
       "F:3:22: planning.repair_cost_share: must be greater than 0 and at most 1, got \"1.5\"\n"
       "F:4:25: planning.work_orders_per_year: expected a whole number >= 1, got \"0\"\n"
       "F:5:36: planning.default_life_years.chromebook: expected a whole number 1 to 100, got \"0\"\n"
       "F:5:39: planning.default_life_years: unknown kind \"phone\" (chromebook, laptop, tablet, desktop, "
       "other)\n"
       "F:6:31: planning.replacement_model.laptop: expected text, got a list\n"
       "F:7:3: unknown key \"horizon\"\n"},
      {"limits:\n  json_body_bytes: 10 MiB\n  import_body_bytes: 0\n  database_cache: 512KiB\n",
       "F:2:20: limits.json_body_bytes: \"10 MiB\" is not a size (e.g. 512KiB, 10MiB, 1GiB)\n"
       "F:3:22: limits.import_body_bytes: \"0\" is not a size (e.g. 512KiB, 10MiB, 1GiB)\n"
       "F:4:19: limits.database_cache: between 1MiB and 16GiB\n"},
      {"checkout:\n  default_loan_days: -1\nalerts: {stale_sync_days: x, stale: 1}\n",
       "F:2:22: checkout.default_loan_days: expected a whole number >= 1, got \"-1\"\n"
       "F:3:27: alerts.stale_sync_days: expected a whole number >= 1, got \"x\"\n"
       "F:3:30: unknown key \"stale\"\n"},
      {"network: {unknown_mac_ttl: forever, unknown_mac_limit: 0, ttl: 1d}\n",
       "F:1:28: network.unknown_mac_ttl: \"forever\" is not a duration (e.g. 30s, 5m, 1h, 1d, 1h30m)\n"
       "F:1:56: network.unknown_mac_limit: expected a whole number 1 to 1000000, got \"0\"\n"
       "F:1:59: unknown key \"ttl\"\n"},
      {"models:\n"
       "  - {model: A, kind: phone, unit_cost: \"2.999\"}\n"
       "  - {model: A, kind: laptop, aue_date: 2027-02-30, life_years: 0, colour: red}\n"
       "  - {kind: laptop}\n"
       "  - just a name\n",
       "F:2:22: models[0].kind: unknown kind \"phone\" (chromebook, laptop, tablet, desktop, other)\n"
       "F:2:40: models[0].unit_cost: \"2.999\" is not an amount (e.g. \"289.00\")\n"
       "F:3:13: models[1].model: duplicate model \"A\" (first on line 2)\n"
       "F:3:40: models[1].aue_date: \"2027-02-30\" is not a date (YYYY-MM-DD)\n"
       "F:3:64: models[1].life_years: expected a whole number 1 to 100, got \"0\"\n"
       "F:3:67: unknown key \"colour\"\n"
       "F:4:5: models[2]: missing required key \"model\"\n"
       "F:5:5: models[3]: expected a mapping of keys, got \"just a name\"\n"},
      {"sources:\n"
       "  - name: lan\n"
       "    plugin: network_neighbors\n"
       "    interval: 5x\n"
       "    path: /proc/net/arp\n"
       "  - name: lan\n"
       "    plugin: network_neighbors\n"
       "    on_unknown: ignore\n"
       "    full_sync_interval: 0s\n"
       "  - {plugin: dhcp_leases}\n"
       "  - {name: Bad Name}\n",
       "F:3:13: sources[0].plugin: unknown plugin \"network_neighbors\" (known: none yet)\n"
       "F:4:15: sources[0].interval: \"5x\" is not a duration (e.g. 30s, 5m, 1h, 1d, 1h30m)\n"
       "F:6:11: sources[1].name: duplicate source name \"lan\" (first on line 2)\n"
       "F:7:13: sources[1].plugin: unknown plugin \"network_neighbors\" (known: none yet)\n"
       "F:8:17: sources[1].on_unknown: \"ignore\" is not one of create, flag\n"
       "F:9:25: sources[1].full_sync_interval: \"0s\" is not a duration (e.g. 30s, 5m, 1h, 1d, 1h30m)\n"
       "F:10:14: sources[2].plugin: unknown plugin \"dhcp_leases\" (known: none yet)\n"
       "F:10:5: sources[2]: missing required key \"name\"\n"
       "F:11:12: sources[3].name: \"Bad Name\" is not a source name (lower-case letters, digits, _ and -)\n"
       "F:11:5: sources[3]: missing required key \"plugin\"\n"},
      {"sources: {lan: 1}\n", "F:1:10: sources: expected a list of sources\n"},
      {"- listen\n", "F:1:1: top level: expected a mapping of keys, got a list\n"},
      {"listen: [1,\nlog_level: info\n", "F:3:1: end of sequence flow not found\n"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(problems(c.yaml), c.expected) << "config:\n" << c.yaml;
  }
}

TEST_F(ConfigTest, RepairLabourRateIsMoneyText) {
  auto c = loadConfig(write("repair: {labour_rate: \"40.00\"}\n"));
  ASSERT_TRUE(c);
  EXPECT_EQ(c->repair.labour_rate_cents, 4000);
  EXPECT_EQ(loadConfig(write(""))->repair.labour_rate_cents, 0);
  EXPECT_EQ(problems("repair:\n  labour_rate: \"12.345\"\n"),
            "F:2:16: repair.labour_rate: must be an hourly amount like \"40.00\" from 0.00 to 100000.00, got \"12.345\"\n");
  EXPECT_NE(problems("repair: {labour_rate: \"-1\"}\n"), "ok");
  EXPECT_NE(problems("repair: {rate: \"40.00\"}\n"), "ok");
}

TEST_F(ConfigTest, MissingFileIsOneProblem) {
  const auto path = dir_ / "nope.yaml";
  const auto result = loadConfig(path);
  ASSERT_FALSE(result);
  ASSERT_EQ(result.error().size(), 1u);
  EXPECT_EQ(result.error()[0].format(), path.string() + ":0:0: cannot read: No such file or directory");
}

TEST_F(ConfigTest, ProblemFormatIsFileLineColumnMessage) {
  EXPECT_EQ((ConfigProblem{"/etc/fk.yaml", 3, 7, "boom"}).format(), "/etc/fk.yaml:3:7: boom");
}

}  // namespace
}  // namespace fk

namespace fk {
namespace {

class CampaignConfigTest : public ::testing::Test {
 protected:
  std::string problems(const std::string& text) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("fk-campaign-config-" + std::to_string(::getpid()) + ".yaml");
    std::ofstream(path, std::ios::binary) << text;
    const auto result = loadConfig(path);
    std::filesystem::remove(path);
    if (result) return "ok";
    std::string out;
    for (const auto& p : result.error()) {
      auto line = p.format();
      if (line.starts_with(path.string())) line = "F" + line.substr(path.string().size());
      out += line + "\n";
    }
    return out;
  }
};

TEST_F(CampaignConfigTest, AuditAndCollectionKeys) {
  const auto path = std::filesystem::temp_directory_path() / ("fk-campaign-ok-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(path, std::ios::binary) << "audits:\n  seen_window: 3d\ncollections:\n  alert_below: 0.75\n";
  auto c = loadConfig(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->audits.seen_window, std::chrono::seconds(3 * 86400));
  EXPECT_DOUBLE_EQ(c->collections.alert_below, 0.75);

  EXPECT_EQ(problems("audits:\n  seen_window: soon\n").substr(0, 27), "F:2:16: audits.seen_window:");
  EXPECT_EQ(problems("audits:\n  seen_window: 0s\n").substr(0, 27), "F:2:16: audits.seen_window:");
  EXPECT_EQ(problems("collections:\n  alert_below: 1.5\n"),
            "F:2:16: collections.alert_below: must be a share above 0 and at most 1, like 0.9\n");
  EXPECT_EQ(problems("collections:\n  alert_below: lots\n").substr(0, 32), "F:2:16: collections.alert_below:");
  EXPECT_NE(problems("collections:\n  alert_blow: 0.9\n").find("F:2:3:"), std::string::npos);
}

TEST_F(CampaignConfigTest, RosterReturnWithin) {
  const auto path = std::filesystem::temp_directory_path() / ("fk-roster-ok-" + std::to_string(::getpid()) + ".yaml");
  std::ofstream(path, std::ios::binary) << "roster:\n  return_within: 3d\n";
  auto c = loadConfig(path);
  std::filesystem::remove(path);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->roster.return_within_days, 3);
  EXPECT_EQ(Config{}.roster.return_within_days, 10);
  EXPECT_EQ(problems("roster:\n  return_within: 36h\n"),
            "F:2:18: roster.return_within: must be a whole number of days, at least one, like \"10d\"\n");
  EXPECT_EQ(problems("roster:\n  return_within: 0d\n").substr(0, 29), "F:2:18: roster.return_within:");
  EXPECT_NE(problems("roster:\n  return_in: 3d\n").find("F:2:3:"), std::string::npos);
}

TEST_F(CampaignConfigTest, Defaults) {
  Config c;
  EXPECT_EQ(c.audits.seen_window, std::chrono::seconds(14 * 86400));
  EXPECT_DOUBLE_EQ(c.collections.alert_below, 0.9);
}

}  // namespace
}  // namespace fk
