#pragma once

// How a CSV import's creation events are stored and read back. Internal to daemon/store.

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <string_view>
#include <vector>

#include "store/device_store.hpp"

namespace fk::import {

// The changes column of an "imported" event: instead of repeating every value of the new device
// (which doubled what a 100k-row import wrote), it says "the device's first values". Those are
// recovered on read by undoing, newest first, the old→new changes every later event recorded.
inline constexpr std::string_view kInitialValues = "\"initial\"";

// Fills events[index].changes (an event stored as kInitialValues) with [field, null, value] for
// every field the device had when it was created, as a creation event written in full reads.
// `events` is the device's whole history, oldest first.
void recoverInitialValues(SQLite::Database& db, std::int64_t device_id, std::vector<DeviceEvent>& events,
                          std::size_t index);

}  // namespace fk::import
