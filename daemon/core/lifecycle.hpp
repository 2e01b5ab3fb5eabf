#pragma once

#include <span>

#include "core/device.hpp"
#include "core/error.hpp"

namespace fk {

// The device lifecycle (product.md). Pure: no storage, no clock.
std::span<const DeviceStatus> allowedMoves(DeviceStatus from);
bool canMove(DeviceStatus from, DeviceStatus to);
// Ok, or a conflict error whose message and details ({"from","to","allowed":[...]}) name the allowed moves.
Status checkTransition(DeviceStatus from, DeviceStatus to);

}  // namespace fk
