#include "sources/builtin.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "api/config_keys.hpp"
#include "core/values.hpp"
#include "store/test_support.hpp"

namespace fk {
namespace {

TEST(Builtin, ListsEachPluginOnceByName) {
  const auto& all = builtinFactories();
  std::vector<std::string> names;
  for (const auto& f : all) names.push_back(f->name());
  EXPECT_GE(names.size(), 2u);
  EXPECT_EQ(names[0], "csv_import");
  EXPECT_EQ(names[1], "google_admin");
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size()) << "names are unique";
  EXPECT_NE(findFactory(all, "csv_import"), nullptr);
  EXPECT_EQ(findFactory(all, "nope"), nullptr);
}

std::vector<std::string> problems(const std::string& yaml) {
  test::TempDir dir;
  std::ofstream(dir / "f.yaml") << yaml;
  auto c = loadConfig(dir / "f.yaml", pluginChecks(builtinFactories()));
  std::vector<std::string> out;
  if (c) return out;
  for (auto p : c.error()) {
    p.file = "F";
    out.push_back(p.format());
  }
  return out;
}

TEST(Builtin, CheckConfigReportsUnknownPluginsAndPluginKeysWithPositions) {
  EXPECT_EQ(problems("sources:\n"
                     "  - name: inventory\n"
                     "    plugin: csv_import\n"
                     "    interval: 1m\n"
                     "    timeout: 30s\n"
                     "    overwrite_manual: false\n"
                     "    path: inventory.csv\n"),
            std::vector<std::string>{});
  const auto found = problems(
      "sources:\n"
      "  - name: inventory\n"
      "    plugin: csv_import\n"
      "    paht: inventory.csv\n"
      "    overwrite_manual: maybe\n"
      "  - {name: lan, plugin: network_neighbours}\n");
  ASSERT_EQ(found.size(), 4u);
  EXPECT_EQ(found[0], "F:5:23: sources[0].overwrite_manual: \"maybe\" is not one of true, false");
  EXPECT_EQ(found[1], "F:2:5: sources[0]: missing required key \"path\"");
  EXPECT_EQ(found[2], "F:4:5: sources[0].paht: unknown key \"paht\"");
  EXPECT_TRUE(found[3].starts_with(
      "F:6:25: sources[1].plugin: unknown plugin \"network_neighbours\" (known: csv_import, "))
      << found[3];
}

TEST(ConfigKeys, TypedReadsReportPositionedIssues) {
  YAML::Node entry = YAML::Load(
      "name: x\n"
      "plugin: p\n"
      "flag: perhaps\n"
      "count: 900\n"
      "every: 5x\n"
      "mode: fast\n"
      "extra: 1\n");
  api::ConfigKeys keys(entry);
  EXPECT_FALSE(keys.optionalBool("flag", false));
  EXPECT_FALSE(keys.optionalInt("count", 1, 1, 300));
  EXPECT_FALSE(keys.optionalDuration("every", std::chrono::seconds(1)));
  EXPECT_FALSE(keys.optionalChoice("mode", {"slow", "steady"}, "slow"));
  EXPECT_EQ(keys.optionalDuration("absent", std::chrono::seconds(7)), std::chrono::seconds(7));
  EXPECT_EQ(keys.optionalString("missing", "dflt"), "dflt");
  auto issues = keys.finish();
  ASSERT_EQ(issues.size(), 5u);
  EXPECT_EQ(issues[0].message, "expected true or false, got \"perhaps\"");
  EXPECT_EQ(issues[0].line, 3);
  EXPECT_EQ(issues[0].column, 7);
  EXPECT_EQ(issues[1].message, "expected a whole number from 1 to 300, got \"900\"");
  EXPECT_EQ(issues[2].message, "\"5x\" is not a duration (e.g. 30s, 5m, 1h, 1d, 1h30m)");
  EXPECT_EQ(issues[3].message, "\"fast\" is not one of slow, steady");
  EXPECT_EQ(issues[4].message, "unknown key \"extra\"");
  EXPECT_EQ(issues[4].key, "extra");
  EXPECT_EQ(issues[4].line, 7);

  api::ConfigKeys good(YAML::Load("{flag: yes, count: 12, every: 1h30m}"));
  EXPECT_EQ(good.optionalBool("flag", false), true);
  EXPECT_EQ(good.optionalInt("count", 1, 1, 300), 12);
  EXPECT_EQ(good.optionalDuration("every", std::chrono::seconds(1)), std::chrono::seconds(5400));
  EXPECT_TRUE(good.finish().empty());
}

// A core key (read by the core's config reader) and a plugin key (read by ConfigKeys) given the same text.
struct BothPaths {
  std::optional<SourceConfig> core;
  api::ConfigKeys plugin;
};

BothPaths readBoth(const std::string& key, const std::string& text) {
  test::TempDir dir;
  std::ofstream(dir / "f.yaml") << "sources:\n  - {name: a, plugin: csv_import, path: x.csv, " << key << ": '"
                                << text << "'}\n";
  auto c = loadConfig(dir / "f.yaml", pluginChecks(builtinFactories()));
  std::optional<SourceConfig> core;
  if (c) core = c->sources.at(0);
  return {core, api::ConfigKeys(YAML::Load("{" + key + ": '" + text + "'}"))};
}

TEST(ConfigKeys, DurationsMatchTheCoreSyntax) {
  EXPECT_EQ(api::parseConfigDuration("30s"), std::chrono::seconds(30));
  EXPECT_EQ(api::parseConfigDuration("1d2h"), std::chrono::seconds(93600));
  for (const char* bad : {"", "0s", "5", "h", "1x", "-1s", "1h 30m"})
    EXPECT_FALSE(api::parseConfigDuration(bad)) << bad;
  // Each text through the core's reader (a source's `interval`) and a plugin's ConfigKeys: same verdict, same
  // value.
  for (const char* text : {"30s", "1d2h", "1h30m", "1d2h3m4s", "90m", "30m1h", "1h1h", "0s", "5", "1x",
                           "1.5h", "36500d", "36501d", "99999999999999999999s"}) {
    auto both = readBoth("interval", text);
    auto plugin = both.plugin.optionalDuration("interval", std::chrono::seconds(1));
    ASSERT_EQ(both.core.has_value(), plugin.has_value()) << text;
    if (plugin) {
      EXPECT_EQ(both.core->interval, *plugin) << text;
    }
    EXPECT_EQ(parseDuration(text), api::parseConfigDuration(text)) << text;
  }
}

// At most 100 years, under every key: a start plus a timeout (or an interval, with its jitter and
// back-off) stays far inside the clock's range, which ends in 2262.
TEST(ConfigKeys, DurationsAreBoundedUnderEveryCoreKey) {
  for (const char* key : {"interval", "timeout", "full_sync_interval"}) {
    EXPECT_TRUE(readBoth(key, "36500d").core) << key;
    EXPECT_FALSE(readBoth(key, "36501d").core) << key;
    EXPECT_FALSE(readBoth(key, "9223372036854775807s").core) << key;
  }
}

TEST(ConfigKeys, BooleansMatchTheCoreSyntax) {
  for (const char* text :
       {"true", "false", "yes", "no", "on", "off", "True", "FALSE", "maybe", "1", "0", ""}) {
    auto both = readBoth("overwrite_manual", text);
    auto plugin = both.plugin.optionalBool("overwrite_manual", false);
    ASSERT_EQ(both.core.has_value(), plugin.has_value()) << text;
    if (plugin) {
      EXPECT_EQ(both.core->overwrite_manual, *plugin) << text;
    }
  }
}

}  // namespace
}  // namespace fk
