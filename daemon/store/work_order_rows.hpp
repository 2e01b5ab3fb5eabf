#pragma once

// Reading work orders (with parts, notes and linked checkouts) and the device writes a work order
// makes. Internal to daemon/store; every function runs inside the caller's transaction.

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/device.hpp"
#include "store/work_order_store.hpp"

namespace fk::wo_rows {

// The order with its device's tag/serial, parts, notes, linked checkout and latest loaner.
std::optional<WorkOrder> load(SQLite::Database& db, std::int64_t id);

// The device id `ref` names, if any.
std::optional<std::int64_t> resolveDevice(SQLite::Database& db, const DeviceRef& ref);
// The id of the device's open work order, if any.
std::optional<std::int64_t> openOrderOf(SQLite::Database& db, std::int64_t device_id);
// The id of the device's open checkout, if any (read only: checkouts are written by checkout_store).
std::optional<std::int64_t> openCheckoutOf(SQLite::Database& db, std::int64_t device_id);

// Moves the device to `to` (version + 1) without a lifecycle check: callers check first.
void setDeviceStatus(SQLite::Database& db, std::int64_t device_id, DeviceStatus to, const std::string& now);
// Recomputes devices.repair_cost_cents from all its orders; returns {old, new}.
std::pair<std::int64_t, std::int64_t> refreshRepairCost(SQLite::Database& db, std::int64_t device_id);

void appendEvent(SQLite::Database& db, std::int64_t device_id, const std::string& at,
                 const std::string& actor, const char* action, const std::vector<FieldChange>& changes,
                 const std::string& reason);

// "#12" and "tag:CB-1 / serial:5CD..." style names for messages and event reasons.
std::string orderName(std::int64_t id);
std::string deviceName(const std::string& asset_tag, const std::string& serial, std::int64_t id);
std::string holderName(const LinkedCheckout& c);

}  // namespace fk::wo_rows
