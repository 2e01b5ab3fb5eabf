#pragma once

// JSON for work orders: the response shape and the request bodies of the work-order routes.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "store/work_order_store.hpp"

namespace fk {

// The order as the API shows it: money as strings ("54.00"), parts, notes, the device's own loan
// ("checkout"), its holder, the loaner. Repair-vs-replace advice (issue 6) is added by the caller
// under "advice": it needs the device and the catalog, which this mapping does not see.
nlohmann::json workOrderToJson(const WorkOrder& w);

// POST /api/v1/work-orders body.
Result<NewWorkOrder> newWorkOrderFromJson(const nlohmann::json& body);

struct ParsedWorkOrderPatch {
  WorkOrderPatch patch;
  std::optional<std::int64_t> version;  // optional: a PATCH without it is not checked for staleness
};
Result<ParsedWorkOrderPatch> workOrderPatchFromJson(const nlohmann::json& body);

// POST /api/v1/work-orders/{id}/parts body.
Result<NewPart> newPartFromJson(const nlohmann::json& body);

// {"text": ...} (notes) and {"device": ref} (loaner): one required field, nothing else.
Result<std::string> requiredStringField(const nlohmann::json& body, const std::string& field);

}  // namespace fk
