// The google_admin source: a devices/chromeos list page, each device record mapped to an observation,
// and the same body read as an error envelope.
#include "google_admin/parse.hpp"
#include "../harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fk::google_admin;
  const std::string body = fk::fuzz::text(data, size);
  std::string error;
  if (auto page = parseDevicePage(body, error)) {
    for (const auto& device : page->devices) {
      (void)mapDevice(device, "page 1");
      (void)aueDate(device);
    }
  }
  static constexpr int statuses[] = {400, 401, 403, 404, 429, 500, 503};
  (void)classifyError(statuses[fk::fuzz::lastByte(data, size) % 7], body);
  (void)parseTimestamp(body);
  (void)normaliseMac(body);
  (void)manufacturerFromModel(body);
  return 0;
}
