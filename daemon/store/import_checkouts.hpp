#pragma once

// The checkouts an inventory import brings (Snipe-IT's "Checked Out To" columns), made in the
// import's own transaction once its devices are written. Internal to daemon/store.

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/device_csv.hpp"
#include "core/error.hpp"
#include "store/write_tx.hpp"

namespace fk::import {

struct PendingCheckout {
  std::size_t line = 0;
  std::int64_t device_id = 0;
  ImportCheckout checkout;
};

struct CheckoutOutcome {
  std::size_t checkouts = 0;       // loans made
  std::size_t people_created = 0;  // holders the registry did not have
};

// Lends each device to its holder: the person matched by username (as external_id), then by email,
// and created (a student) when neither matches; or the place. A device already lent to the same
// holder is left as it is; one lent to someone else, or that cannot be lent, is an error for its line.
CheckoutOutcome makeCheckouts(WriteTx& tx, const std::vector<PendingCheckout>& pending,
                              int default_loan_days, const std::string& actor, FieldErrors& errors);

}  // namespace fk::import
