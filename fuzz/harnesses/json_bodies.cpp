// JSON request bodies: the parse every route does (parseJsonObject, with its depth cap), then the
// body mapping of the route the first byte picks. Seeds in fuzz/corpus/json_bodies start with that byte.
#include "http/circulation_json.hpp"
#include "http/json_mapping.hpp"
#include "http/work_order_json.hpp"
#include "../harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string body = fk::fuzz::text(data + 1, size - 1);
  auto parsed = fk::parseJsonObject(body);
  if (!parsed) return 0;
  const nlohmann::json& json = *parsed;
  switch (data[0] % 8) {
    case 0:  // POST /api/v1/devices
      (void)fk::deviceDraftFromJson(json, fk::DraftMode::create);
      break;
    case 1:  // PATCH /api/v1/devices/{ref}
      (void)fk::deviceDraftFromJson(json, fk::DraftMode::patch);
      break;
    case 2:  // PUT /api/v1/models/{model}
      (void)fk::catalogModelFromJson(json, "Chromebook 3110");
      break;
    case 3:  // POST /api/v1/people, PATCH /api/v1/people/{ref}
      (void)fk::personDraftFromJson(json);
      break;
    case 4:  // POST /api/v1/work-orders
      (void)fk::newWorkOrderFromJson(json);
      break;
    case 5:  // PATCH /api/v1/work-orders/{id}
      (void)fk::workOrderPatchFromJson(json);
      break;
    case 6:  // POST /api/v1/work-orders/{id}/parts
      (void)fk::newPartFromJson(json);
      break;
    case 7:  // money fields of the fee and payment bodies
      for (const auto& [key, value] : json.items()) (void)fk::moneyFromJson(value, key);
      break;
  }
  // Every accepted body must print back (responses echo fields, errors name them).
  (void)json.dump();
  return 0;
}
