#pragma once

// Checkouts: devices lent to a person or a location. The *In functions work inside the caller's write
// transaction so other stores (work orders: loaners, damaged returns) can make a loan or a return part
// of their own change.

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/circulation.hpp"
#include "core/device.hpp"
#include "core/error.hpp"
#include "core/scope.hpp"
#include "core/fees.hpp"
#include "store/database.hpp"
#include "store/work_order_store.hpp"

namespace fk {

struct Checkout {
  std::int64_t id = 0;
  std::int64_t device_id = 0;
  std::string device_asset_tag;  // "" when the device has none
  std::string device_serial;
  std::optional<std::int64_t> person_id;  // set, or location is
  std::string person_external_id;
  std::string person_name;
  std::string location;
  std::optional<std::int64_t> work_order_id;  // a loaner lent while that order is open
  std::string due;                            // YYYY-MM-DD
  std::string checked_out_at;                 // RFC 3339
  std::string checked_out_by;                 // actor
  std::string condition_out;                  // "" = not noted
  std::string notes_out;
  std::string returned_at;  // "" while open
  std::string returned_by;
  std::string condition_in;
  std::string notes_in;

  bool open() const { return returned_at.empty(); }
};

// A loan to make. Exactly one of person_id and location; `due` already checked (dueDate()).
struct NewCheckout {
  std::int64_t device_id = 0;
  std::optional<std::int64_t> person_id;
  std::string location;
  std::string due;
  std::optional<std::int64_t> work_order_id;
  std::optional<Condition> condition;  // condition out
  std::string notes;
};

struct ReturnInfo {
  Condition condition = Condition::good;
  std::string notes;
};

// Lends the device: it must be in_stock (409 naming its status or holder otherwise), the person must
// exist (404, field "person") and be active (409). Inserts the checkout, moves the device to deployed
// (version + 1) and appends a "checked_out" event. A second open checkout of the device is a 409 even
// when two requests race (partial unique index). Returns the checkout id.
Result<std::int64_t> checkOutIn(WriteTx& tx, const NewCheckout& loan, const std::string& actor);

// Closes an open checkout (404 unknown, 409 already returned). A deployed device goes back to in_stock
// (statusAfterReturn); a device on the bench (in_repair) keeps its status: the loan ends, the work order
// still owns the device. Either way a "returned" event is appended to the device.
// Note for the bench: a damaged return opens the work order first (it links this open checkout) and then
// closes the checkout, so an order's linked checkout may already be returned; resolving such an order
// should put the device in stock rather than back to the person.
Status returnIn(WriteTx& tx, std::int64_t checkout_id, const ReturnInfo& info, const std::string& actor);

// The device's open checkout, if any.
std::optional<Checkout> openCheckoutIn(SQLite::Database& db, std::int64_t device_id);
std::optional<Checkout> checkoutIn(SQLite::Database& db, std::int64_t checkout_id);

struct CheckoutFilter {
  std::optional<bool> open;             // true: not returned; false: returned
  bool overdue = false;                 // open and due before `today`
  std::optional<std::string> person;    // external id (404 when unknown)
  std::optional<std::string> location;  // exact
  std::optional<DeviceRef> device;      // 404 when unknown
  std::string today;                    // for `overdue`; localToday() when empty
  int limit = 100;                      // 1..1000
  std::int64_t after_id = 0;            // keyset cursor, ascending id
};

struct CheckoutPage {
  std::vector<Checkout> items;
  std::optional<std::int64_t> next_after_id;
};

// A loan as the API asks for it: by device reference and person external id (or location).
struct CheckoutRequest {
  DeviceRef device;
  std::string person;    // external id; "" when lending to a location
  std::string location;  // "" when lending to a person
  std::string due;       // already checked: dueDate()
  std::optional<Condition> condition;
  std::string notes;
  // Lend although the person is on hold (admins only; the API checks the role). The reason is recorded
  // as a "hold_overridden" event on the device.
  bool override_hold = false;
  std::string override_reason;
};

struct ReturnRequest {
  ReturnInfo info;
  // Set: open a work order on the device in the same transaction (a damaged return). The order links the
  // checkout being returned, so the bench sees who had it; the device ends up in_repair.
  std::optional<NewWorkOrder> work_order;
};

struct ReturnResult {
  Checkout checkout;
  std::optional<std::int64_t> work_order_id;
};

class CheckoutStore {
 public:
  // With a scope, the device (and the person or place it goes to) must lie in it; others read as 404.
  // `fees`: the policy in force (null: none). With fees.hold_at, a loan to a person whose balance
  // reaches it is refused (Errc::hold, details.balance) unless overridden; a lost or stolen device
  // handed back is found, and its loss charge refunded.
  explicit CheckoutStore(Database& db, Scope scope = {}, const FeePolicy* fees = nullptr)
      : db_(db), scope_(std::move(scope)), fees_(fees) {}
  CheckoutStore(Database& db, const FeePolicy* fees) : CheckoutStore(db, Scope{}, fees) {}

  Result<Checkout> checkOut(const CheckoutRequest& request, const std::string& actor);
  // All or none: one transaction; when any item fails nothing is written and the error (code of the
  // first failure) carries details.errors [{"index", "field", "message"}] for every failing item.
  Result<std::vector<Checkout>> checkOutBatch(const std::vector<CheckoutRequest>& items,
                                              const std::string& actor);

  Result<ReturnResult> returnCheckout(std::int64_t checkout_id, const ReturnRequest& request,
                                      const std::string& actor);
  // Returns the device's open checkout (404 when the device has none).
  Result<ReturnResult> returnDevice(const DeviceRef& device, const ReturnRequest& request,
                                    const std::string& actor);
  Result<std::vector<ReturnResult>> returnBatch(const std::vector<std::pair<DeviceRef, ReturnRequest>>& items,
                                                const std::string& actor);

  Result<Checkout> get(std::int64_t id);
  Result<CheckoutPage> list(const CheckoutFilter& filter);

 private:
  Database& db_;
  Scope scope_;
  const FeePolicy* fees_;
};

}  // namespace fk
