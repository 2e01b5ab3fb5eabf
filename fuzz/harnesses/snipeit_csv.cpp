// A Snipe-IT asset export read by the csv_import source: the importer's header aliases, status labels
// and checkout columns, then each row as the observation the source emits.
#include "core/device_csv.hpp"
#include "csv_import/csv_import.hpp"
#include "../harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string body = fk::fuzz::text(data, size);
  fk::DeviceImportOptions options;
  options.csv.encoding = fk::fuzz::lastByte(data, size) & 1 ? fk::TextEncoding::windows_1252 : fk::TextEncoding::utf8;
  options.status_labels.emplace("Ready to Deploy", fk::DeviceStatus::in_stock);
  fk::DeviceCsvParser parser(body, options);
  fk::ImportRow row;
  while (parser.next(row)) (void)fk::csv_import::toObservation(row, fk::api::TimePoint{});
  return 0;
}
