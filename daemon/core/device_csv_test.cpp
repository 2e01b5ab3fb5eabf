#include "core/device_csv.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>

#include "core/csv.hpp"

namespace fk {
namespace {

std::string errorsText(const ParsedImport& p) {
  std::string out;
  for (const auto& e : p.errors) out += std::to_string(e.line) + " " + e.field + ": " + e.message + "\n";
  return out;
}

TEST(DeviceCsv, ReadsOwnColumns) {
  const auto p = parseDeviceCsv(
      "asset_tag,serial,kind,manufacturer,model,purchase_date,purchase_price,vendor,po_number,funding_source,"
      "warranty_end,aue_date,location,org_unit,macs,loaner,status,notes\n"
      "CB-1001,5CD1234,chromebook,HP,HP Chromebook 11 G9 EE,2023-08-01,289.00,CDW-G,PO-77,ESSER,2026-08-01,"
      "2028-06-01,Lincoln MS / Cart 3,/Students/MS,AA-BB-CC-DD-EE-02;aa:bb:cc:dd:ee:01,yes,deployed,\"dent, "
      "lid\"\n");
  ASSERT_TRUE(p.errors.empty()) << errorsText(p);
  ASSERT_EQ(p.rows.size(), 1u);
  const auto& r = p.rows[0];
  EXPECT_EQ(r.line, 2u);
  const auto& d = r.draft;
  EXPECT_EQ(d.asset_tag, "CB-1001");
  EXPECT_EQ(d.serial, "5CD1234");
  EXPECT_EQ(d.kind, DeviceKind::chromebook);
  EXPECT_EQ(d.manufacturer, "HP");
  EXPECT_EQ(d.model, "HP Chromebook 11 G9 EE");
  EXPECT_EQ(d.purchase_date, "2023-08-01");
  ASSERT_TRUE(d.purchase_price_cents);
  EXPECT_EQ(*d.purchase_price_cents, 28900);
  EXPECT_EQ(d.vendor, "CDW-G");
  EXPECT_EQ(d.po_number, "PO-77");
  EXPECT_EQ(d.funding_source, "ESSER");
  EXPECT_EQ(d.warranty_end, "2026-08-01");
  EXPECT_EQ(d.aue_date, "2028-06-01");
  EXPECT_EQ(d.location, "Lincoln MS / Cart 3");
  EXPECT_EQ(d.org_unit, "/Students/MS");
  EXPECT_EQ(d.macs, (std::vector<std::string>{"aa:bb:cc:dd:ee:01", "aa:bb:cc:dd:ee:02"}));
  EXPECT_EQ(d.loaner, true);
  EXPECT_EQ(d.status, DeviceStatus::deployed);
  EXPECT_EQ(d.notes, "dent, lid");
}

TEST(DeviceCsv, EmptyCellsLeaveFieldsUnset) {
  const auto p = parseDeviceCsv("serial,asset_tag,model,purchase_price,loaner,macs\n5CD1,,, , ,\n");
  ASSERT_TRUE(p.errors.empty()) << errorsText(p);
  const auto& d = p.rows.at(0).draft;
  EXPECT_EQ(d.serial, "5CD1");
  EXPECT_FALSE(d.asset_tag);
  EXPECT_FALSE(d.model);
  EXPECT_FALSE(d.purchase_price_cents);
  EXPECT_FALSE(d.loaner);
  EXPECT_FALSE(d.macs);
  EXPECT_FALSE(d.kind);
  EXPECT_FALSE(d.status);
}

TEST(DeviceCsv, ReadsSnipeItExport) {
  const auto p = parseDeviceCsv(
      "\xEF\xBB\xBF"
      "Asset Tag,Serial,Model Name,Manufacturer,Category,Purchase Date,Purchase Cost,Supplier,"
      "Order Number,Location,Notes,Warranty Months,Status\r\n"
      "CB-2001,NXHQEAA001,Lenovo 300e Chromebook Gen 3,Lenovo,Chromebooks,2022-01-31 00:00:00,\"$1,234.50\","
      "CDW,PO-9,Roosevelt ES,,13,Ready to Deploy\r\n"
      "LT-1,SN-LT-1,Dell Latitude 3440,Dell,Staff Laptops,,899,,,,,36,Deployed\r\n"
      "TB-1,SN-TB-1,Apple iPad (9th generation),Apple,iPads,2023-05-15,329.00,,,,,,Out for Repair\r\n"
      "X-1,SN-X-1,Optiplex,Dell,Desktops,,,,,,,,Lost/Stolen\r\n"
      "X-2,SN-X-2,Projector,Epson,AV Equipment,,,,,,,,pending\r\n");
  ASSERT_TRUE(p.errors.empty()) << errorsText(p);
  ASSERT_EQ(p.rows.size(), 5u);
  const auto& cb = p.rows[0].draft;
  EXPECT_EQ(cb.asset_tag, "CB-2001");
  EXPECT_EQ(cb.model, "Lenovo 300e Chromebook Gen 3");
  EXPECT_EQ(cb.kind, DeviceKind::chromebook);
  EXPECT_EQ(cb.purchase_date, "2022-01-31");
  EXPECT_EQ(cb.purchase_price_cents, std::optional<std::int64_t>{123450});
  EXPECT_EQ(cb.vendor, "CDW");
  EXPECT_EQ(cb.po_number, "PO-9");
  EXPECT_EQ(cb.location, "Roosevelt ES");
  EXPECT_EQ(cb.warranty_end, "2023-02-28");  // 31 Jan + 13 months: end of February
  EXPECT_EQ(cb.status, DeviceStatus::in_stock);

  const auto& lt = p.rows[1].draft;
  EXPECT_EQ(lt.kind, DeviceKind::laptop);
  EXPECT_FALSE(lt.warranty_end);  // months but no purchase date: nothing to count from
  EXPECT_EQ(lt.status, DeviceStatus::deployed);

  EXPECT_EQ(p.rows[2].draft.kind, DeviceKind::tablet);
  EXPECT_EQ(p.rows[2].draft.status, DeviceStatus::in_repair);
  EXPECT_EQ(p.rows[3].draft.kind, DeviceKind::desktop);
  EXPECT_EQ(p.rows[3].draft.status, DeviceStatus::lost);
  EXPECT_EQ(p.rows[4].draft.kind, DeviceKind::other);
  EXPECT_EQ(p.rows[4].draft.status, DeviceStatus::on_order);
}

TEST(DeviceCsv, HeaderMatchingIgnoresCaseAndSpaces) {
  const auto p = parseDeviceCsv("  ASSET TAG , Serial ,model name\nA1,S1,M\n");
  ASSERT_TRUE(p.errors.empty()) << errorsText(p);
  EXPECT_EQ(p.rows.at(0).draft.model, "M");
}

TEST(DeviceCsv, UnknownAndDuplicateColumnsAreHeaderErrors) {
  const auto p =
      parseDeviceCsv("serial,Colour,Model,Model Name,kind,Category,Checked Out Too\nS1,red,a,b,c,d,e\n");
  EXPECT_EQ(errorsText(p),
            "1 Colour: unknown column \"Colour\"\n"
            "1 Model Name: column \"Model Name\" repeats \"Model\"\n"
            "1 Category: column \"Category\" repeats \"kind\"\n"
            "1 Checked Out Too: unknown column \"Checked Out Too\"\n");
  EXPECT_TRUE(p.rows.empty());
}

// An unedited Snipe-IT export carries columns fleetkeep has no field for; they must not block it.
TEST(DeviceCsv, SnipeItColumnsWithoutAFieldAreIgnored) {
  const auto p = parseDeviceCsv(
      "Company,Asset Name,Asset Tag,Model,Serial,Checked Out To,Warranty,Warranty Expires,Created At\n"
      "Lincoln USD,Cart 3 #12,CB-12,HP Chromebook 11 G9 EE,5CD12,Jordan Lee,36,2027-01-01,2024-01-01\n");
  ASSERT_TRUE(p.errors.empty()) << errorsText(p);
  const auto& d = p.rows.at(0).draft;
  EXPECT_EQ(d.asset_tag, "CB-12");
  EXPECT_EQ(d.serial, "5CD12");
  EXPECT_EQ(d.model, "HP Chromebook 11 G9 EE");
  EXPECT_FALSE(d.notes);
  EXPECT_FALSE(d.warranty_end);  // months without a purchase date
}

TEST(DeviceCsv, HeaderNeedsAnIdentityColumn) {
  const auto p = parseDeviceCsv("model,location\nM,L\n");
  EXPECT_EQ(errorsText(p), "1 serial: the header needs a serial or an asset tag column\n");
}

TEST(DeviceCsv, EmptyInputHasNoHeader) {
  EXPECT_EQ(errorsText(parseDeviceCsv("")), "1 : no header row\n");
  EXPECT_EQ(errorsText(parseDeviceCsv("\n\n")), "1 : no header row\n");
}

TEST(DeviceCsv, ReportsEveryBadCellAndKeepsGoing) {
  const auto p = parseDeviceCsv(
      "asset_tag,serial,kind,purchase_date,purchase_price,macs,loaner,status,warranty_end\n"
      "A1,S1,phone,2027-02-30,-5,aa:bb:cc:dd:ee:ff zz,maybe,gone,2027/01/01\n"
      "\n"
      ",,,,,,,,\n"
      "A2,S2\n"
      ",,laptop,,,,,,\n"
      "A3,S3,laptop,2024-02-29 25:00:00,1.234,,TRUE,IN_STOCK,\n"
      "A1,S4,laptop,,,,,,\n");
  EXPECT_EQ(errorsText(p),
            "2 kind: unknown kind \"phone\" (chromebook, laptop, tablet, desktop, other)\n"
            "2 purchase_date: \"2027-02-30\" is not a date (YYYY-MM-DD)\n"
            "2 purchase_price: \"-5\" is not an amount (e.g. 289.00)\n"
            "2 macs: \"zz\" is not a MAC address\n"
            "2 loaner: \"maybe\" is not true/false/yes/no/1/0\n"
            "2 status: unknown status \"gone\"\n"
            "2 warranty_end: \"2027/01/01\" is not a date (YYYY-MM-DD)\n"
            "5 : expected 9 cells, found 2\n"
            "6 serial: a serial or an asset_tag is required\n"
            "7 purchase_date: \"2024-02-29 25:00:00\" is not a date (YYYY-MM-DD)\n"
            "7 purchase_price: \"1.234\" is not an amount (e.g. 289.00)\n"
            "8 asset_tag: \"A1\" repeats line 2\n");
  // Case-insensitive values were accepted on line 7.
  const auto line7 =
      std::find_if(p.rows.begin(), p.rows.end(), [](const ImportRow& r) { return r.line == 7; });
  ASSERT_NE(line7, p.rows.end());
  EXPECT_EQ(line7->draft.loaner, true);
  EXPECT_EQ(line7->draft.status, DeviceStatus::in_stock);
}

TEST(DeviceCsv, ValidationErrorsUseTheFilesHeader) {
  const auto p = parseDeviceCsv("Asset Tag,Serial\n\"CB 1 \",\"S\x01\"\n");
  EXPECT_EQ(errorsText(p), "2 Serial: must not contain control characters\n");
  // The asset tag was trimmed rather than refused.
  EXPECT_EQ(p.rows.at(0).draft.asset_tag, "CB 1");
}

TEST(DeviceCsv, MalformedQuotingStopsWithItsLine) {
  const auto p = parseDeviceCsv("serial,notes\nS1,ok\nS2,\"never closed\nS3,x\n");
  EXPECT_EQ(errorsText(p), "3 : unterminated quoted field\n");
}

TEST(DeviceCsv, RowLinesCountQuotedLineBreaks) {
  const auto p = parseDeviceCsv("serial,notes\nS1,\"two\nlines\"\nS2,\n");
  ASSERT_TRUE(p.errors.empty()) << errorsText(p);
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_EQ(p.rows[0].line, 2u);
  EXPECT_EQ(p.rows[1].line, 4u);
  EXPECT_EQ(p.rows[0].draft.notes, "two\nlines");
}

Device sampleDevice() {
  Device d;
  d.id = 42;
  d.asset_tag = "CB-1001";
  d.serial = "5CD1234";
  d.kind = DeviceKind::chromebook;
  d.manufacturer = "HP";
  d.model = "HP Chromebook 11 G9 EE";
  d.purchase_date = "2023-08-01";
  d.purchase_price_cents = 28900;
  d.vendor = "CDW-G, Inc.";
  d.warranty_end = "2026-08-01";
  d.aue_date = "2028-06-01";
  d.location = "Lincoln MS";
  d.macs = {"aa:bb:cc:dd:ee:01", "aa:bb:cc:dd:ee:02"};
  d.loaner = true;
  d.status = DeviceStatus::in_repair;
  d.notes = " says \"hello\"\r\nsecond line ";
  d.version = 7;
  d.created_at = "2026-01-02T03:04:05Z";
  d.updated_at = "2026-02-03T04:05:06Z";
  return d;
}

TEST(DeviceCsv, ExportReimportsUnchanged) {
  const Device original = sampleDevice();
  std::string csv;
  appendCsvRow(csv, exportHeader());
  appendCsvRow(csv, exportRow(original));
  const auto p = parseDeviceCsv(csv);
  ASSERT_TRUE(p.errors.empty()) << errorsText(p);
  ASSERT_EQ(p.rows.size(), 1u);

  Device copy = original;
  EXPECT_TRUE(applyDraft(copy, p.rows[0].draft).empty());
  EXPECT_EQ(p.rows[0].draft.status, DeviceStatus::in_repair);

  Device fresh;
  applyDraft(fresh, p.rows[0].draft);
  EXPECT_EQ(fresh.notes, original.notes);
  EXPECT_EQ(fresh.macs, original.macs);
  EXPECT_EQ(fresh.vendor, original.vendor);
  EXPECT_EQ(fresh.purchase_price_cents, original.purchase_price_cents);
  EXPECT_EQ(fresh.loaner, true);
}

TEST(DeviceCsv, ExportRowMatchesHeader) {
  const auto header = exportHeader();
  const auto row = exportRow(sampleDevice());
  ASSERT_EQ(header.size(), row.size());
  EXPECT_EQ(header.front(), "id");
  EXPECT_EQ(row.front(), "42");
  const auto col = [&](std::string_view name) {
    return row[std::find(header.begin(), header.end(), name) - header.begin()];
  };
  EXPECT_EQ(col("purchase_price"), "289.00");
  EXPECT_EQ(col("macs"), "aa:bb:cc:dd:ee:01;aa:bb:cc:dd:ee:02");
  EXPECT_EQ(col("loaner"), "true");
  EXPECT_EQ(col("status"), "in_repair");
  EXPECT_EQ(col("version"), "7");
  Device bare;
  EXPECT_EQ(exportRow(bare)[std::find(header.begin(), header.end(), "purchase_price") - header.begin()], "");
}

// A district-size file, every row read; its speed is measured by bench/import_bench.py.
TEST(DeviceCsv, ParsesAHundredThousandRowFile) {
  std::string csv;
  appendCsvRow(csv, exportHeader());
  Device d = sampleDevice();
  d.notes = "ok";
  for (int i = 0; i < 100'000; ++i) {
    d.id = i + 1;
    d.asset_tag = "CB-" + std::to_string(100000 + i);
    d.serial = "5CD" + std::to_string(900000 + i);
    appendCsvRow(csv, exportRow(d));
  }
  const auto p = parseDeviceCsv(csv);
  ASSERT_TRUE(p.errors.empty()) << errorsText(p);
  ASSERT_EQ(p.rows.size(), 100'000u);
  EXPECT_EQ(p.rows.front().line, 2u);
  EXPECT_EQ(p.rows.back().line, 100'001u);
  EXPECT_EQ(p.rows.back().draft.serial, "5CD999999");
  EXPECT_EQ(p.rows.back().draft.asset_tag, "CB-199999");
}

}  // namespace
}  // namespace fk
