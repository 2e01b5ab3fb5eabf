#include "store/checkout_store.hpp"
#include "store/paging.hpp"
#include "store/scope_sql.hpp"

#include <sqlite3.h>

#include "core/values.hpp"
#include "store/collection_store.hpp"
#include "store/device_rows.hpp"
#include "store/fee_store.hpp"
#include "store/people_store.hpp"
#include "store/sql_values.hpp"
#include "store/write_tx.hpp"

namespace fk {
namespace {

constexpr const char* kSelectCheckouts =
    "SELECT c.id, c.device_id, d.asset_tag, d.serial, c.person_id, p.external_id, p.name, c.location, "
    "c.work_order_id, c.due, c.checked_out_at, c.checked_out_by, c.condition_out, c.notes_out, "
    "c.returned_at, "
    "c.returned_by, c.condition_in, c.notes_in "
    "FROM checkouts c JOIN devices d ON d.id = c.device_id LEFT JOIN people p ON p.id = c.person_id ";

using sql::bindText;
using sql::optionalInt;

using sql::text;

Checkout readCheckoutRow(SQLite::Statement& st) {
  Checkout c;
  c.id = st.getColumn(0).getInt64();
  c.device_id = st.getColumn(1).getInt64();
  c.device_asset_tag = text(st, 2);
  c.device_serial = text(st, 3);
  c.person_id = optionalInt(st, 4);
  c.person_external_id = text(st, 5);
  c.person_name = text(st, 6);
  c.location = text(st, 7);
  c.work_order_id = optionalInt(st, 8);
  c.due = st.getColumn(9).getString();
  c.checked_out_at = st.getColumn(10).getString();
  c.checked_out_by = st.getColumn(11).getString();
  c.condition_out = text(st, 12);
  c.notes_out = text(st, 13);
  c.returned_at = text(st, 14);
  c.returned_by = text(st, 15);
  c.condition_in = text(st, 16);
  c.notes_in = text(st, 17);
  return c;
}

std::string deviceName(const Device& d) {
  if (!d.asset_tag.empty()) return "tag:" + d.asset_tag;
  if (!d.serial.empty()) return "serial:" + d.serial;
  return std::to_string(d.id);
}

// How messages and the history name whoever holds a loan.
std::string holderName(const Checkout& c) {
  if (!c.person_external_id.empty()) return c.person_name + " (" + c.person_external_id + ")";
  return c.location;
}

std::string holderKey(const Checkout& c) {
  return c.person_external_id.empty() ? "location:" + c.location : "person:" + c.person_external_id;
}

Error withField(Error e, const std::string& field) {
  e.details["field"] = field;
  return e;
}

void moveDevice(SQLite::Database& db, std::int64_t device_id, DeviceStatus to, const std::string& now) {
  SQLite::Statement st(
      db, "UPDATE devices SET status = ?1, version = version + 1, updated_at = ?2 WHERE id = ?3");
  st.bind(1, std::string(toString(to)));
  st.bind(2, now);
  st.bind(3, static_cast<std::int64_t>(device_id));
  st.exec();
}

std::optional<std::int64_t> resolveDevice(SQLite::Database& db, const DeviceRef& ref) {
  switch (ref.by) {
    case DeviceRef::By::id: {
      SQLite::Statement st(db, "SELECT id FROM devices WHERE id = ?1");
      st.bind(1, static_cast<std::int64_t>(ref.id));
      if (!st.executeStep()) return std::nullopt;
      return ref.id;
    }
    case DeviceRef::By::asset_tag: return rows::findIdBy(db, "asset_tag", ref.value);
    case DeviceRef::By::serial: return rows::findIdBy(db, "serial", ref.value);
  }
  return std::nullopt;
}

// Out of the caller's scope reads as absent (404), for devices and people alike.
Result<std::int64_t> deviceIdOf(SQLite::Database& db, const DeviceRef& ref, const Scope& scope) {
  auto id = resolveDevice(db, ref);
  if (!id || !scope_sql::deviceWithin(db, *id, scope))
    return std::unexpected(withField(Error::notFound("device " + toString(ref) + " not found"), "device"));
  return *id;
}

Result<Person> personOf(SQLite::Database& db, const std::string& external_id, const Scope& scope) {
  auto p = findPersonIn(db, external_id);
  if (!p || !scope_sql::personWithin(db, p->id, scope)) {
    return std::unexpected(
        withField(Error::notFound("no person with external_id \"" + external_id + "\""), "person"));
  }
  return *p;
}

Result<std::int64_t> lend(WriteTx& tx, const FeePolicy* fees, const CheckoutRequest& request,
                          const std::string& actor, const Scope& scope) {
  SQLite::Database& db = tx.db();
  if (request.person.empty() && !scope.contains(request.location))
    return std::unexpected(scope_sql::outsideScope("the loan's", request.location));
  auto device_id = deviceIdOf(db, request.device, scope);
  if (!device_id) return std::unexpected(device_id.error());
  NewCheckout loan{*device_id,   std::nullopt,      request.location, request.due,
                   std::nullopt, request.condition, request.notes};
  std::optional<std::int64_t> overridden_balance;
  if (!request.person.empty()) {
    auto person = personOf(db, request.person, scope);
    if (!person) return std::unexpected(person.error());
    loan.person_id = person->id;
    // The hold is checked in the loan's own transaction, so a payment racing it is either seen or not.
    if (fees) {
      const std::int64_t balance = balanceIn(db, person->id);
      if (onHold(*fees, balance)) {
        if (!request.override_hold) {
          return std::unexpected(Error{Errc::hold,
                                       describe(*person) + " is on hold: balance " + formatMoney(balance) +
                                           " is at or above " + formatMoney(*fees->hold_at_cents),
                                       {{"field", "person"},
                                        {"balance", formatMoney(balance)},
                                        {"hold_at", formatMoney(*fees->hold_at_cents)}}});
        }
        overridden_balance = balance;
      }
    }
  }
  auto id = checkOutIn(tx, loan, actor);
  if (id && overridden_balance) {
    rows::appendEvent(
        db, *device_id, tx.now(), actor, "hold_overridden",
        {{"balance", nullptr, formatMoney(*overridden_balance)}},
        "checkout " + std::to_string(*id) + " to " + request.person + ": " + request.override_reason);
  }
  return id;
}

Result<ReturnResult> giveBack(WriteTx& tx, const FeePolicy* fees, const Checkout& checkout,
                              const ReturnRequest& request, const std::string& actor) {
  SQLite::Database& db = tx.db();
  ReturnResult result;
  // A lost or stolen device handed back at the desk is found: its loss charge is refunded.
  if (fees) {
    if (auto device = rows::loadById(db, checkout.device_id);
        device && (device->status == DeviceStatus::lost || device->status == DeviceStatus::stolen)) {
      if (auto st = refundFoundIn(tx, *fees, checkout.device_id, checkout.id, actor); !st)
        return std::unexpected(st.error());
    }
  }
  if (request.work_order) {
    // The order first, while the checkout is still open, so the order links it (who had the device).
    NewWorkOrder order = *request.work_order;
    order.device = DeviceRef{DeviceRef::By::id, checkout.device_id, {}};
    auto id = openWorkOrderIn(tx, order, actor);
    if (!id) return std::unexpected(id.error());
    result.work_order_id = *id;
  }
  if (auto st = returnIn(tx, checkout.id, request.info, actor); !st) return std::unexpected(st.error());
  result.checkout = *checkoutIn(db, checkout.id);
  return result;
}

Result<Checkout> openCheckoutOfRef(SQLite::Database& db, const DeviceRef& ref, const Scope& scope) {
  auto device_id = deviceIdOf(db, ref, scope);
  if (!device_id) return std::unexpected(device_id.error());
  auto open = openCheckoutIn(db, *device_id);
  if (!open) {
    return std::unexpected(
        withField(Error::notFound("device " + toString(ref) + " is not checked out"), "device"));
  }
  return *open;
}

// Runs every item in one transaction; any failure rolls all of them back.
template <class Item, class Out, class Fn>
Result<std::vector<Out>> allOrNone(Database& database, const std::vector<Item>& items, Fn&& one) {
  if (items.empty()) return std::unexpected(Error::invalid("items", "items must not be empty"));
  return database.with([&](SQLite::Database& db) -> Result<std::vector<Out>> {
    WriteTx tx(database, db);
    std::vector<Out> done;
    std::optional<Error> first;
    nlohmann::json errors = nlohmann::json::array();
    for (std::size_t i = 0; i < items.size(); ++i) {
      // A savepoint per item: a refused item leaves nothing half-done for the items after it to see.
      db.exec("SAVEPOINT item");
      auto r = one(tx, items[i]);
      if (r) {
        db.exec("RELEASE item");
        done.push_back(std::move(*r));
        continue;
      }
      db.exec("ROLLBACK TO item");
      db.exec("RELEASE item");
      const Error& e = r.error();
      std::string field = e.details.contains("field") ? e.details["field"].get<std::string>() : "device";
      errors.push_back({{"index", i}, {"field", field}, {"message", e.message}, {"code", codeName(e.code)}});
      if (!first) first = e;
    }
    if (first) {
      Error e{first->code,
              std::to_string(errors.size()) + " of " + std::to_string(items.size()) +
                  " items refused; nothing was changed (first: " + first->message + ")",
              {{"errors", std::move(errors)}}};
      return std::unexpected(std::move(e));
    }
    tx.commit();
    return done;
  });
}

}  // namespace

std::optional<Checkout> checkoutIn(SQLite::Database& db, std::int64_t checkout_id) {
  SQLite::Statement st(db, std::string(kSelectCheckouts) + "WHERE c.id = ?1");
  st.bind(1, static_cast<std::int64_t>(checkout_id));
  if (!st.executeStep()) return std::nullopt;
  return readCheckoutRow(st);
}

std::optional<Checkout> openCheckoutIn(SQLite::Database& db, std::int64_t device_id) {
  SQLite::Statement st(db,
                       std::string(kSelectCheckouts) + "WHERE c.device_id = ?1 AND c.returned_at IS NULL");
  st.bind(1, static_cast<std::int64_t>(device_id));
  if (!st.executeStep()) return std::nullopt;
  return readCheckoutRow(st);
}

Result<std::int64_t> checkOutIn(WriteTx& tx, const NewCheckout& loan, const std::string& actor) {
  SQLite::Database& db = tx.db();
  auto device = rows::loadById(db, loan.device_id);
  if (!device) {
    return std::unexpected(
        withField(Error::notFound("device " + std::to_string(loan.device_id) + " not found"), "device"));
  }
  const std::string name = deviceName(*device);
  if (device->status != DeviceStatus::in_stock) {
    auto current = openCheckoutIn(db, device->id);
    auto refused = checkLendable(name, device->status, current ? holderName(*current) : "");
    Error e = refused.error();
    if (current) e.details["checkout_id"] = current->id;
    return std::unexpected(withField(std::move(e), "device"));
  }
  std::string holder;
  if (loan.person_id) {
    SQLite::Statement st(db, "SELECT external_id, name, active FROM people WHERE id = ?1");
    st.bind(1, static_cast<std::int64_t>(*loan.person_id));
    if (!st.executeStep()) {
      return std::unexpected(
          withField(Error::notFound("person " + std::to_string(*loan.person_id) + " not found"), "person"));
    }
    const std::string who = st.getColumn(1).getString() + " (" + st.getColumn(0).getString() + ")";
    if (auto ok = checkMayBorrow(who, st.getColumn(2).getInt() != 0); !ok) return std::unexpected(ok.error());
    holder = "person:" + st.getColumn(0).getString();
  } else {
    if (auto ok = checkBorrower(std::nullopt, loan.location); !ok) return std::unexpected(ok.error());
    holder = "location:" + loan.location;
  }
  if (auto bad = checkNotes(loan.notes, "notes")) {
    return std::unexpected(Error::invalid(bad->field, "notes " + bad->message));
  }
  const std::string& now = tx.now();
  try {
    SQLite::Statement ins(
        db,
        "INSERT INTO checkouts (device_id, person_id, location, work_order_id, due, checked_out_at, "
        "checked_out_by, condition_out, notes_out) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    ins.bind(1, static_cast<std::int64_t>(loan.device_id));
    if (loan.person_id) {
      ins.bind(2, static_cast<std::int64_t>(*loan.person_id));
      ins.bind(3);
    } else {
      ins.bind(2);
      ins.bind(3, loan.location);
    }
    if (loan.work_order_id) {
      ins.bind(4, static_cast<std::int64_t>(*loan.work_order_id));
    } else {
      ins.bind(4);
    }
    ins.bind(5, loan.due);
    ins.bind(6, now);
    ins.bind(7, actor);
    bindText(ins, 8, loan.condition ? std::string(toString(*loan.condition)) : std::string());
    bindText(ins, 9, loan.notes);
    ins.exec();
  } catch (const SQLite::Exception& e) {
    // The status check above runs under the write lock; this is the schema's own guarantee (partial
    // unique index) for a device that is in stock yet still has an open checkout.
    if (e.getExtendedErrorCode() != SQLITE_CONSTRAINT_UNIQUE) throw;
    return std::unexpected(
        withField(Error::conflict("device " + name + " already has an open checkout"), "device"));
  }
  const std::int64_t id = db.getLastInsertRowid();
  moveDevice(db, device->id, DeviceStatus::deployed, now);
  rows::appendEvent(
      db, device->id, now, actor, "checked_out",
      {{"status", std::string(toString(device->status)), "deployed"}, {"holder", nullptr, holder}},
      "checkout " + std::to_string(id) + ", due " + loan.due);
  return id;
}

Status returnIn(WriteTx& tx, std::int64_t checkout_id, const ReturnInfo& info, const std::string& actor) {
  SQLite::Database& db = tx.db();
  auto checkout = checkoutIn(db, checkout_id);
  if (!checkout)
    return std::unexpected(Error::notFound("checkout " + std::to_string(checkout_id) + " not found"));
  if (!checkout->open()) {
    return std::unexpected(Error::conflict("checkout " + std::to_string(checkout_id) +
                                           " was already returned at " + checkout->returned_at));
  }
  if (auto bad = checkNotes(info.notes, "notes")) {
    return std::unexpected(Error::invalid(bad->field, "notes " + bad->message));
  }
  const std::string& now = tx.now();
  SQLite::Statement upd(
      db,
      "UPDATE checkouts SET returned_at = ?1, returned_by = ?2, condition_in = ?3, notes_in = ?4 "
      "WHERE id = ?5 AND returned_at IS NULL");
  upd.bind(1, now);
  upd.bind(2, actor);
  upd.bind(3, std::string(toString(info.condition)));
  bindText(upd, 4, info.notes);
  upd.bind(5, static_cast<std::int64_t>(checkout_id));
  upd.exec();

  auto device = rows::loadById(db, checkout->device_id);
  std::vector<FieldChange> changes;
  if (auto to = statusAfterReturn(device->status)) {
    moveDevice(db, device->id, *to, now);
    changes.push_back({"status", std::string(toString(device->status)), std::string(toString(*to))});
  }
  changes.push_back({"holder", holderKey(*checkout), nullptr});
  std::string reason =
      "checkout " + std::to_string(checkout_id) + ", condition " + std::string(toString(info.condition));
  if (!info.notes.empty()) reason += ": " + info.notes;
  rows::appendEvent(db, device->id, now, actor, "returned", changes, reason);
  return {};
}

Result<Checkout> CheckoutStore::checkOut(const CheckoutRequest& request, const std::string& actor) {
  return db_.with([&](SQLite::Database& db) -> Result<Checkout> {
    WriteTx tx(db_, db);
    auto id = lend(tx, fees_, request, actor, scope_);
    if (!id) return std::unexpected(id.error());
    tx.commit();
    return *checkoutIn(db, *id);
  });
}

Result<std::vector<Checkout>> CheckoutStore::checkOutBatch(const std::vector<CheckoutRequest>& items,
                                                           const std::string& actor) {
  return allOrNone<CheckoutRequest, Checkout>(
      db_, items, [&](WriteTx& tx, const CheckoutRequest& item) -> Result<Checkout> {
        auto id = lend(tx, fees_, item, actor, scope_);
        if (!id) return std::unexpected(id.error());
        return *checkoutIn(tx.db(), *id);
      });
}

Result<ReturnResult> CheckoutStore::returnCheckout(std::int64_t checkout_id, const ReturnRequest& request,
                                                   const std::string& actor) {
  return db_.with([&](SQLite::Database& db) -> Result<ReturnResult> {
    WriteTx tx(db_, db);
    auto checkout = checkoutIn(db, checkout_id);
    if (!checkout || !scope_sql::deviceWithin(db, checkout->device_id, scope_))
      return std::unexpected(Error::notFound("checkout " + std::to_string(checkout_id) + " not found"));
    auto result = giveBack(tx, fees_, *checkout, request, actor);
    if (!result) return result;
    tx.commit();
    return result;
  });
}

Result<ReturnResult> CheckoutStore::returnDevice(const DeviceRef& device, const ReturnRequest& request,
                                                 const std::string& actor) {
  return db_.with([&](SQLite::Database& db) -> Result<ReturnResult> {
    WriteTx tx(db_, db);
    auto checkout = openCheckoutOfRef(db, device, scope_);
    if (!checkout) return std::unexpected(checkout.error());
    auto result = giveBack(tx, fees_, *checkout, request, actor);
    if (!result) return result;
    tx.commit();
    return result;
  });
}

Result<std::vector<ReturnResult>> CheckoutStore::returnBatch(
    const std::vector<std::pair<DeviceRef, ReturnRequest>>& items, const std::string& actor) {
  using Item = std::pair<DeviceRef, ReturnRequest>;
  return allOrNone<Item, ReturnResult>(db_, items,
                                       [&](WriteTx& tx, const Item& item) -> Result<ReturnResult> {
                                         auto checkout = openCheckoutOfRef(tx.db(), item.first, scope_);
                                         if (!checkout) return std::unexpected(checkout.error());
                                         return giveBack(tx, fees_, *checkout, item.second, actor);
                                       });
}

Result<Checkout> CheckoutStore::get(std::int64_t id) {
  return db_.with([&](SQLite::Database& db) -> Result<Checkout> {
    auto c = checkoutIn(db, id);
    if (!c || !scope_sql::deviceWithin(db, c->device_id, scope_)) return std::unexpected(Error::notFound("checkout " + std::to_string(id) + " not found"));
    return *c;
  });
}

Result<CheckoutPage> CheckoutStore::list(const CheckoutFilter& filter) {
  if (auto ok = checkPageLimit(filter.limit); !ok) return std::unexpected(ok.error());
  return db_.with([&](SQLite::Database& db) -> Result<CheckoutPage> {
    SQLite::Transaction tx(db);  // one snapshot for the lookups and the page
    std::string sql = std::string(kSelectCheckouts) + "WHERE c.id > ?1";
    std::vector<std::string> texts;
    auto textParam = [&](std::string value) {
      texts.push_back(std::move(value));
      return "?" + std::to_string(texts.size() + 2);
    };
    if (filter.person) {
      auto person = personOf(db, *filter.person, scope_);
      if (!person) return std::unexpected(person.error());
      sql += " AND c.person_id = " + std::to_string(person->id);
    }
    if (filter.device) {
      auto id = deviceIdOf(db, *filter.device, scope_);
      if (!id) return std::unexpected(id.error());
      sql += " AND c.device_id = " + std::to_string(*id);
    }
    if (filter.location) sql += " AND c.location = " + textParam(*filter.location);
    if (filter.overdue || (filter.open && *filter.open)) sql += " AND c.returned_at IS NULL";
    if (filter.open && !*filter.open) sql += " AND c.returned_at IS NOT NULL";
    if (filter.overdue) {
      // Past its due date, or held past the deadline of an open collection campaign in scope.
      const std::string today = textParam(filter.today.empty() ? localToday() : filter.today);
      sql += " AND (c.due < " + today + " OR " + collectionOverdueCondition(today) + ")";
    }
    if (!scope_.districtWide())
      sql += " AND c.device_id IN (SELECT id FROM devices WHERE " + scope_sql::condition("location") + ")";
    sql += " ORDER BY c.id LIMIT ?2";
    SQLite::Statement st(db, sql);
    st.bind(1, static_cast<std::int64_t>(filter.after_id));
    st.bind(2, filter.limit + 1);
    for (std::size_t i = 0; i < texts.size(); ++i) st.bind(static_cast<int>(i) + 3, texts[i]);
    scope_sql::bindIfScoped(st, scope_);
    CheckoutPage page;
    while (st.executeStep()) page.items.push_back(readCheckoutRow(st));
    if (page.items.size() > static_cast<std::size_t>(filter.limit)) {
      page.items.pop_back();
      page.next_after_id = page.items.back().id;
    }
    return page;
  });
}

}  // namespace fk
