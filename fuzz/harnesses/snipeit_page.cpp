// The snipeit source: a GET /api/v1/hardware page and the value helpers it applies to each row.
#include "snipeit/parse.hpp"
#include "../harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fk::snipeit;
  const std::string body = fk::fuzz::text(data, size);
  (void)parsePage(body, 1);
  (void)htmlUnescape(body);
  (void)normaliseCost(body);
  (void)kindOfCategory(body);
  return 0;
}
