// The people (roster) CSV import, in each encoding and date order.
#include "core/roster_csv.hpp"
#include "../harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string body = fk::fuzz::text(data, size);
  const unsigned selector = fk::fuzz::lastByte(data, size);
  fk::CsvOptions options;
  options.encoding = selector & 1 ? fk::TextEncoding::windows_1252 : fk::TextEncoding::utf8;
  options.date_order = static_cast<fk::DateOrder>((selector >> 1) % 3);
  options.strict = selector & 8;
  (void)fk::parseRosterCsv(body, options);
  return 0;
}
