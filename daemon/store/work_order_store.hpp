#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/device.hpp"
#include "core/error.hpp"
#include "core/scope.hpp"
#include "core/fees.hpp"
#include "core/work_order.hpp"
#include "store/database.hpp"
#include "store/write_tx.hpp"

namespace fk {

struct NewWorkOrder {
  DeviceRef device;
  WorkOrderCategory category = WorkOrderCategory::other;
  std::string description;
  WorkOrderPriority priority = WorkOrderPriority::normal;
  std::string reported_by;  // "" = not recorded
  std::optional<std::int64_t> estimated_cost_cents;
};

// PATCH fields; absent = leave as is.
struct WorkOrderPatch {
  std::optional<WorkOrderStatus> status;
  std::optional<std::string> assignee;         // "" clears
  std::optional<std::optional<Payer>> payer;   // inner nullopt clears
  std::optional<std::int64_t> labour_minutes;  // total so far, not an increment
  std::optional<std::optional<std::int64_t>> estimated_cost_cents;
  std::optional<std::string> resolution;  // "" clears
};

struct NewPart {
  std::string part;
  std::int64_t quantity = 1;
  std::int64_t unit_cost_cents = 0;
};

struct WorkOrderPart {
  std::int64_t id = 0;
  std::string part;
  std::int64_t quantity = 0;
  std::int64_t unit_cost_cents = 0;
  std::int64_t cost_cents = 0;  // quantity × unit cost
  std::string added_by;
  std::string added_at;
};

struct WorkOrderNote {
  std::int64_t id = 0;
  std::string author;
  std::string at;
  std::string text;
};

// A checkout as the work order shows it: the repaired device's own loan, or the loaner's.
struct LinkedCheckout {
  std::int64_t id = 0;
  std::int64_t device_id = 0;
  std::string device_asset_tag;
  std::string device_serial;
  std::optional<std::int64_t> person_id;  // the holder: a person...
  std::string person_external_id;
  std::string person_name;
  std::string location;  // ...or a place
  std::string due;
  std::string checked_out_at;
  std::string returned_at;  // "" while open
};

struct WorkOrder {
  std::int64_t id = 0;
  std::int64_t device_id = 0;
  std::string device_asset_tag;
  std::string device_serial;
  WorkOrderCategory category = WorkOrderCategory::other;
  std::string description;
  WorkOrderPriority priority = WorkOrderPriority::normal;
  WorkOrderStatus status = WorkOrderStatus::open;
  std::string reported_by;
  std::string assignee;
  std::optional<Payer> payer;
  std::int64_t labour_minutes = 0;
  std::int64_t labour_cost_cents = 0;
  std::int64_t parts_cost_cents = 0;
  std::optional<std::int64_t> estimated_cost_cents;
  DeviceStatus prior_status = DeviceStatus::in_stock;
  std::string resolution;
  std::string opened_by;
  std::string opened_at;
  std::string updated_at;
  std::string closed_at;  // "" while open
  std::int64_t version = 0;
  std::vector<WorkOrderPart> parts;
  std::vector<WorkOrderNote> notes;
  std::optional<LinkedCheckout> checkout;  // the device's loan when it came in (its holder gets it back)
  std::optional<LinkedCheckout> loaner;    // the latest loaner lent under this order

  std::int64_t totalCostCents() const { return parts_cost_cents + labour_cost_cents; }
};

struct WorkOrderFilter {
  std::optional<WorkOrderStatus> status;
  std::optional<DeviceRef> device;
  std::optional<WorkOrderCategory> category;
  bool open_only = false;
  int limit = 100;            // 1..1000
  std::int64_t after_id = 0;  // keyset cursor
};

struct WorkOrderPage {
  std::vector<WorkOrder> items;  // parts, notes and checkouts filled too
  std::optional<std::int64_t> next_after_id;
};

// For other areas' transactions (circulation: a return marked damaged opens a work order in the same
// call), inside the caller's write transaction.
// Moves the device to in_repair (409 naming the allowed moves if its status forbids it, 409 if it
// already has an open order), records its prior status and its open checkout (if any) on the order,
// appends a "work_order_opened" event. 404 if the device is unknown, 400 naming the field for bad input.
Result<std::int64_t> openWorkOrderIn(WriteTx& tx, const NewWorkOrder& order, const std::string& actor);

class WorkOrderStore {
 public:
  // With a scope, only orders on devices in it exist for the caller; a loaner must lie in it too.
  // `fees`: the policy in force (null when fees are not configured); resolving an order paid by
  // student_fee charges its holder in the same transaction.
  explicit WorkOrderStore(Database& db, Scope scope = {}, const FeePolicy* fees = nullptr)
      : db_(db), scope_(std::move(scope)), fees_(fees) {}
  WorkOrderStore(Database& db, const FeePolicy* fees) : WorkOrderStore(db, Scope{}, fees) {}

  Result<WorkOrder> open(const NewWorkOrder& order, const std::string& actor);
  Result<WorkOrder> get(std::int64_t id);
  Result<WorkOrderPage> list(const WorkOrderFilter& filter);
  // expected_version: 409 when stale (details.current_version). A refused status move is 409 with
  // details.allowed. labour_rate_cents prices labour_minutes (repair.labour_rate, per hour).
  // Closing moves the device back (resolved, cancelled) or retires it (unrepairable), see docs/desk.md.
  Result<WorkOrder> update(std::int64_t id, const WorkOrderPatch& patch,
                           std::optional<std::int64_t> expected_version, std::int64_t labour_rate_cents,
                           const std::string& actor);
  Result<WorkOrder> addPart(std::int64_t id, const NewPart& part, const std::string& actor);
  Result<WorkOrder> addNote(std::int64_t id, const std::string& text, const std::string& actor);
  // Lends an in_stock loaner-pool device to the holder of the device's linked open checkout, as a
  // checkout linked to this order (due when the repaired device's loan is due).
  Result<WorkOrder> lendLoaner(std::int64_t id, const DeviceRef& loaner, const std::string& actor);

 private:
  Database& db_;
  Scope scope_;
  const FeePolicy* fees_;
};

}  // namespace fk
