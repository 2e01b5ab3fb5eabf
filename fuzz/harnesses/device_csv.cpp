// The device CSV import (POST /api/v1/devices:import and the csv_import source): every encoding,
// date order and strictness, read row by row as the import does.
#include "core/device_csv.hpp"
#include "../harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string body = fk::fuzz::text(data, size);
  const unsigned selector = fk::fuzz::lastByte(data, size);
  fk::DeviceImportOptions options;
  options.csv.encoding = selector & 1 ? fk::TextEncoding::windows_1252 : fk::TextEncoding::utf8;
  options.csv.date_order = static_cast<fk::DateOrder>((selector >> 1) % 3);
  options.csv.strict = selector & 8;
  fk::DeviceCsvParser parser(body, options);
  fk::ImportRow row;
  std::size_t rows = 0;
  while (parser.next(row)) ++rows;
  if (rows > parser.rowsAtMost()) __builtin_trap();  // the bound the import sizes its batch by
  (void)fk::parseDeviceCsv(body, options);
  return 0;
}
