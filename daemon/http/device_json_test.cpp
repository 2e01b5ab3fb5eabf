#include "http/device_json.hpp"

#include <gtest/gtest.h>

#include <string>

#include "core/device_field_table.hpp"
#include "http/circulation_json.hpp"
#include "http/json_mapping.hpp"
#include "core/sample_device_test.hpp"
#include "store/device_rows.hpp"
#include "store/test_support.hpp"

namespace fk {
namespace {

using nlohmann::json;

// What the handlers sent before the bodies were written by hand: the tree, dumped as jsonResponse does.
std::string viaTree(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string written(const Device& d, const std::vector<DeviceSighting>* sightings, bool with_seen = true) {
  std::string out;
  appendDeviceJson(out, d, sightings, with_seen);
  return out;
}

// The shared sample plus the fields added since (issue 16's name, model number, replacement date) and a
// repair cost.
Device fullDevice() {
  Device d = test::sampleDevice();
  d.name = "Library cart 3 #12";
  d.model_number = "4J9A1UT";
  d.replacement_date = "2028-06-30";
  d.repair_cost_cents = 12345;
  return d;
}

// Every kind of text a stored value can hold, including what validation refuses today but an older
// database or a source may have left behind.
std::vector<Device> edgeCaseDevices() {
  std::vector<Device> out;
  out.push_back(fullDevice());
  out.push_back(Device{});  // every text empty (null), no price, no MACs, zero ids
  Device d = fullDevice();
  d.notes = "line one\nline two\r\n\ttabbed \x01\x1f \x7f said \"hi\" back\\slash /";
  d.model = std::string("nul \0 inside", 12);
  d.location = "bad \xff\xfe utf-8 \xc3";
  d.manufacturer = "Escuela Benito Juárez";
  d.vendor = "\xe2\x82";  // a truncated sequence
  d.purchase_price_cents = 0;
  d.macs = {"aa:bb:cc:dd:ee:ff"};
  d.loaner = false;
  out.push_back(d);
  d = fullDevice();
  d.purchase_price_cents = 5;
  d.repair_cost_cents = 0;
  d.macs.clear();
  d.asset_tag.clear();
  d.holder = Device::Holder{9, "S000250", "Student \"250\"", "", "2026-12-18", "s250@example.org"};
  out.push_back(d);
  d.purchase_price_cents = 99999999999;
  d.holder = Device::Holder{10, "", "", "Lincoln MS / Library \xff", "", ""};
  d.macs = {"02:00:00:00:00:01", "02:00:00:00:00:02", "02:00:00:00:00:03", "02:00:00:00:00:04"};
  out.push_back(d);
  for (auto s : allStatuses()) {
    for (auto k : allKinds()) {
      Device v = fullDevice();
      v.status = s;
      v.kind = k;
      out.push_back(v);
    }
  }
  return out;
}

std::vector<DeviceSighting> sightings() {
  return {{"google", "2026-11-01T00:00:00Z", "2026-12-01T08:00:00Z", "abc-123",
           json{{"recent_users", "someone@example.org,other@example.org"}, {"os", "ChromeOS \xff 126"}}},
          {"network", "", "2026-12-02T07:59:59Z", "", json::object()},
          {"\xc3\xa9t\xc3\xa9", "2026-01-01T00:00:00Z", "", "x\n", json{{"n", 1}, {"f", 1.5}, {"b", nullptr}}}};
}

TEST(DeviceJson, SingleDeviceMatchesTheTreeByteForByte) {
  const auto seen = sightings();
  const std::vector<DeviceSighting> none;
  for (const Device& d : edgeCaseDevices()) {
    EXPECT_EQ(written(d, nullptr), viaTree(deviceToJson(d))) << d.id;
    EXPECT_EQ(written(d, &none), viaTree(deviceToJson(d, &none))) << d.id;
    EXPECT_EQ(written(d, &seen), viaTree(deviceToJson(d, &seen))) << d.id;
  }
}

TEST(DeviceJson, SuggestedHolderAndSeenComeThrough) {
  const auto seen = sightings();
  const json parsed = json::parse(written(fullDevice(), &seen));
  EXPECT_EQ(parsed["suggested_holder"]["email"], "someone@example.org");
  EXPECT_EQ(parsed["seen"]["google"]["source_id"], "abc-123");
  EXPECT_EQ(parsed["purchase_price"], "289.00");
  EXPECT_EQ(parsed["repair_cost"], "123.45");
  EXPECT_EQ(parsed["macs"].size(), 2u);
}

TEST(DeviceJson, ListItemsLeaveOutSeen) {
  for (const Device& d : edgeCaseDevices()) {
    json item = deviceToJson(d);
    item.erase("seen");
    EXPECT_EQ(written(d, nullptr, false), viaTree(item));
  }
}

TEST(DeviceJson, PageMatchesTheTree) {
  const auto devices = edgeCaseDevices();
  for (std::optional<std::int64_t> next : {std::optional<std::int64_t>{}, std::optional<std::int64_t>{123456}}) {
    json items = json::array();
    for (const Device& d : devices) {
      json item = deviceToJson(d);
      item.erase("seen");
      items.push_back(std::move(item));
    }
    const json page = {{"items", items}, {"next_cursor", next ? json(encodeCursor(*next)) : json(nullptr)}};
    EXPECT_EQ(devicePageBody(devices, next), viaTree(page) + "\n");
  }
  EXPECT_EQ(devicePageBody({}, std::nullopt), "{\"items\":[],\"next_cursor\":null}\n");
}

TEST(DeviceJson, PersonMatchesTheTree) {
  Person p;
  EXPECT_EQ([&] { std::string o; appendPersonJson(o, p); return o; }(), viaTree(personToJson(p)));
  p.id = 250;
  p.external_id = "S000250";
  p.name = "José \"Pepe\" Núñez\t\x01";
  p.email = "jose@example.org";
  p.role = PersonRole::staff;
  p.grade = "10";
  p.homeroom = "R\xff";
  p.location = "Bench High";
  p.household = "H-1";
  p.active = false;
  p.created_at = "2026-11-27T08:30:00Z";
  p.updated_at = "2026-11-28T09:00:00Z";
  std::string out;
  appendPersonJson(out, p);
  EXPECT_EQ(out, viaTree(personToJson(p)));
}

// The list page written straight from the rows against the tree of the Devices list() reads from the
// same rows: every edge case above stored in a real database (NULL and "" text, no MACs and four, both
// kinds of holder, control characters, a NUL inside, invalid UTF-8), read whole and page by page.
class DevicePageFromRows : public test::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    std::vector<Device> devices = edgeCaseDevices();
    // A holder whose text is not UTF-8 reads as no holder on both paths (its JSON does not parse):
    // one more lent to a place, in valid text.
    devices.push_back(fullDevice());
    devices.back().holder = Device::Holder{0, "", "", "Cart 7 – Room 12", "2026-12-18", ""};
    exec("INSERT INTO people (external_id, name, email, role, created_at, updated_at) VALUES "
         "('S000250', 'Student \"250\" \x01', NULL, 'student', '2026-11-27T08:30:00Z', '2026-11-27T08:30:00Z')");
    db().with([&](SQLite::Database& c) {
      SQLite::Statement insert(c, rows::kInsertDevice);
      for (std::size_t i = 0; i < devices.size(); ++i) {
        Device& d = devices[i];
        // Unique keys per row; the empty device keeps a serial (the table needs a tag or a serial).
        if (!d.serial.empty() || d.asset_tag.empty()) d.serial += "-" + std::to_string(i);
        if (!d.asset_tag.empty()) d.asset_tag += "-" + std::to_string(i);
        insert.reset();
        rows::bindFields(insert, d);
        const std::string at = "2026-12-0" + std::to_string(1 + i % 9) + "T08:00:00Z";
        insert.bind(18, at);
        insert.exec();
        const std::int64_t id = c.getLastInsertRowid();
        for (const std::string& mac : d.macs) {
          SQLite::Statement m(c, rows::kInsertMac);
          m.bind(1, id);
          m.bind(2, mac);
          m.exec();
        }
        if (d.holder) {
          SQLite::Statement lend(c,
                                 "INSERT INTO checkouts (device_id, person_id, location, due, checked_out_at, "
                                 "checked_out_by) VALUES (?1, (SELECT id FROM people WHERE external_id = ?2), "
                                 "nullif(?3, ''), ?4, '2026-12-01T08:00:00Z', 'test')");
          lend.bind(1, id);
          lend.bind(2, d.holder->person_external_id);
          lend.bind(3, d.holder->location);
          lend.bind(4, d.holder->due);
          lend.exec();
        }
      }
    });
    // Stored "" rather than NULL reads as not set too; a price of NULL beside one of 0.
    exec("UPDATE devices SET vendor = '', notes = '', purchase_price_cents = NULL WHERE id = 1");
  }

  std::string viaDevices(DeviceStore& store, const DeviceFilter& filter) {
    auto page = store.list(filter);
    EXPECT_TRUE(page.has_value());
    if (!page) return {};
    json items = json::array();
    for (const Device& d : page->items) {
      json item = deviceToJson(d);
      item.erase("seen");
      items.push_back(std::move(item));
    }
    const json body = {{"items", items},
                       {"next_cursor", page->next_after_id ? json(encodeCursor(*page->next_after_id)) : json(nullptr)}};
    return viaTree(body) + "\n";
  }
};

TEST_F(DevicePageFromRows, WholeListMatchesTheTreeByteForByte) {
  DeviceStore store(db());
  DeviceFilter all;
  all.limit = 1000;
  auto body = devicePageBody(store, all);
  ASSERT_TRUE(body.has_value()) << body.error().message;
  EXPECT_EQ(*body, viaDevices(store, all));
  // The cases are all there: both holders, four MACs, an empty list, a NUL and invalid UTF-8 inside.
  EXPECT_NE(body->find("\"type\":\"location\""), std::string::npos);
  EXPECT_NE(body->find("\"type\":\"person\""), std::string::npos);
  EXPECT_NE(body->find("\"02:00:00:00:00:04\"]"), std::string::npos);
  EXPECT_NE(body->find("\"macs\":[]"), std::string::npos);
  EXPECT_NE(body->find("nul \\u0000 inside"), std::string::npos);
  EXPECT_NE(body->find("bad \xef\xbf\xbd"), std::string::npos);
}

TEST_F(DevicePageFromRows, PageByPageAndFilteredMatchTheTree) {
  DeviceStore store(db());
  DeviceFilter page;
  page.limit = 3;
  int pages = 0;
  for (;;) {
    auto body = devicePageBody(store, page);
    ASSERT_TRUE(body.has_value());
    EXPECT_EQ(*body, viaDevices(store, page)) << "after " << page.after_id;
    auto next = json::parse(*body)["next_cursor"];
    ++pages;
    if (next.is_null()) break;
    auto after = decodeCursor(next.get<std::string>());
    ASSERT_TRUE(after.has_value());
    page.after_id = *after;
  }
  EXPECT_EQ(pages, static_cast<int>((edgeCaseDevices().size() + 1 + 2) / 3));
  DeviceFilter deployed;
  deployed.status = DeviceStatus::deployed;
  deployed.limit = 4;
  EXPECT_EQ(*devicePageBody(store, deployed), viaDevices(store, deployed));
  DeviceFilter none;
  none.q = "no such device";
  EXPECT_EQ(*devicePageBody(store, none), "{\"items\":[],\"next_cursor\":null}\n");
  DeviceFilter bad;
  bad.limit = 0;
  EXPECT_FALSE(devicePageBody(store, bad).has_value());
}

}  // namespace
}  // namespace fk
