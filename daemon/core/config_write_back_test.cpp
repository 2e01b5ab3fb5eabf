#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "core/config.hpp"

namespace fk {
namespace {

namespace fs = std::filesystem;

class WriteBackConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("fk-wb-config-test-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    plugins_["google_admin"] = [](const YAML::Node&) { return std::vector<api::ConfigIssue>{}; };
    plugins_["csv_import"] = plugins_["google_admin"];
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::expected<Config, std::vector<ConfigProblem>> load(const std::string& block,
                                                         const std::string& plugin = "google_admin") {
    const auto path = dir_ / "fk.yaml";
    std::ofstream(path) << "sources:\n  - name: google\n    plugin: " << plugin << "\n    write_back:\n" << block;
    return loadConfig(path, plugins_, {"google_admin"});
  }
  std::string problems(const std::string& block, const std::string& plugin = "google_admin") {
    auto c = load(block, plugin);
    if (c) return "ok";
    std::string out;
    for (const auto& p : c.error())
      out += std::to_string(p.line) + ":" + std::to_string(p.column) + ": " + p.message + "\n";
    return out;
  }

  fs::path dir_;
  PluginChecks plugins_;
};

TEST_F(WriteBackConfigTest, EveryKey) {
  auto c = load(
      "      asset_id: true\n      location: true\n      user: true\n      disable_lost: true\n"
      "      disable_unreturned: true\n      org_unit_for_status: {retired: \"/Retired\", lost: /Lost}\n"
      "      dry_run: false\n      max_disables_per_poll: 10\n");
  ASSERT_TRUE(c) << problems("");
  ASSERT_TRUE(c->sources.at(0).write_back);
  const WriteBackConfig& w = *c->sources[0].write_back;
  EXPECT_TRUE(w.asset_id && w.location && w.user && w.disable_lost && w.disable_unreturned);
  EXPECT_FALSE(w.dry_run);
  EXPECT_EQ(w.max_disables_per_poll, 10);
  EXPECT_EQ(w.org_unit_for_status.at(DeviceStatus::retired), "/Retired");
  EXPECT_EQ(w.org_unit_for_status.at(DeviceStatus::lost), "/Lost");
}

TEST_F(WriteBackConfigTest, DefaultsAreDryRunWithNothingOn) {
  auto c = load("      {}\n");
  ASSERT_TRUE(c);
  const WriteBackConfig& w = *c->sources.at(0).write_back;
  EXPECT_TRUE(w.dry_run);
  EXPECT_EQ(w.max_disables_per_poll, 50);
  EXPECT_FALSE(w.asset_id || w.location || w.user || w.disable_lost || w.disable_unreturned);
  EXPECT_TRUE(w.org_unit_for_status.empty());
}

TEST_F(WriteBackConfigTest, ProblemsArePositioned) {
  EXPECT_EQ(problems("      asset_id: maybe\n      disable_lots: true\n      max_disables_per_poll: -1\n"
                     "      org_unit_for_status: {retired: Retired, gone: /X}\n"),
            "5:17: sources[0].write_back.asset_id: \"maybe\" is not one of true, false\n"
            "6:7: unknown key \"disable_lots\"\n"
            "7:30: sources[0].write_back.max_disables_per_poll: expected a whole number 0 to 100000, got \"-1\"\n"
            "8:38: sources[0].write_back.org_unit_for_status.retired: expected an org unit path starting with /, "
            "such as \"/Retired\"\n"
            "8:47: sources[0].write_back.org_unit_for_status.gone: \"gone\" is not a device status (on_order, "
            "in_stock, deployed, in_repair, lost, stolen, retired, disposed)\n");
}

TEST_F(WriteBackConfigTest, OnlyPluginsThatWriteBack) {
  EXPECT_EQ(problems("      asset_id: true\n", "csv_import"),
            "4:5: sources[0].write_back: the csv_import plugin cannot write back\n");
}

}  // namespace
}  // namespace fk
