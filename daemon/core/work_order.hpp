#pragma once

// The repair bench's domain: work-order statuses and the moves between them, categories, priorities,
// payers and cost arithmetic. Pure: no storage, no clock. Money is integer cents.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace fk {

enum class WorkOrderStatus { open, diagnosing, waiting_parts, in_repair, resolved, unrepairable, cancelled };
enum class WorkOrderCategory { screen, keyboard, battery, charging, liquid, hinge, software, other };
enum class WorkOrderPriority { low, normal, high, urgent };
enum class Payer { warranty, insurance, student_fee, district };

std::string_view toString(WorkOrderStatus s);
std::string_view toString(WorkOrderCategory c);
std::string_view toString(WorkOrderPriority p);
std::string_view toString(Payer p);
std::optional<WorkOrderStatus> parseWorkOrderStatus(std::string_view s);
std::optional<WorkOrderCategory> parseWorkOrderCategory(std::string_view s);
std::optional<WorkOrderPriority> parseWorkOrderPriority(std::string_view s);
std::optional<Payer> parsePayer(std::string_view s);
std::span<const WorkOrderStatus> allWorkOrderStatuses();
std::span<const WorkOrderCategory> allWorkOrderCategories();
std::span<const WorkOrderPriority> allWorkOrderPriorities();
std::span<const Payer> allPayers();

// resolved, unrepairable and cancelled close an order; nothing moves out of them.
bool isClosed(WorkOrderStatus s);

// The moves the bench may make (docs/desk.md has the picture). Besides the forward path
// open → diagnosing → waiting_parts → in_repair → resolved:
//  - open may skip straight to in_repair (the fault is obvious), not to waiting_parts or resolved;
//  - diagnosing may resolve (a software fault fixed while diagnosing);
//  - waiting_parts may go back to diagnosing (the part did not explain the fault);
//  - in_repair may go back to diagnosing or waiting_parts (the repair needs another look or part);
//  - every open status may end as unrepairable or cancelled.
std::span<const WorkOrderStatus> allowedWorkOrderMoves(WorkOrderStatus from);
bool canMoveWorkOrder(WorkOrderStatus from, WorkOrderStatus to);
// Ok, or a conflict whose details are {"from", "to", "allowed": [...]}.
Status checkWorkOrderMove(WorkOrderStatus from, WorkOrderStatus to);

// Bounds on what the bench enters, so every sum below stays far from overflow in practice; the
// arithmetic is still checked.
inline constexpr std::int64_t kMaxPartQuantity = 10'000;
inline constexpr std::int64_t kMaxUnitCostCents = 100'000'000;  // 1,000,000.00
inline constexpr std::int64_t kMaxLabourMinutes = 1'000'000;
inline constexpr std::int64_t kMaxLabourRateCents = 10'000'000;  // per hour: 100,000.00

// quantity × unit cost; nullopt on overflow or a negative input.
std::optional<std::int64_t> partCostCents(std::int64_t quantity, std::int64_t unit_cost_cents);
// minutes × hourly rate / 60, rounded half up to the cent; nullopt on overflow or a negative input.
std::optional<std::int64_t> labourCostCents(std::int64_t minutes, std::int64_t rate_cents_per_hour);
// a + b for non-negative amounts; nullopt on overflow.
std::optional<std::int64_t> addCents(std::int64_t a, std::int64_t b);

// Validated inputs: each returns the value or an invalid error naming `field`.
Result<std::int64_t> checkPartQuantity(std::int64_t quantity, const std::string& field = "quantity");
// Money text ("54.00") to cents within [0, kMaxUnitCostCents].
Result<std::int64_t> parseCostField(std::string_view text, const std::string& field);
Result<std::int64_t> checkLabourMinutes(std::int64_t minutes, const std::string& field = "labour_minutes");
// Free text (description, part name, note, resolution...): trimmed non-empty unless `optional`,
// at most `max_bytes`, valid UTF-8, no control characters except newline and tab (core/text.hpp's
// classifier, in sentences that start with `field`).
Result<std::string> checkText(std::string_view text, const std::string& field, std::size_t max_bytes,
                              bool optional = false);

}  // namespace fk
