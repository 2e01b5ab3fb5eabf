#include "csv_import.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "test_support/harness.hpp"

namespace fk::csv_import {
namespace {

namespace fs = std::filesystem;

using Collect = plugin_test::RecordingSink;

class CsvImport : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("csv_import_test_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<api::Source> source(const std::string& path) {
    YAML::Node entry = YAML::Load("{name: inventory, plugin: csv_import, path: " + path + "}");
    return makeFactory()->create({"inventory", entry, dir_});
  }

  api::PollResult poll(api::Source& s, Collect& sink, bool full_sync = false) {
    api::PollContext ctx{.deadline = api::Clock::now() + std::chrono::seconds(10),
                         .now = [] { return api::Clock::now(); },
                         .cancelled = [] { return false; },
                         .log = log_,
                         .http = http_,
                         .file_root = "/",
                         .config_dir = dir_,
                         .state = state_,
                         .next_state = state_,
                         .full_sync = full_sync};
    auto r = s.poll(ctx, sink);
    if (r.ok) state_ = ctx.next_state;
    return r;
  }

  void copyFixture(const std::string& name, const std::string& as) {
    fs::copy_file(fs::path(CSV_IMPORT_TESTDATA) / name, dir_ / as, fs::copy_options::overwrite_existing);
  }

  fs::path dir_;
  std::string state_;
  plugin_test::QuietLog log_;
  plugin_test::NoHttp http_;
};

TEST_F(CsvImport, RowsBecomeManagedObservationsWithLineOrigins) {
  copyFixture("inventory.csv", "inv.csv");
  auto s = source("inv.csv");
  Collect sink;
  auto r = poll(*s, sink, true);
  ASSERT_TRUE(r.ok) << r.message;
  EXPECT_TRUE(r.complete_listing);
  ASSERT_EQ(sink.seen.size(), 3u);
  const auto& first = sink.seen[0];
  EXPECT_EQ(first.kind, api::ObservationKind::managed);
  EXPECT_EQ(first.origin, "line 2");
  EXPECT_EQ(first.fields.at("serial"), "5CD1001AAA");
  EXPECT_EQ(first.fields.at("purchase_price"), "289.00");
  EXPECT_EQ(first.fields.at("status"), "deployed");
  EXPECT_EQ(first.macs, std::vector<std::string>{"aa:bb:cc:00:10:01"});
  ASSERT_TRUE(first.observed_at);
  EXPECT_EQ(sink.seen[1].fields.at("notes"), "cracked bezel, taped");
  EXPECT_FALSE(sink.seen[1].fields.count("location") && sink.seen[1].fields.at("location").empty());
  EXPECT_EQ(sink.seen[2].macs.size(), 2u);
  EXPECT_EQ(sink.seen[2].fields.at("loaner"), "true");
}

TEST_F(CsvImport, ReadsSnipeItExports) {
  copyFixture("snipeit.csv", "assets.csv");
  auto s = source("assets.csv");
  Collect sink;
  ASSERT_TRUE(poll(*s, sink, true).ok);
  ASSERT_EQ(sink.seen.size(), 2u);
  EXPECT_EQ(sink.seen[0].fields.at("kind"), "tablet");
  EXPECT_EQ(sink.seen[0].fields.at("warranty_end"), "2024-09-01");
  EXPECT_EQ(sink.seen[1].fields.at("purchase_price"), "329.00");
}

TEST_F(CsvImport, UnchangedFileIsNotReadAgainButAChangedOneIs) {
  copyFixture("inventory.csv", "inv.csv");
  auto s = source("inv.csv");
  Collect first, second, third;
  ASSERT_TRUE(poll(*s, first, true).ok);
  ASSERT_TRUE(poll(*s, second).ok);
  EXPECT_TRUE(second.seen.empty()) << "same size and mtime";

  // Same bytes, new mtime: read, but the hash says nothing changed.
  fs::last_write_time(dir_ / "inv.csv", fs::last_write_time(dir_ / "inv.csv") + std::chrono::seconds(5));
  ASSERT_TRUE(poll(*s, second).ok);
  EXPECT_TRUE(second.seen.empty());

  std::ofstream(dir_ / "inv.csv", std::ios::app) << "CB-1003,5CD1003AAA,chromebook,HP,,,,,,,,\n";
  auto r = poll(*s, third);
  ASSERT_TRUE(r.ok) << r.message;
  EXPECT_EQ(third.seen.size(), 4u);
  Collect full;
  ASSERT_TRUE(poll(*s, full, true).ok);
  EXPECT_EQ(full.seen.size(), 4u) << "a full sync reads the file whatever its fingerprint";
}

TEST_F(CsvImport, BadFileFailsWithLineNumbersAndEmitsNothing) {
  copyFixture("broken.csv", "inv.csv");
  auto s = source("inv.csv");
  Collect sink;
  auto r = poll(*s, sink, true);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, api::FailureReason::bad_response);
  EXPECT_NE(r.message.find("line 3 (purchase_date)"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("line 4 (serial)"), std::string::npos) << r.message;
  EXPECT_TRUE(sink.seen.empty());
  EXPECT_TRUE(state_.empty()) << "a failed poll keeps the old state";

  // An unknown column is ignored, as by the import route: the rest of the file is read.
  copyFixture("unknown_column.csv", "inv.csv");
  r = poll(*s, sink, true);
  EXPECT_TRUE(r.ok) << r.message;
  ASSERT_EQ(sink.seen.size(), 1u);
  EXPECT_EQ(sink.seen[0].fields.at("serial"), "S-1");
}

// An inventory rewritten in place while it is polled: every listing the source accepts is one whole
// version of the file, never the part written so far (which would mark the rest as having left).
// Lines are 64 bytes, so a read cut at any page boundary is still a well-formed, shorter CSV.
TEST_F(CsvImport, AFileCaughtMidWriteIsNeverTakenAsTheListing) {
  const auto inventory = [](int rows, char tag) {
    std::string text = "asset_tag,serial,notes\n";
    for (int i = 0; i < rows; ++i) {
      std::string line = std::string(1, tag) + "-" + std::to_string(100000 + i) + ",S" + tag +
                         std::to_string(100000 + i) + ",";
      line += std::string(63 - line.size(), 'x') + "\n";
      text += line;
    }
    return text;
  };
  const std::string a = inventory(3000, 'A'), b = inventory(2000, 'B');
  const auto write = [&](const std::string& text) {
    std::ofstream(dir_ / "inv.csv", std::ios::binary | std::ios::trunc) << text;
  };
  write(a);
  auto s = source("inv.csv");
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    // Rewrites in place, as an export job that truncates and writes would, far more often than one.
    for (int i = 0; !stop; ++i) {
      write(i % 2 ? a : b);
      std::this_thread::sleep_for(std::chrono::milliseconds(3));
    }
  });
  int whole = 0, refused = 0;
  for (int i = 0; i < 150; ++i) {
    Collect sink;
    state_.clear();
    auto r = poll(*s, sink, /*full_sync=*/true);
    if (!r.ok) {
      ++refused;
      EXPECT_TRUE(sink.seen.empty()) << r.message;
      continue;
    }
    EXPECT_TRUE(sink.seen.size() == 3000 || sink.seen.size() == 2000)
        << "poll " << i << " took a listing of " << sink.seen.size() << " rows";
    if (sink.seen.size() == 3000 || sink.seen.size() == 2000) ++whole;
  }
  stop = true;
  writer.join();
  EXPECT_GT(whole, 0) << refused << " refused";
}

TEST_F(CsvImport, MissingFileIsAnIoFailure) {
  auto s = source("nowhere.csv");
  Collect sink;
  auto r = poll(*s, sink, true);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, api::FailureReason::io);
  EXPECT_NE(r.message.find("nowhere.csv"), std::string::npos);
}

TEST(CsvImportConfig, PathIsRequiredAndUnknownKeysRefusedWithPositions) {
  auto f = makeFactory();
  EXPECT_TRUE(f->validate(YAML::Load("{name: a, plugin: csv_import, interval: 1m, path: x.csv}")).empty());
  auto issues = f->validate(YAML::Load("name: a\nplugin: csv_import\npaht: x.csv\n"));
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].message, "missing required key \"path\"");
  EXPECT_EQ(issues[1].message, "unknown key \"paht\"");
  EXPECT_EQ(issues[1].key, "paht");
  EXPECT_EQ(issues[1].line, 3);
  EXPECT_EQ(issues[1].column, 1);
  issues = f->validate(YAML::Load("name: a\nplugin: csv_import\npath: [a, b]\n"));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].message, "expected text, got a list");
  EXPECT_EQ(issues[0].line, 3);
  EXPECT_EQ(issues[0].column, 7);
}

}  // namespace
}  // namespace fk::csv_import
