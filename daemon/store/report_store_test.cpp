#include "store/report_store.hpp"

#include <gtest/gtest.h>

#include "store/device_store.hpp"
#include "store/model_store.hpp"
#include "store/scope_sql.hpp"
#include "store/test_support.hpp"

namespace fk {
namespace {

class ReportStoreTest : public test::StoreTest {
 protected:
  Device add(const std::string& serial, DeviceKind kind, const std::string& model,
             const std::string& location, const std::string& aue,
             DeviceStatus status = DeviceStatus::in_stock) {
    DeviceStore store(db());
    DeviceDraft d = test::draft(serial);
    d.kind = kind;
    if (!model.empty()) d.model = model;
    if (!location.empty()) d.location = location;
    if (!aue.empty()) d.aue_date = aue;
    d.status = status;
    auto created = store.create(d, "system");
    EXPECT_TRUE(created.has_value()) << (created ? "" : created.error().message);
    return created.value_or(Device{});
  }
};

TEST_F(ReportStoreTest, CountsByStatusKindModelAndLocation) {
  add("1", DeviceKind::chromebook, "CB", "Lincoln", "");
  add("2", DeviceKind::chromebook, "CB", "Lincoln", "", DeviceStatus::deployed);
  add("3", DeviceKind::laptop, "Lat", "Roosevelt", "", DeviceStatus::deployed);
  add("4", DeviceKind::laptop, "", "", "", DeviceStatus::retired);
  auto c = readFleetCounts(db(), "2026-11-27");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->total, 4);
  EXPECT_EQ((c->by_status_kind[{"in_stock", "chromebook"}]), 1);
  EXPECT_EQ((c->by_status_kind[{"deployed", "chromebook"}]), 1);
  EXPECT_EQ((c->by_status_kind[{"deployed", "laptop"}]), 1);
  EXPECT_EQ((c->by_status_kind[{"retired", "laptop"}]), 1);
  EXPECT_EQ(c->by_status_kind.size(), 4u);
  EXPECT_EQ((c->by_model_status[{"CB", "deployed"}]), 1);
  EXPECT_EQ((c->by_model_status[{"", "retired"}]), 1);
  EXPECT_EQ(c->by_location["Lincoln"], 2);
  EXPECT_EQ(c->by_location[""], 1);
  EXPECT_EQ(c->by_location.size(), 3u);
}

TEST_F(ReportStoreTest, AueBucketsAreCumulativeAndSkipDevicesOutOfService) {
  const std::string today = "2026-11-27";
  add("past", DeviceKind::chromebook, "", "", "2026-11-26");
  add("today", DeviceKind::chromebook, "", "", "2026-11-27");  // within 90
  add("d89", DeviceKind::chromebook, "", "", "2027-02-24");    // today + 89
  add("d90", DeviceKind::chromebook, "", "", "2027-02-25");    // today + 90: not within 90
  add("d200", DeviceKind::chromebook, "", "", "2027-06-15");
  add("d400", DeviceKind::chromebook, "", "", "2028-01-01");
  add("d800", DeviceKind::chromebook, "", "", "2029-02-04");  // beyond 730
  add("retired", DeviceKind::chromebook, "", "", "2020-01-01", DeviceStatus::retired);
  add("lost", DeviceKind::chromebook, "", "", "2026-12-01", DeviceStatus::lost);
  add("no-aue", DeviceKind::laptop, "", "", "");

  auto c = readFleetCounts(db(), today);
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->aue_within_days["0"], 1);
  EXPECT_EQ(c->aue_within_days["90"], 2);
  EXPECT_EQ(c->aue_within_days["180"], 3);
  EXPECT_EQ(c->aue_within_days["365"], 4);
  EXPECT_EQ(c->aue_within_days["730"], 5);
  EXPECT_EQ(c->aue_within_days.size(), 5u);
}

TEST_F(ReportStoreTest, TheCatalogFillsInAueOnlyWhereTheDeviceHasNone) {
  ModelStore models(db());
  CatalogModel m;
  m.model = "Old CB";
  m.kind = DeviceKind::chromebook;
  m.aue_date = "2025-06-01";
  ASSERT_TRUE(models.put(m));
  add("inherits", DeviceKind::chromebook, "Old CB", "", "");
  add("own", DeviceKind::chromebook, "Old CB", "", "2027-01-15");
  add("uncatalogued", DeviceKind::chromebook, "Other", "", "");
  auto c = readFleetCounts(db(), "2026-11-27");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->aue_within_days["0"], 1);
  EXPECT_EQ(c->aue_within_days["90"], 1);
  EXPECT_EQ(c->aue_within_days["730"], 1);
}

TEST_F(ReportStoreTest, AnEmptyRegistryReportsZeros) {
  auto c = readFleetCounts(db(), "2026-11-27");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->total, 0);
  EXPECT_TRUE(c->by_status_kind.empty());
  EXPECT_EQ(c->aue_within_days["0"], 0);
  EXPECT_EQ(c->aue_within_days["730"], 0);
}

// The four GROUP BY queries readFleetCounts ran before devices_summary, kept as the reference its one
// pass must agree with.
FleetCounts countsTheOldWay(SQLite::Database& c, const std::string& today, const Scope& scope) {
  FleetCounts out;
  const std::string within = scope.districtWide() ? "" : " WHERE " + scope_sql::condition("location");
  SQLite::Statement by_status(c, "SELECT status, kind, count(*) FROM devices" + within + " GROUP BY status, kind");
  scope_sql::bindIfScoped(by_status, scope);
  while (by_status.executeStep()) {
    std::int64_t n = by_status.getColumn(2).getInt64();
    out.by_status_kind[{by_status.getColumn(0).getString(), by_status.getColumn(1).getString()}] = n;
    out.total += n;
  }
  SQLite::Statement by_model(
      c, "SELECT coalesce(model, ''), status, count(*) FROM devices" + within + " GROUP BY model, status");
  scope_sql::bindIfScoped(by_model, scope);
  while (by_model.executeStep()) {
    out.by_model_status[{by_model.getColumn(0).getString(), by_model.getColumn(1).getString()}] =
        by_model.getColumn(2).getInt64();
  }
  SQLite::Statement by_location(
      c, "SELECT coalesce(location, ''), count(*) FROM devices" + within + " GROUP BY location");
  scope_sql::bindIfScoped(by_location, scope);
  while (by_location.executeStep()) {
    out.by_location[by_location.getColumn(0).getString()] += by_location.getColumn(1).getInt64();
  }
  SQLite::Statement aue(c, std::string("SELECT total(aue < ?1), "
                                       "total(aue >= ?1 AND aue < date(?1, '+90 days')), "
                                       "total(aue >= ?1 AND aue < date(?1, '+180 days')), "
                                       "total(aue >= ?1 AND aue < date(?1, '+365 days')), "
                                       "total(aue >= ?1 AND aue < date(?1, '+730 days')) "
                                       "FROM (SELECT coalesce(nullif(d.aue_date, ''), nullif(m.aue_date, '')) AS aue "
                                       "      FROM devices d LEFT JOIN models m ON m.model = d.model "
                                       "      WHERE d.status NOT IN ('retired', 'disposed', 'lost', 'stolen')") +
                               scope_sql::andWithin(scope, "d.location") + ") WHERE aue IS NOT NULL");
  aue.bind(1, today);
  scope_sql::bindIfScoped(aue, scope);
  aue.executeStep();
  const char* horizons[] = {"0", "90", "180", "365", "730"};
  for (int i = 0; i < 5; ++i) out.aue_within_days[horizons[i]] = aue.getColumn(i).getInt64();
  return out;
}

TEST_F(ReportStoreTest, OnePassAgreesWithTheGroupByQueriesOnAMixedFleet) {
  ModelStore models(db());
  const std::string names[] = {"CB 100", "CB 200", "Lat 3", "iPad 9"};
  for (int i = 0; i < 4; ++i) {
    CatalogModel m;
    m.model = names[i];
    m.kind = i < 2 ? DeviceKind::chromebook : DeviceKind::laptop;
    if (i != 3) m.aue_date = i == 0 ? "2026-06-01" : i == 1 ? "2027-03-01" : "2029-01-01";
    ASSERT_TRUE(models.put(m));
  }
  const auto statuses = allStatuses();
  const auto kinds = allKinds();
  const std::string locations[] = {"Lincoln MS / Cart 1", "Lincoln MS / Cart 2", "Roosevelt HS", "", "Lincoln"};
  const std::string aues[] = {"", "", "2025-01-01", "2026-11-27", "2027-01-15", "2027-09-30", "2028-11-01",
                              "2031-01-01"};
  // A deterministic mix in which every status, kind, model (and none), location (and none) and AUE
  // source (own, catalog, neither) meets the others.
  for (int i = 0; i < 400; ++i) {
    const std::string model = i % 5 == 4 ? "" : i % 7 == 6 ? "Uncatalogued" : names[i % 4];
    add("S" + std::to_string(i), kinds[(i / 3) % kinds.size()], model, locations[(i / 2) % 5], aues[(i * 7) % 8],
        statuses[(i * 3) % statuses.size()]);
  }
  for (const std::string today : {"2026-11-27", "2027-02-28", "2024-12-31"}) {
    for (const Scope& scope : {Scope{}, Scope{{"Lincoln MS"}}, Scope{{"Roosevelt HS", "Lincoln"}}}) {
      auto got = readFleetCounts(db(), today, scope);
      ASSERT_TRUE(got.has_value()) << got.error().message;
      FleetCounts want = db().with([&](SQLite::Database& c) { return countsTheOldWay(c, today, scope); });
      EXPECT_GT(want.total, 0);
      EXPECT_EQ(got->total, want.total) << today;
      EXPECT_EQ(got->by_status_kind, want.by_status_kind) << today;
      EXPECT_EQ(got->by_model_status, want.by_model_status) << today;
      EXPECT_EQ(got->by_location, want.by_location) << today;
      EXPECT_EQ(got->aue_within_days, want.aue_within_days) << today;
    }
  }
}

// Speed without a timed assertion: the summary reads the covering index in its GROUP BY's order (no
// table, no sort), and the list's filtered pages keep their single-column indexes (no sort by id).
TEST_F(ReportStoreTest, TheSummaryReadsItsIndexAndTheListKeepsItsOwn) {
  auto plan = [this](const std::string& sql) {
    return db().with([&](SQLite::Database& c) {
      std::string out;
      SQLite::Statement st(c, "EXPLAIN QUERY PLAN " + sql);
      while (st.executeStep()) out += st.getColumn(3).getString() + "\n";
      return out;
    });
  };
  const std::string summary =
      plan("SELECT aue_date, status, kind, model, count(*) FROM devices GROUP BY aue_date, status, kind, model");
  EXPECT_NE(summary.find("COVERING INDEX devices_summary"), std::string::npos) << summary;
  EXPECT_EQ(summary.find("TEMP B-TREE"), std::string::npos) << summary;
  const std::string page = plan(
      "SELECT id FROM devices WHERE id > 0 AND status = 'deployed' AND kind = 'chromebook' AND model = 'x' "
      "ORDER BY id LIMIT 51");
  EXPECT_EQ(page.find("devices_summary"), std::string::npos) << page;
  EXPECT_EQ(page.find("TEMP B-TREE"), std::string::npos) << page;
}

TEST_F(ReportStoreTest, TodayMustBeADate) {
  auto c = readFleetCounts(db(), "27/11/2026");
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, Errc::invalid);
}

}  // namespace
}  // namespace fk
