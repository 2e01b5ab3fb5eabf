#include "core/device_fields.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "core/csv.hpp"
#include "core/device_csv.hpp"
#include "core/reconcile.hpp"

namespace fk {
namespace {

const DeviceField& field(std::string_view name) {
  const DeviceField* f = findDeviceField(name);
  EXPECT_NE(f, nullptr) << name;
  return *f;
}

TEST(DeviceFields, EveryTextFieldNamesItsOwnMemberInBothRecords) {
  Device device;
  DeviceDraft draft;
  std::size_t textual = 0;
  for (const DeviceField& f : kDeviceFields) {
    if (!f.stored) continue;
    ++textual;
    device.*f.stored = std::string(f.name);
    draft.*f.draft = std::string(f.name);
  }
  EXPECT_EQ(textual, 16u);
  // Each name wrote a different member: no two names share one.
  for (const DeviceField& f : kDeviceFields) {
    if (!f.stored) continue;
    EXPECT_EQ(device.*f.stored, f.name);
    EXPECT_EQ(*(draft.*f.draft), f.name);
  }
  EXPECT_EQ(device.serial, "serial");
  EXPECT_EQ(draft.notes, "notes");
  EXPECT_EQ(device.aue_date, "aue_date");
}

TEST(DeviceFields, NamesAndCsvAliasesAreUnique) {
  std::set<std::string_view> seen;
  for (const DeviceField& f : kDeviceFields) {
    EXPECT_TRUE(seen.insert(f.name).second) << f.name;
    std::string_view rest = f.csv_aliases;
    while (!rest.empty()) {
      const auto bar = rest.find('|');
      EXPECT_TRUE(seen.insert(rest.substr(0, bar)).second) << rest.substr(0, bar);
      if (bar == std::string_view::npos) break;
      rest.remove_prefix(bar + 1);
    }
  }
  EXPECT_TRUE(csvNames(field("replacement_date"), "asset eol date"));
  EXPECT_FALSE(csvNames(field("replacement_date"), "asset eol"));
  EXPECT_EQ(findDeviceField("Serial"), nullptr);
}

// The length limit is the table's, whichever way a value arrives.
TEST(DeviceFields, LimitsComeFromTheTable) {
  for (const DeviceField& f : kDeviceFields) {
    if (f.type != FieldType::text && f.type != FieldType::identifier) continue;
    DeviceDraft d;
    d.*f.draft = std::string(f.max_bytes, 'a');
    EXPECT_TRUE(validateDraft(d).empty()) << f.name;
    d.*f.draft = std::string(f.max_bytes + 1, 'a');
    const auto errors = validateDraft(d);
    ASSERT_EQ(errors.size(), 1u) << f.name;
    EXPECT_EQ(errors[0].field, f.name);
  }
  EXPECT_EQ(field("notes").max_bytes, 10000u);
  EXPECT_EQ(field("serial").max_bytes, 128u);
  EXPECT_EQ(field("manufacturer").max_bytes, 256u);
}

// Every field a caller writes survives the round trips the table drives: draft → device (applyDraft),
// device → canonical text → draft (reconcile), device → draft (store re-validation), CSV export → import.
TEST(DeviceFields, EveryWritableFieldRoundTrips) {
  DeviceDraft draft;
  for (const DeviceField& f : kDeviceFields) {
    if (f.stored) draft.*f.draft = f.type == FieldType::date ? "2024-05-06" : std::string(f.name) + "-x";
  }
  draft.kind = DeviceKind::tablet;
  draft.purchase_price_cents = std::optional<std::int64_t>(28950);
  draft.macs = std::vector<std::string>{"aa:bb:cc:dd:ee:01"};
  draft.loaner = true;
  Device device;
  const auto changes = applyDraft(device, draft);
  std::size_t writable = 0;
  for (const DeviceField& f : kDeviceFields)
    if (!f.readOnly() && f.type != FieldType::status) ++writable;
  EXPECT_EQ(changes.size(), writable) << "every field but status changed";
  device.status = DeviceStatus::deployed;

  std::map<std::string, std::string> texts;
  for (const DeviceField& f : kDeviceFields) {
    if (f.readOnly() || f.type == FieldType::macs) continue;
    texts[std::string(f.name)] = reconcile::fieldText(device, f.name);
  }
  Device again;
  applyDraft(again, reconcile::draftOf(texts));
  again.macs = device.macs;
  again.status = *reconcile::draftOf(texts).status;
  EXPECT_EQ(exportRow(again), exportRow(device));

  const std::vector<std::string> header = exportHeader();
  ASSERT_EQ(header.front(), "id");
  EXPECT_EQ(std::count(header.begin(), header.end(), "repair_cost"), 0);
  std::string csv;
  appendCsvRow(csv, header);
  appendCsvRow(csv, exportRow(device));
  const ParsedImport parsed = parseDeviceCsv(csv);
  ASSERT_TRUE(parsed.errors.empty()) << parsed.errors.front().message;
  ASSERT_EQ(parsed.rows.size(), 1u);
  Device imported;
  applyDraft(imported, parsed.rows[0].draft);
  imported.status = *parsed.rows[0].draft.status;
  EXPECT_EQ(exportRow(imported), exportRow(device));

  DeviceDraft copy;
  for (const DeviceField& f : kDeviceFields) copyToDraft(device, copy, f);
  Device copied;
  applyDraft(copied, copy);
  copied.status = *copy.status;
  EXPECT_EQ(exportRow(copied), exportRow(device));
}

}  // namespace
}  // namespace fk
