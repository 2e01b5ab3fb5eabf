#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>

#include "store/device_store.hpp"
#include "store/test_support.hpp"

namespace fk {
namespace {

using test::draft;

ImportRow row(std::size_t line, DeviceDraft d) {
  return {line, std::move(d)};
}

DeviceDraft located(const std::string& serial, const std::string& tag, const std::string& location) {
  DeviceDraft d = draft(serial, tag);
  d.location = location;
  d.kind = DeviceKind::chromebook;
  return d;
}

std::string mac(std::size_t i) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "02:00:%02zx:%02zx:%02zx:%02zx", (i >> 24) & 0xff, (i >> 16) & 0xff,
                (i >> 8) & 0xff, i & 0xff);
  return buf;
}

class DeviceImportTest : public test::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    store_ = std::make_unique<DeviceStore>(db());
  }
  DeviceStore& store() { return *store_; }
  std::unique_ptr<DeviceStore> store_;
};

TEST_F(DeviceImportTest, NewRowsAreCreatedWithAnImportedEvent) {
  DeviceDraft on_order = located("SN2", "TAG2", "Lincoln");
  on_order.status = DeviceStatus::on_order;
  auto r = store().import({row(2, located("SN1", "TAG1", "Lincoln")), row(3, on_order)}, "token:admin");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->created, 2u);
  EXPECT_EQ(r->updated, 0u);
  auto second = store().get({DeviceRef::By::serial, 0, "SN2"});
  EXPECT_EQ(second->status, DeviceStatus::on_order);
  EXPECT_EQ(store().get({DeviceRef::By::serial, 0, "SN1"})->status, DeviceStatus::in_stock);
  auto history = store().events({DeviceRef::By::serial, 0, "SN1"});
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ(history->front().action, "imported");
  EXPECT_EQ(history->front().actor, "token:admin");
}

// The imported event stores no values (see store/device_import.hpp); the history still shows what
// the import created, however the device changed afterwards.
TEST_F(DeviceImportTest, HistoryShowsWhatTheImportCreatedAfterLaterChanges) {
  DeviceDraft d = located("SN1", "TAG1", "Lincoln");
  d.model = "HP Chromebook 11 G9 EE";
  d.purchase_price_cents = std::optional<std::int64_t>(28900);
  d.macs = std::vector<std::string>{mac(2), mac(1)};
  ASSERT_TRUE(store().import({row(2, d)}, "token:admin"));
  EXPECT_EQ(scalar("SELECT count(*) FROM events WHERE changes = '\"initial\"'"), 1);
  auto fieldsOf = [](const DeviceEvent& e) {
    std::map<std::string, nlohmann::json> out;
    for (const FieldChange& c : e.changes) {
      EXPECT_TRUE(c.old_value.is_null()) << c.field;
      out[c.field] = c.new_value;
    }
    return out;
  };
  const auto created = fieldsOf(store().events({DeviceRef::By::serial, 0, "SN1"})->front());

  DeviceDraft change;
  change.location = "Roosevelt";
  change.model = "";
  change.purchase_price_cents = std::optional<std::int64_t>(30000);
  change.macs = std::vector<std::string>{mac(3)};
  change.loaner = true;
  ASSERT_TRUE(store().update({DeviceRef::By::serial, 0, "SN1"}, change, 1, "token:tech"));
  ASSERT_TRUE(store().transition({DeviceRef::By::serial, 0, "SN1"}, DeviceStatus::deployed, "cart", "system"));
  DeviceDraft back;
  back.location = "Lincoln";
  ASSERT_TRUE(store().update({DeviceRef::By::serial, 0, "SN1"}, back, 3, "token:tech"));

  auto history = store().events({DeviceRef::By::serial, 0, "SN1"}).value();
  ASSERT_EQ(history.size(), 4u);
  EXPECT_EQ(history[0].action, "imported");
  EXPECT_EQ(history[0].actor, "token:admin");
  auto fields = fieldsOf(history[0]);
  EXPECT_EQ(fields, created);
  EXPECT_EQ(fields["location"], "Lincoln");
  EXPECT_EQ(fields["model"], "HP Chromebook 11 G9 EE");
  EXPECT_EQ(fields["purchase_price"], "289.00");
  EXPECT_EQ(fields["macs"], nlohmann::json({mac(1), mac(2)}));
  EXPECT_EQ(fields["status"], "in_stock");
  EXPECT_EQ(fields["kind"], "chromebook");
  EXPECT_EQ(fields.count("loaner"), 0u);
  EXPECT_EQ(history[1].action, "updated");
  EXPECT_EQ(history[2].changes[0].new_value, "deployed");
}

TEST_F(DeviceImportTest, ReimportUpdatesInsteadOfDuplicating) {
  std::vector<ImportRow> rows{row(2, located("SN1", "TAG1", "Lincoln")),
                              row(3, located("SN2", "TAG2", "Lincoln"))};
  ASSERT_TRUE(store().import(rows, "system"));
  std::uint64_t generation = db().generation();
  auto same = store().import(rows, "system");
  ASSERT_TRUE(same.has_value());
  EXPECT_EQ(same->unchanged, 2u);
  EXPECT_EQ(same->created + same->updated, 0u);
  EXPECT_EQ(scalar("SELECT count(*) FROM events"), 2);
  EXPECT_EQ(db().generation(), generation);

  rows[1].draft.location = "Roosevelt";
  auto moved = store().import(rows, "system");
  ASSERT_TRUE(moved.has_value());
  EXPECT_EQ(moved->updated, 1u);
  EXPECT_EQ(moved->unchanged, 1u);
  EXPECT_EQ(scalar("SELECT count(*) FROM devices"), 2);
  Device d = store().get({DeviceRef::By::serial, 0, "SN2"}).value();
  EXPECT_EQ(d.location, "Roosevelt");
  EXPECT_EQ(d.version, 2);
  auto history = store().events({DeviceRef::By::id, d.id, ""});
  EXPECT_EQ(history->back().action, "updated");
  ASSERT_EQ(history->back().changes.size(), 1u);
  EXPECT_EQ(history->back().changes[0].field, "location");
}

TEST_F(DeviceImportTest, OneBadRowMeansNothingIsWritten) {
  ASSERT_TRUE(store().import({row(2, located("SN0", "TAG0", "Old"))}, "system"));
  DeviceDraft nameless;
  nameless.model = "No serial, no tag";
  std::vector<ImportRow> rows{row(2, located("SN0", "TAG0", "New")), row(3, located("SN1", "TAG1", "x")),
                              row(4, nameless), row(5, located("SN5", "TAG5", "x"))};
  auto r = store().import(rows, "system");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::invalid);
  const auto& errors = r.error().details["errors"];
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0]["line"], 4);
  EXPECT_EQ(scalar("SELECT count(*) FROM devices"), 1);
  EXPECT_EQ(store().get({DeviceRef::By::serial, 0, "SN0"})->location, "Old");
  EXPECT_EQ(scalar("SELECT count(*) FROM events"), 1);
}

TEST_F(DeviceImportTest, DuplicatesWithinTheFileNameBothLines) {
  auto r = store().import({row(2, located("SN1", "TAG1", "")), row(3, located("SN2", "TAG2", "")),
                           row(7, located("SN1", "TAG3", "")), row(9, located("SN4", "TAG2", ""))},
                          "system");
  ASSERT_FALSE(r.has_value());
  const auto& errors = r.error().details["errors"];
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0]["line"], 7);
  EXPECT_EQ(errors[0]["field"], "serial");
  EXPECT_NE(errors[0]["message"].get<std::string>().find("line 2"), std::string::npos);
  EXPECT_EQ(errors[1]["line"], 9);
  EXPECT_EQ(errors[1]["field"], "asset_tag");
  EXPECT_NE(errors[1]["message"].get<std::string>().find("line 3"), std::string::npos);
  EXPECT_EQ(scalar("SELECT count(*) FROM devices"), 0);
}

TEST_F(DeviceImportTest, ARowPointingAtTwoDevicesIsRefused) {
  ASSERT_TRUE(store().import({row(2, draft("SN-A", "TAG-A")), row(3, draft("SN-B", "TAG-B"))}, "system"));
  auto r = store().import({row(2, draft("SN-A", "TAG-B"))}, "system");
  ASSERT_FALSE(r.has_value());
  const auto& errors = r.error().details["errors"];
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0]["line"], 2);
  EXPECT_EQ(store().get({DeviceRef::By::serial, 0, "SN-A"})->asset_tag, "TAG-A");
}

TEST_F(DeviceImportTest, TwoRowsForTheSameDeviceAreRefused) {
  ASSERT_TRUE(store().import({row(2, draft("SN-A", "TAG-A"))}, "system"));
  auto r = store().import({row(2, draft("SN-A")), row(3, draft("", "TAG-A"))}, "system");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().details["errors"][0]["line"], 3);
}

TEST_F(DeviceImportTest, StatusOfAnExistingDeviceMovesOnlyAlongTheLifecycle) {
  ASSERT_TRUE(store().import({row(2, draft("SN1")), row(3, draft("SN2"))}, "system"));
  DeviceDraft deploy = draft("SN1");
  deploy.status = DeviceStatus::deployed;
  auto ok = store().import({row(2, deploy)}, "system");
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  EXPECT_EQ(ok->updated, 1u);
  Device d = store().get({DeviceRef::By::serial, 0, "SN1"}).value();
  EXPECT_EQ(d.status, DeviceStatus::deployed);
  auto history = store().events({DeviceRef::By::id, d.id, ""});
  EXPECT_EQ(history->back().action, "transition");
  EXPECT_EQ(history->back().changes[0].new_value, "deployed");

  DeviceDraft dispose = draft("SN2");
  dispose.status = DeviceStatus::disposed;  // in_stock -> disposed skips retired
  auto refused = store().import({row(5, dispose)}, "system");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().details["errors"][0]["field"], "status");
  EXPECT_EQ(refused.error().details["errors"][0]["line"], 5);
  EXPECT_EQ(store().get({DeviceRef::By::serial, 0, "SN2"})->status, DeviceStatus::in_stock);
}

TEST_F(DeviceImportTest, ASmallImportIntoALargeRegistryMatchesByIndex) {
  // More than four existing devices per imported row switches to per-row index lookups.
  std::vector<ImportRow> base;
  for (int i = 0; i < 40; ++i) base.push_back(row(i + 2, located("SN" + std::to_string(i), "", "A")));
  ASSERT_TRUE(store().import(base, "system"));
  auto r = store().import({row(2, located("SN7", "TAG7", "A")), row(3, located("NEW", "", "A"))}, "system");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->updated, 1u);
  EXPECT_EQ(r->created, 1u);
  EXPECT_EQ(store().get({DeviceRef::By::asset_tag, 0, "TAG7"})->serial, "SN7");
  auto conflict = store().import({row(2, draft("SN8", "TAG7"))}, "system");
  ASSERT_FALSE(conflict.has_value());
}

TEST_F(DeviceImportTest, MacsAreReplacedWhenTheRowChangesThem) {
  DeviceDraft d = draft("SN1");
  d.macs = std::vector<std::string>{mac(1), mac(2)};
  ASSERT_TRUE(store().import({row(2, d)}, "system"));
  d.macs = std::vector<std::string>{mac(3)};
  ASSERT_TRUE(store().import({row(2, d)}, "system"));
  EXPECT_EQ(store().get({DeviceRef::By::serial, 0, "SN1"})->macs, std::vector<std::string>{mac(3)});
  EXPECT_EQ(scalar("SELECT count(*) FROM device_macs"), 1);
}

TEST_F(DeviceImportTest, ForEachStreamsEveryDeviceInIdOrder) {
  std::vector<ImportRow> rows;
  for (std::size_t i = 0; i < 2500; ++i) {
    DeviceDraft d = draft("F" + std::to_string(i));
    d.macs = std::vector<std::string>{mac(i)};
    rows.push_back(row(i + 2, d));
  }
  ASSERT_TRUE(store().import(rows, "system"));
  std::int64_t last = 0;
  std::size_t count = 0;
  bool macs_ok = true;
  ASSERT_TRUE(store().forEach([&](const Device& d) {
    EXPECT_GT(d.id, last);
    last = d.id;
    macs_ok = macs_ok && d.macs == std::vector<std::string>{mac(count)};
    ++count;
  }));
  EXPECT_EQ(count, 2500u);
  EXPECT_TRUE(macs_ok);
}

// A CSV of `rows` generated devices (CSV line i+2 is device i), more than one reader batch.
std::string fleetCsv(std::size_t rows, std::size_t first = 0) {
  std::string csv = "serial,asset_tag,kind,location,purchase_date,macs\n";
  for (std::size_t i = first; i < first + rows; ++i) {
    csv += "SN" + std::to_string(i) + ",TAG" + std::to_string(i) + ",chromebook,School " +
           std::to_string(i % 7) + ",2024-07-15," + mac(i) + "\n";
  }
  return csv;
}

TEST_F(DeviceImportTest, CsvImportWritesEveryRowInFileOrder) {
  constexpr std::size_t kRows = 2000;  // four of the reader's batches
  auto r = store().importCsv(fleetCsv(kRows), "token:admin");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->created, kRows);
  EXPECT_EQ(scalar("SELECT count(*) FROM events WHERE action = 'imported' AND actor = 'token:admin'"),
            static_cast<std::int64_t>(kRows));
  EXPECT_EQ(scalar("SELECT count(*) FROM device_macs"), static_cast<std::int64_t>(kRows));
  std::size_t next = 0;
  ASSERT_TRUE(store().forEach([&](const Device& d) {
    EXPECT_EQ(d.serial, "SN" + std::to_string(next));
    EXPECT_EQ(d.macs, std::vector<std::string>{mac(next)});
    ++next;
  }));
  EXPECT_EQ(next, kRows);

  const std::uint64_t generation = db().generation();
  auto again = store().importCsv(fleetCsv(kRows), "token:admin");
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->unchanged, kRows);
  EXPECT_EQ(db().generation(), generation);
  EXPECT_EQ(scalar("SELECT count(*) FROM events"), static_cast<std::int64_t>(kRows));
}

TEST_F(DeviceImportTest, CsvProblemsLateInTheFileRefuseAllOfIt) {
  ASSERT_TRUE(store().importCsv(fleetCsv(1, 90000), "system"));
  std::string csv = fleetCsv(1500);  // lines 2..1501, written before the problems are read
  csv += "SN-X,TAG-X,chromebook,School 1,2024-02-30,\n";  // line 1502
  csv += "SN7,TAG-Y,laptop,School 1,,\n";                // line 1503
  auto r = store().importCsv(csv, "system");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::invalid);
  EXPECT_EQ(r.error().message, "2 errors; nothing was imported");
  const auto& errors = r.error().details["errors"];
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0]["line"], 1502);
  EXPECT_EQ(errors[0]["field"], "purchase_date");
  EXPECT_EQ(errors[1]["line"], 1503);
  EXPECT_EQ(errors[1]["field"], "serial");
  EXPECT_EQ(errors[1]["message"], "\"SN7\" repeats line 9");
  EXPECT_EQ(r.error().details["error_count"], 2);
  EXPECT_EQ(scalar("SELECT count(*) FROM devices"), 1);
  EXPECT_EQ(scalar("SELECT count(*) FROM device_macs"), 1);
  EXPECT_EQ(scalar("SELECT count(*) FROM events"), 1);
}

TEST_F(DeviceImportTest, CsvConflictTheWriterFindsRefusesAllOfIt) {
  ASSERT_TRUE(store().import({row(2, draft("SN-A", "TAG-A")), row(3, draft("SN-B", "TAG-B"))}, "system"));
  std::string csv = fleetCsv(1200);
  csv += "SN-A,TAG-B,laptop,,,\n";  // line 1202: two stored devices
  csv += "SN-NEW,TAG-NEW,laptop,,,\n";
  auto r = store().importCsv(csv, "system");
  ASSERT_FALSE(r.has_value());
  const auto& errors = r.error().details["errors"];
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0]["line"], 1202);
  EXPECT_EQ(errors[0]["field"], "asset_tag");
  EXPECT_EQ(scalar("SELECT count(*) FROM devices"), 2);
  EXPECT_EQ(scalar("SELECT count(*) FROM events"), 2);
}

TEST_F(DeviceImportTest, CsvRowTheDatabaseRefusesIsThatLinesProblem) {
  // Stands in for a constraint the checks before the write could not foresee.
  db().with([](SQLite::Database& c) {
    c.exec("CREATE TRIGGER refuse_sn900 BEFORE INSERT ON devices WHEN NEW.serial = 'SN900' "
           "BEGIN SELECT RAISE(ABORT, 'serial SN900 refused'); END");
  });
  auto r = store().importCsv(fleetCsv(1000), "system");
  ASSERT_FALSE(r.has_value());
  const auto& errors = r.error().details["errors"];
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0]["line"], 902);
  EXPECT_NE(errors[0]["message"].get<std::string>().find("SN900 refused"), std::string::npos);
  EXPECT_EQ(scalar("SELECT count(*) FROM devices"), 0);
  EXPECT_EQ(scalar("SELECT count(*) FROM events"), 0);
}

TEST_F(DeviceImportTest, CsvHeaderProblemsAndEmptyFiles) {
  // Unknown columns are ignored and listed; strict mode refuses them, naming the column.
  DeviceImportOptions strict;
  strict.csv.strict = true;
  auto bad = store().importCsv("serial,colour\nSN1,red\n", "system", strict);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().details["errors"][0]["field"], "colour");
  EXPECT_EQ(scalar("SELECT count(*) FROM devices"), 0);
  auto lenient = store().importCsv("serial,colour\nSN1,red\n", "system");
  ASSERT_TRUE(lenient.has_value()) << lenient.error().message;
  EXPECT_EQ(lenient->ignored_columns, std::vector<std::string>{"colour"});
  EXPECT_EQ(lenient->created, 1u);
  auto empty = store().importCsv("serial,asset_tag\n", "system");
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(empty->created + empty->updated + empty->unchanged, 0u);
  EXPECT_EQ(scalar("SELECT count(*) FROM devices"), 1);  // only the lenient import's device
}

TEST_F(DeviceImportTest, CsvErrorsBeyondTheReportedOnesAreCounted) {
  std::string csv = "serial,purchase_date\n";
  for (int i = 0; i < 1200; ++i) csv += "SN" + std::to_string(i) + ",not a date\n";
  auto r = store().importCsv(csv, "system");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().details["errors"].size(), kMaxReportedImportErrors);
  EXPECT_EQ(r.error().details["error_count"], 1200);
  EXPECT_EQ(r.error().details["truncated"], true);
}

// Not a timed test: run by hand with --gtest_also_run_disabled_tests to measure a district-size import.
TEST_F(DeviceImportTest, DISABLED_Import100kDevicesBenchmark) {
  constexpr std::size_t kRows = 100000;
  std::vector<ImportRow> rows;
  rows.reserve(kRows);
  for (std::size_t i = 0; i < kRows; ++i) {
    DeviceDraft d =
        draft("5CD" + std::to_string(1000000 + i * 7919 % kRows), "CB-" + std::to_string(100000 + i));
    d.kind = DeviceKind::chromebook;
    d.manufacturer = "HP";
    d.model = "HP Chromebook 11 G9 EE";
    d.location = "School " + std::to_string(i % 40);
    d.purchase_date = "2024-07-15";
    d.purchase_price_cents = std::optional<std::int64_t>(28900);
    d.macs = std::vector<std::string>{mac(i)};
    rows.push_back(row(i + 2, std::move(d)));
  }
  // CPU time next to wall time: on a shared build machine the wall clock mostly measures the others.
  auto timed = [&](const char* what, auto&& fn) {
    auto wall = std::chrono::steady_clock::now();
    std::clock_t cpu = std::clock();
    fn();
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - wall)
                  .count();
    std::printf("%s of %zu devices: %lld ms wall, %lld ms cpu\n", what, kRows, static_cast<long long>(ms),
                static_cast<long long>((std::clock() - cpu) * 1000 / CLOCKS_PER_SEC));
  };
  timed("import", [&] {
    auto r = store().import(rows, "system");
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_EQ(r->created, kRows);
  });
  timed("unchanged re-import", [&] {
    auto again = store().import(rows, "system");
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->unchanged, kRows);
  });
}

}  // namespace
}  // namespace fk
