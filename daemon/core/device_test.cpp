#include "core/device.hpp"

#include <gtest/gtest.h>

namespace fk {
namespace {

using nlohmann::json;

TEST(DeviceEnums, RoundTripEveryValue) {
  ASSERT_EQ(allStatuses().size(), 8u);
  for (auto s : allStatuses()) EXPECT_EQ(parseStatus(toString(s)), s);
  ASSERT_EQ(allKinds().size(), 5u);
  for (auto k : allKinds()) EXPECT_EQ(parseKind(toString(k)), k);
  EXPECT_EQ(toString(DeviceStatus::in_repair), "in_repair");
  EXPECT_EQ(toString(DeviceKind::chromebook), "chromebook");
}

TEST(DeviceEnums, ParsingIsExact) {
  EXPECT_FALSE(parseStatus("In_Stock"));
  EXPECT_FALSE(parseStatus("in stock"));
  EXPECT_FALSE(parseStatus(""));
  EXPECT_FALSE(parseKind("Chromebook"));
  EXPECT_FALSE(parseKind("phone"));
}

TEST(ApplyDraft, EmptyDraftChangesNothing) {
  Device d;
  d.serial = "5CD1234";
  d.notes = "x";
  const Device before = d;
  EXPECT_TRUE(applyDraft(d, {}).empty());
  EXPECT_EQ(d.notes, before.notes);
}

TEST(ApplyDraft, ReportsEachChangeWithJsonValuesInFieldOrder) {
  Device d;
  d.asset_tag = "CB-1001";
  d.serial = "5CD1234";
  d.kind = DeviceKind::chromebook;
  d.location = "Room 12";
  d.purchase_price_cents = 28900;

  DeviceDraft draft;
  draft.notes = "cracked corner";
  draft.location = "";       // cleared: JSON null
  draft.serial = "5CD1234";  // same: no change
  draft.kind = DeviceKind::laptop;
  draft.purchase_price_cents = std::optional<std::int64_t>{};  // cleared
  draft.macs = std::vector<std::string>{"aa:bb:cc:dd:ee:02", "aa:bb:cc:dd:ee:01", "aa:bb:cc:dd:ee:02"};
  draft.loaner = true;
  draft.model = "HP Chromebook 11 G9 EE";
  draft.status = DeviceStatus::lost;  // never applied: status moves through transitions

  const auto changes = applyDraft(d, draft);
  ASSERT_EQ(changes.size(), 7u);
  EXPECT_EQ(changes[0].field, "kind");
  EXPECT_EQ(changes[0].old_value, json("chromebook"));
  EXPECT_EQ(changes[0].new_value, json("laptop"));
  EXPECT_EQ(changes[1].field, "model");
  EXPECT_EQ(changes[1].old_value, json(nullptr));
  EXPECT_EQ(changes[1].new_value, json("HP Chromebook 11 G9 EE"));
  EXPECT_EQ(changes[2].field, "purchase_price");
  EXPECT_EQ(changes[2].old_value, json("289.00"));
  EXPECT_EQ(changes[2].new_value, json(nullptr));
  EXPECT_EQ(changes[3].field, "location");
  EXPECT_EQ(changes[3].old_value, json("Room 12"));
  EXPECT_EQ(changes[3].new_value, json(nullptr));
  EXPECT_EQ(changes[4].field, "macs");
  EXPECT_EQ(changes[4].old_value, json::array());
  EXPECT_EQ(changes[4].new_value, json({"aa:bb:cc:dd:ee:01", "aa:bb:cc:dd:ee:02"}));
  EXPECT_EQ(changes[5].field, "loaner");
  EXPECT_EQ(changes[5].old_value, json(false));
  EXPECT_EQ(changes[5].new_value, json(true));
  EXPECT_EQ(changes[6].field, "notes");

  EXPECT_EQ(d.kind, DeviceKind::laptop);
  EXPECT_EQ(d.location, "");
  EXPECT_FALSE(d.purchase_price_cents);
  EXPECT_EQ(d.macs, (std::vector<std::string>{"aa:bb:cc:dd:ee:01", "aa:bb:cc:dd:ee:02"}));
  EXPECT_TRUE(d.loaner);
  EXPECT_EQ(d.status, DeviceStatus::in_stock);
}

TEST(ApplyDraft, MacOrderAloneIsNoChange) {
  Device d;
  d.macs = {"aa:bb:cc:dd:ee:01", "aa:bb:cc:dd:ee:02"};
  DeviceDraft draft;
  draft.macs = std::vector<std::string>{"aa:bb:cc:dd:ee:02", "aa:bb:cc:dd:ee:01"};
  EXPECT_TRUE(applyDraft(d, draft).empty());
}

TEST(ApplyDraft, PriceSetFromNothing) {
  Device d;
  DeviceDraft draft;
  draft.purchase_price_cents = std::optional<std::int64_t>{5400};
  const auto changes = applyDraft(d, draft);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].old_value, json(nullptr));
  EXPECT_EQ(changes[0].new_value, json("54.00"));
  EXPECT_EQ(d.purchase_price_cents, 5400);
}

TEST(ValidateNewDevice, NeedsSerialOrAssetTag) {
  const auto errors = validateNewDevice({});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "serial");

  DeviceDraft only_tag;
  only_tag.asset_tag = "CB-1001";
  only_tag.serial = "";
  EXPECT_TRUE(validateNewDevice(only_tag).empty());

  DeviceDraft only_serial;
  only_serial.serial = "5CD1234";
  EXPECT_TRUE(validateNewDevice(only_serial).empty());
}

TEST(ValidateNewDevice, NamesEveryBadField) {
  DeviceDraft draft;
  draft.serial =
      "5CD\x01"
      "1234";
  draft.asset_tag = std::string(129, 'A');
  draft.purchase_date = "2027-02-30";
  draft.warranty_end = "soon";
  draft.aue_date = "2030-06-01";
  draft.purchase_price_cents = std::optional<std::int64_t>{-1};
  draft.macs = std::vector<std::string>{"AA:BB:CC:DD:EE:FF"};
  draft.location = "Room\t12";
  draft.notes = "line one\nline two\ttabbed";  // allowed in notes
  draft.model = "bad \xff byte";

  std::vector<std::string> fields;
  for (const auto& e : validateNewDevice(draft)) fields.push_back(e.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"asset_tag", "serial", "model", "purchase_date",
                                              "purchase_price", "warranty_end", "location", "macs"}));
}

TEST(ValidateDraft, RefusesSpacesAroundIdentifiers) {
  DeviceDraft draft;
  draft.asset_tag = "CB-1001 ";
  draft.serial = " 5CD";
  EXPECT_EQ(validateDraft(draft).size(), 2u);
  draft.asset_tag = "CB 1001";
  draft.serial = "5CD";
  EXPECT_TRUE(validateDraft(draft).empty());
}

TEST(ValidateDraft, AcceptsMultibyteText) {
  DeviceDraft draft;
  draft.location = "Salle 12 — École Élémentaire";
  draft.asset_tag = std::string(128, 'A');
  EXPECT_TRUE(validateDraft(draft).empty());
  draft.location = "\xed\xa0\x80";  // UTF-16 surrogate encoded in UTF-8
  EXPECT_EQ(validateDraft(draft).size(), 1u);
  draft.location = "\xc0\xaf";  // overlong '/'
  EXPECT_EQ(validateDraft(draft).size(), 1u);
}

TEST(DeviceRef, ParsesTheThreeForms) {
  auto id = parseDeviceRef("123");
  ASSERT_TRUE(id);
  EXPECT_EQ(id->by, DeviceRef::By::id);
  EXPECT_EQ(id->id, 123);
  EXPECT_EQ(toString(*id), "123");

  auto tag = parseDeviceRef("tag:CB-1001");
  ASSERT_TRUE(tag);
  EXPECT_EQ(tag->by, DeviceRef::By::asset_tag);
  EXPECT_EQ(tag->value, "CB-1001");
  EXPECT_EQ(toString(*tag), "tag:CB-1001");

  auto serial = parseDeviceRef("serial:5CD:12");
  ASSERT_TRUE(serial);
  EXPECT_EQ(serial->by, DeviceRef::By::serial);
  EXPECT_EQ(serial->value, "5CD:12");
  EXPECT_EQ(toString(*serial), "serial:5CD:12");
}

TEST(DeviceRef, RefusesAnythingElseNamingRef) {
  for (const char* bad : {"", "0", "-1", "+5", "12a", "tag:", "serial:", "asset:CB-1", "TAG:CB-1", " 12",
                          "99999999999999999999"}) {
    const auto r = parseDeviceRef(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, Errc::invalid);
    EXPECT_EQ(r.error().details["field"], "ref");
  }
}

}  // namespace
}  // namespace fk
