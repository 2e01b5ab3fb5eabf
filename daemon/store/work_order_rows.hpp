#pragma once

// Reading work orders (with parts, notes and linked checkouts), the row and device writes a work order
// makes, and the names and errors its messages use. Internal to daemon/store (work_order_store.cpp and
// work_order_loans.cpp); every function runs inside the caller's transaction.

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/device.hpp"
#include "core/error.hpp"
#include "core/scope.hpp"
#include "store/work_order_store.hpp"

namespace fk::wo_rows {

// The order with its device's tag/serial, parts, notes, linked checkout and latest loaner.
std::optional<WorkOrder> load(SQLite::Database& db, std::int64_t id);
// The same, or 404 naming the order.
Result<WorkOrder> loadOrFail(SQLite::Database& db, std::int64_t id);
// The same, and an order on a device outside the caller's scope reads as absent.
Result<WorkOrder> loadWithin(SQLite::Database& db, std::int64_t id, const Scope& scope);
// The same, and a closed order is 409 saying that `what` ("parts can only be added while it is open").
Result<WorkOrder> loadOpenWithin(SQLite::Database& db, std::int64_t id, const Scope& scope,
                                 const std::string& what);

// The device id `ref` names, if any.
std::optional<std::int64_t> resolveDevice(SQLite::Database& db, const DeviceRef& ref);
// The id of the device's open work order, if any.
std::optional<std::int64_t> openOrderOf(SQLite::Database& db, std::int64_t device_id);
// The id of the device's open checkout, if any (read only: checkouts are written by checkout_store).
std::optional<std::int64_t> openCheckoutOf(SQLite::Database& db, std::int64_t device_id);

// Bumps the order's version and updated_at; every change to the order row goes through here.
void touchOrder(SQLite::Database& db, std::int64_t id, const std::string& now);

// Moves the device to `to` (version + 1) without a lifecycle check: callers check first.
void setDeviceStatus(SQLite::Database& db, std::int64_t device_id, DeviceStatus to, const std::string& now);
// Recomputes devices.repair_cost_cents from all its orders; returns {old, new}.
std::pair<std::int64_t, std::int64_t> refreshRepairCost(SQLite::Database& db, std::int64_t device_id);

// "#12" and "tag:CB-1 / serial:5CD..." style names for messages and event reasons.
std::string orderName(std::int64_t id);
std::string deviceName(const std::string& asset_tag, const std::string& serial, std::int64_t id);
std::string holderName(const LinkedCheckout& c);

// 404 "device REF not found" with details.field = "device".
Error deviceNotFound(const DeviceRef& ref);
// 409: the order is closed, so `what`.
Error closedError(const WorkOrder& w, const std::string& what);

}  // namespace fk::wo_rows
