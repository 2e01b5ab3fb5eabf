#include "core/device_csv.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>

#include "core/csv.hpp"
#include "core/sample_device_test.hpp"

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

TEST(DeviceCsv, UnknownAndRepeatedColumnsAreIgnoredAndListed) {
  constexpr std::string_view kFile =
      "serial,Colour,Model,Model Name,kind,Category,Checked Out Too, ,category\nS1,red,a,b,laptop,d,e,f,g\n";
  DeviceCsvParser parser(kFile);
  ImportRow row;
  ASSERT_TRUE(parser.next(row));
  EXPECT_TRUE(parser.errors().empty());
  // The first column for a field wins; a blank name is skipped without a mention.
  EXPECT_EQ(parser.ignoredColumns(),
            (std::vector<std::string>{"Colour", "Model Name", "Category", "Checked Out Too", "category"}));
  EXPECT_EQ(row.draft.model, "a");
  EXPECT_EQ(row.draft.kind, DeviceKind::laptop);
}

TEST(DeviceCsv, StrictRefusesUnknownAndRepeatedColumns) {
  DeviceImportOptions strict;
  strict.csv.strict = true;
  const auto p = parseDeviceCsv("serial,Colour,Model,Model Name\nS1,red,a,b\n", strict);
  EXPECT_EQ(errorsText(p),
            "1 Colour: unknown column \"Colour\" (?strict=true refuses unknown columns)\n"
            "1 Model Name: column \"Model Name\" repeats another column for the same field\n");
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
            "2 purchase_date: \"2027-02-30\" is not a date (YYYY-MM-DD, M/D/YYYY, D.M.YYYY)\n"
            "2 purchase_price: \"-5\" is not an amount (e.g. 289.00)\n"
            "2 macs: \"zz\" is not a MAC address\n"
            "2 loaner: \"maybe\" is not true/false/yes/no/1/0\n"
            "2 warranty_end: \"2027/01/01\" is not a date (YYYY-MM-DD, M/D/YYYY, D.M.YYYY)\n"
            "5 : expected 9 cells, found 2\n"
            "6 serial: a serial or an asset_tag is required\n"
            "7 purchase_date: \"2024-02-29 25:00:00\" is not a date (YYYY-MM-DD, M/D/YYYY, D.M.YYYY)\n"
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

// The shared sample with what CSV must quote: a comma, quotes, a CRLF and edge spaces.
Device quotedSample() {
  Device d = test::sampleDevice();
  d.vendor = "CDW-G, Inc.";
  d.status = DeviceStatus::in_repair;
  d.notes = " says \"hello\"\r\nsecond line ";
  return d;
}

TEST(DeviceCsv, ExportReimportsUnchanged) {
  const Device original = quotedSample();
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
  const auto row = exportRow(quotedSample());
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
  Device d = quotedSample();
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

namespace fk {
namespace {

TEST(DeviceCsvAsPeopleHaveIt, SemicolonsBomAndCrOnlyLineEnds) {
  const auto p = parseDeviceCsv("\xEF\xBB\xBF" "Asset Tag;Serial;Purchase Cost\r"
                                "CB-1;S1;\"1,234.00\"\rCB-2;S2;289\r");
  ASSERT_TRUE(p.errors.empty()) << errorsText(p);
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_EQ(p.rows[0].draft.asset_tag, "CB-1");
  EXPECT_EQ(p.rows[1].line, 3u);
  EXPECT_EQ(p.rows[1].draft.serial, "S2");
}

TEST(DeviceCsvAsPeopleHaveIt, TabsAndWindows1252) {
  DeviceImportOptions options;
  options.csv.encoding = TextEncoding::windows_1252;
  const auto p = parseDeviceCsv("asset_tag\tlocation\r\nA-1\tB\xE2timent \x96 Salle 3\r\n", options);
  ASSERT_TRUE(p.errors.empty()) << errorsText(p);
  EXPECT_EQ(p.rows.at(0).draft.location, "B\xC3\xA2timent \xE2\x80\x93 Salle 3");
  const auto refused = parseDeviceCsv("asset_tag\tlocation\r\nA-1\tB\xE2timent\r\n");
  EXPECT_EQ(refused.errors.size(), 1u);
  EXPECT_EQ(refused.errors.at(0).line, 2u);
  EXPECT_NE(refused.errors.at(0).message.find("column 6"), std::string::npos) << errorsText(refused);
}

TEST(DeviceCsvAsPeopleHaveIt, ExcelNumbersInKeysAreRefusedNamingTheLine) {
  const auto p = parseDeviceCsv("Asset Tag,Serial\nCB-1,6.37702E+15\n5.02E+18,S2\nCB-3,5CD1E+5X\nCB-4,1E+10\nCB-5,881E038\n");
  EXPECT_EQ(errorsText(p),
            "2 Serial: \"6.37702E+15\" is a number Excel rewrote, with digits lost: export the column as text "
            "and import again\n"
            "3 Asset Tag: \"5.02E+18\" is a number Excel rewrote, with digits lost: export the column as text "
            "and import again\n"
            "5 Serial: \"1E+10\" is a number Excel rewrote, with digits lost: export the column as text and "
            "import again\n");
}

TEST(DeviceCsvAsPeopleHaveIt, DatesInEveryFormAndOrder) {
  const auto ok = parseDeviceCsv(
      "asset_tag,purchase_date,warranty_end,aue_date\n"
      "A1,2022-09-01,31.8.2025,12/25/2030\n"
      "A2,9/13/22,4/4/2026,\n");
  ASSERT_TRUE(ok.errors.empty()) << errorsText(ok);
  EXPECT_EQ(ok.rows[0].draft.warranty_end, "2025-08-31");
  EXPECT_EQ(ok.rows[0].draft.aue_date, "2030-12-25");
  EXPECT_EQ(ok.rows[1].draft.purchase_date, "2022-09-13");
  EXPECT_EQ(ok.rows[1].draft.warranty_end, "2026-04-04") << "day and month alike read the same both ways";

  const auto ambiguous = parseDeviceCsv("asset_tag,purchase_date\nA1,12/25/2022\nA2,3/4/2023\n");
  EXPECT_EQ(errorsText(ambiguous),
            "3 purchase_date: \"3/4/2023\" could be month/day or day/month: add ?date_order=mdy or "
            "?date_order=dmy\n");

  DeviceImportOptions dmy;
  dmy.csv.date_order = DateOrder::dmy;
  const auto given = parseDeviceCsv("asset_tag,purchase_date\nA1,3/4/2023\nA2,25/12/22\n", dmy);
  ASSERT_TRUE(given.errors.empty()) << errorsText(given);
  EXPECT_EQ(given.rows[0].draft.purchase_date, "2023-04-03");
  EXPECT_EQ(given.rows[1].draft.purchase_date, "2022-12-25");

  const auto mixed = parseDeviceCsv("asset_tag,purchase_date\nA1,12/25/2022\nA2,25/12/2022\n");
  EXPECT_EQ(errorsText(mixed),
            "3 purchase_date: \"25/12/2022\" reads only as day/month but line 2 reads only the other way\n");
}

TEST(DeviceCsvAsPeopleHaveIt, FirstLineAmbiguityIsReported) {
  const auto p = parseDeviceCsv("asset_tag,purchase_date\nA1,9/1/22\n");
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_EQ(p.errors[0].line, 2u);
}

// The header of Snipe-IT's own sample asset file (sample_csvs/assets-sample.csv), with rows written here.
constexpr std::string_view kSnipeHeader =
    "Company,Name,Asset Tag,Category,Supplier,Manufacturer,Location,Order Number,Model,Model Notes,"
    "Model Number,Asset Notes,Purchase Date,Purchase Cost,Checkout Type,Checked Out To: Username,"
    "Checked Out To: First Name,Checked Out To: Last Name,Checked Out To: Email,Checked Out To: Location\n";

TEST(SnipeItColumns, ReadAsSnipeItMeansThem) {
  const std::string file =
      std::string(kSnipeHeader) +
      "Lincoln USD,Cart 3 #12,CB-12,Chromebooks,CDW-G,HP,Maple Elementary,PO-7781,HP Chromebook 11 G9 EE,"
      "fine,4Z9X0UT,\"Sticker, scuffed\",2022-09-01,289.00,User,jlee,Jordan,Lee,jlee@example.org,\"\"\n"
      "Lincoln USD,Cart 3 #13,CB-13,Chromebooks,CDW-G,HP,Maple Elementary,PO-7781,HP Chromebook 11 G9 EE,"
      ",,,2022-09-01,289.00,Location,\"\",\"\",\"\",\"\",Maple Elementary / Cart 3\n"
      "Lincoln USD,Spare,CB-14,Laptops,,,,,,,,,,,,\"\",\"\",\"\",\"\",\"\"\n";
  DeviceCsvParser parser(file);
  std::vector<ImportRow> rows;
  for (ImportRow row; parser.next(row);) rows.push_back(row);
  ASSERT_TRUE(parser.errors().empty()) << parser.errors()[0].message;
  EXPECT_EQ(parser.ignoredColumns(), (std::vector<std::string>{"Company", "Model Notes"}));
  ASSERT_EQ(rows.size(), 3u);
  const auto& a = rows[0];
  EXPECT_EQ(a.draft.name, "Cart 3 #12");
  EXPECT_EQ(a.draft.kind, DeviceKind::chromebook);
  EXPECT_EQ(a.draft.vendor, "CDW-G");
  EXPECT_EQ(a.draft.model, "HP Chromebook 11 G9 EE");
  EXPECT_EQ(a.draft.model_number, "4Z9X0UT");
  EXPECT_EQ(a.draft.notes, "Sticker, scuffed");
  EXPECT_EQ(a.draft.po_number, "PO-7781");
  ASSERT_TRUE(a.checkout);
  EXPECT_FALSE(a.checkout->to_location);
  EXPECT_EQ(a.checkout->username, "jlee");
  EXPECT_EQ(a.checkout->email, "jlee@example.org");
  EXPECT_EQ(a.checkout->first_name, "Jordan");
  ASSERT_TRUE(rows[1].checkout);
  EXPECT_TRUE(rows[1].checkout->to_location);
  EXPECT_EQ(rows[1].checkout->location, "Maple Elementary / Cart 3");
  EXPECT_FALSE(rows[2].checkout);
  EXPECT_EQ(rows[2].draft.kind, DeviceKind::laptop);
}

TEST(SnipeItColumns, StatusLabelsByTheDefaultTableOrTheConfig) {
  DeviceImportOptions options;
  options.status_labels["loaned to student"] = DeviceStatus::deployed;
  DeviceCsvParser parser(
      "Asset Tag,Status Label\nA1,Ready to Deploy\nA2,Pending\nA3,Archived\nA4,Broken\nA5,Out for Repair\n"
      "A6,Lost\nA7,Stolen\nA8,Loaned to Student\nA9,Purple\nA10,retired\n",
      options);
  std::vector<std::optional<DeviceStatus>> statuses;
  for (ImportRow row; parser.next(row);) statuses.push_back(row.draft.status);
  ASSERT_TRUE(parser.errors().empty());
  EXPECT_EQ(statuses, (std::vector<std::optional<DeviceStatus>>{
                          DeviceStatus::in_stock, DeviceStatus::on_order, DeviceStatus::retired,
                          DeviceStatus::in_repair, DeviceStatus::in_repair, DeviceStatus::lost,
                          DeviceStatus::stolen, DeviceStatus::deployed, std::nullopt, DeviceStatus::retired}));
  ASSERT_EQ(parser.warnings().size(), 1u);
  EXPECT_EQ(parser.warnings()[0].line, 10u);
  EXPECT_NE(parser.warnings()[0].message.find("\"Purple\""), std::string::npos);
}

TEST(SnipeItColumns, WarrantyMonthsEolDateAndAliases) {
  const auto p = parseDeviceCsv(
      "Asset Tag,Serial Number,Purchase Date,Warranty Months,Asset EOL Date,Model No.,Item Name,Notes\n"
      "A1,S1,1/31/2023,36 months,6/30/2028,X-1,Lab 4,hello\n");
  ASSERT_TRUE(p.errors.empty()) << errorsText(p);
  const auto& d = p.rows.at(0).draft;
  EXPECT_EQ(d.serial, "S1");
  EXPECT_EQ(d.warranty_end, "2026-01-31");
  EXPECT_EQ(d.replacement_date, "2028-06-30");
  EXPECT_EQ(d.model_number, "X-1");
  EXPECT_EQ(d.name, "Lab 4");
  EXPECT_EQ(d.notes, "hello");
}

TEST(SnipeItColumns, CheckoutsThatCannotBeMadeAreWarnings) {
  DeviceCsvParser parser(
      "Asset Tag,Status,Checkout Type,Checked Out To: Username,Checked Out To: First Name,Checked Out To: Location\n"
      "A1,Broken,User,jlee,,\n"
      "A2,,Location,,,\n"
      "A3,,User,,Jordan,\n"
      "A4,Deployed,user,jlee,,\n");
  std::vector<ImportRow> rows;
  for (ImportRow row; parser.next(row);) rows.push_back(row);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_FALSE(rows[0].checkout);
  EXPECT_EQ(rows[0].draft.status, DeviceStatus::in_repair);
  EXPECT_FALSE(rows[1].checkout);
  EXPECT_FALSE(rows[2].checkout);
  ASSERT_TRUE(rows[3].checkout);
  EXPECT_FALSE(rows[3].draft.status) << "the checkout moves it to deployed";
  ASSERT_EQ(parser.warnings().size(), 3u);
  EXPECT_EQ(parser.warnings()[0].line, 2u);
  EXPECT_EQ(parser.warnings()[2].line, 4u);
}

}  // namespace
}  // namespace fk
