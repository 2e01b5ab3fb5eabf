// The intune source: a Graph managedDevices page, the token endpoint's answer, and error bodies.
#include "intune/parse.hpp"
#include "../harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fk::intune;
  const std::string body = fk::fuzz::text(data, size);
  (void)parsePage(body, 2);
  (void)parseTokenResponse(body);
  (void)describeError(fk::fuzz::lastByte(data, size) & 1 ? 401 : 503, body);
  if (auto t = parseInstant(body)) (void)formatInstant(*t);
  (void)normaliseMac(body);
  return 0;
}
