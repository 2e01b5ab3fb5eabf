#pragma once

// Internal to daemon/store: closing a work order, which settles the loans around it.

#include <string>

#include "core/error.hpp"
#include "core/work_order.hpp"
#include "store/work_order_store.hpp"
#include "store/write_tx.hpp"

namespace fk {

// Inside the caller's write transaction, as order `w` moves to the closed status `to`: puts the device
// where the order found it (resolved, cancelled) or retires it (unrepairable), returns an outstanding
// loaner, ends the holder's loan of a device that will not come back, and stamps closed_at.
Status closeOrderIn(WriteTx& tx, const WorkOrder& w, WorkOrderStatus to, const std::string& actor);

}  // namespace fk
