#include "csv_import.hpp"

#include <dlfcn.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>

#include "test_support/harness.hpp"

namespace fk::csv_import {
namespace {
// Stands in for libc's read() in this test binary: when a read of the watched file (by inode) reaches
// its end, `at_end` runs once per hook, as a writer that goes on writing after the reader saw the end.
// The plugin's reads, whichever way it makes them, end up here.
std::function<void()> g_at_end;
ino_t g_watched = 0;
std::mutex g_hook_mutex;

struct WriterCatchesUp {
  WriterCatchesUp(ino_t inode, std::function<void()> at_end) {
    std::lock_guard lock(g_hook_mutex);
    g_watched = inode;
    g_at_end = std::move(at_end);
  }
  ~WriterCatchesUp() {
    std::lock_guard lock(g_hook_mutex);
    g_watched = 0;
    g_at_end = nullptr;
  }
};

void atEndOf(int fd) {
  std::function<void()> run;
  {
    std::lock_guard lock(g_hook_mutex);
    struct stat st {};
    if (!g_at_end || ::fstat(fd, &st) != 0 || st.st_ino != g_watched) return;
    run = g_at_end;
  }
  run();
}

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

// An export job still writing the inventory when the poll reads it: the reader reaches the end of
// what is there so far, and only then does the writer add the rest. Taken as it was read, the first
// 1000 rows would be the whole listing and the other 2000 devices would be marked as having left.
TEST_F(CsvImport, AFileCaughtMidWriteIsNeverTakenAsTheListing) {
  const auto rows = [](int from, int to) {
    std::string text;
    for (int i = from; i < to; ++i) text += "A-" + std::to_string(i) + ",SA" + std::to_string(i) + "\n";
    return text;
  };
  const fs::path file = dir_ / "inv.csv";
  std::ofstream(file, std::ios::binary) << "asset_tag,serial\n" << rows(0, 1000);
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  int caught_up = 0;
  WriterCatchesUp hook(st.st_ino, [&] {
    if (caught_up++ == 0) std::ofstream(file, std::ios::binary | std::ios::app) << rows(1000, 3000);
  });
  auto s = source("inv.csv");
  Collect sink;
  auto r = poll(*s, sink, /*full_sync=*/true);
  ASSERT_EQ(caught_up > 0, true) << "the writer was never given its moment";
  ASSERT_TRUE(r.ok) << r.message;
  EXPECT_EQ(sink.seen.size(), 3000u) << "the listing is the file once it held still, not the part read first";
}

TEST_F(CsvImport, AnEmptyFileIsNotAnEmptyInventory) {
  std::ofstream(dir_ / "inv.csv", std::ios::binary) << "\n";  // truncated by its writer, nothing written yet
  auto s = source("inv.csv");
  Collect sink;
  auto r = poll(*s, sink, true);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, api::FailureReason::io);
  EXPECT_NE(r.message.find("is empty"), std::string::npos) << r.message;
  std::ofstream(dir_ / "inv.csv", std::ios::binary) << "asset_tag,serial\n";
  EXPECT_TRUE(poll(*s, sink, true).ok) << "a header and no rows is an inventory with no devices";
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

extern "C" ssize_t read(int fd, void* buffer, size_t size) {
  using Read = ssize_t (*)(int, void*, size_t);
  static const auto real = reinterpret_cast<Read>(::dlsym(RTLD_NEXT, "read"));
  const ssize_t n = real(fd, buffer, size);
  if (n == 0) fk::csv_import::atEndOf(fd);
  return n;
}
