// ReconcileStore: one successful poll applied in one transaction. This file owns the transaction and
// the registry's keys a poll starts from (read once per poll, not per record, or kept from the source's
// last poll); store/reconcile_writer.cpp writes what core/reconcile decides.

#include "store/reconcile_store.hpp"

#include <utility>

#include "core/circulation.hpp"
#include "core/values.hpp"
#include "store/reconcile_writer.hpp"
#include "store/source_store.hpp"
#include "store/sql_values.hpp"
#include "store/write_tx.hpp"

namespace fk {
namespace {

using sql::text;

namespace rc = reconcile;

rc::Index readIndex(SQLite::Database& db, const std::string& source) {
  rc::Index idx;
  const auto rows = static_cast<std::size_t>(db.execAndGet("SELECT count(*) FROM devices").getInt64());
  idx.devices.reserve(rows);
  idx.by_serial.reserve(rows);
  idx.by_tag.reserve(rows);
  SQLite::Statement devices(db, "SELECT id, serial, asset_tag, version, status FROM devices");
  while (devices.executeStep()) {
    const std::int64_t id = devices.getColumn(0).getInt64();
    rc::DeviceKeys& k = idx.devices[id];
    k = {text(devices, 1), text(devices, 2), devices.getColumn(3).getInt64(),
         parseStatus(devices.getColumn(4).getString()).value_or(DeviceStatus::in_stock)};
    if (!k.serial.empty()) idx.by_serial.emplace(k.serial, id);
    if (!k.asset_tag.empty()) idx.by_tag.emplace(k.asset_tag, id);
  }
  // Sized up front: growing a 100k-entry table rehashes every key several times over.
  idx.by_mac.reserve(
      static_cast<std::size_t>(db.execAndGet("SELECT count(*) FROM device_macs").getInt64()));
  SQLite::Statement macs(db, "SELECT mac, device_id FROM device_macs");
  while (macs.executeStep())
    idx.by_mac[macs.getColumn(0).getString()].push_back(macs.getColumn(1).getInt64());
  SQLite::Statement seen(db,
                         "SELECT device_id, coalesce(source_id, ''), obs_hash, device_version, in_last_poll "
                         "FROM device_seen WHERE source = ?1");
  seen.bind(1, source);
  SQLite::Statement seen_rows(db, "SELECT count(*) FROM device_seen WHERE source = ?1");
  seen_rows.bind(1, source);
  seen_rows.executeStep();
  const auto sightings = static_cast<std::size_t>(seen_rows.getColumn(0).getInt64());
  idx.seen.reserve(sightings);
  idx.by_source_id.reserve(sightings);
  while (seen.executeStep()) {
    const std::int64_t id = seen.getColumn(0).getInt64();
    rc::SeenRow row{seen.getColumn(1).getString(), static_cast<std::uint64_t>(seen.getColumn(2).getInt64()),
                    seen.getColumn(3).getInt64(), seen.getColumn(4).getInt() != 0};
    if (!row.source_id.empty()) idx.by_source_id.emplace(row.source_id, id);
    idx.seen.emplace(id, std::move(row));
  }
  return idx;
}

std::int64_t lastEvent(SQLite::Database& db) {
  return db.execAndGet("SELECT coalesce(max(id), 0) FROM events").getInt64();
}

}  // namespace

Result<ReconcileSummary> ReconcileStore::apply(PollObservations poll, const ReconcileHooks& hooks) {
  std::lock_guard lock(mutex_);
  // Taken out: a poll that fails has changed the index it was working on, so nothing is kept.
  std::optional<Kept> kept = std::exchange(kept_, std::nullopt);
  return db_.with([&](SQLite::Database& db) -> Result<ReconcileSummary> {
    WriteTx tx(db_, db, formatInstant(poll.poll_time));
    // Read under the write lock: no other writer can commit until this poll has.
    const Stamp start{db_.generation(), lastEvent(db)};
    rc::Index idx;
    if (kept && kept->source == poll.source && kept->stamp == start) {
      idx = std::move(kept->index);
      ++reuses_;
    } else {
      kept.reset();  // freed before the new one is read
      idx = readIndex(db, poll.source);
      ++loads_;
    }
    PollWrite written = writePoll(db, poll, hooks, idx);
    ReconcileSummary summary = std::move(written.summary);
    if (!poll.people.empty())
      summary.people = reconcilePeople(tx, {poll.source, std::move(poll.people), poll.complete_listing,
                                            poll.today.empty() ? localToday() : poll.today,
                                            poll.return_within_days});
    if (poll.outcome) writeOutcome(tx, poll.outcome(summary));
    const std::int64_t last_event = lastEvent(db);
    const bool wrote = written.wrote_registry || !poll.network.empty() || summary.people.wrote();
    tx.commit(wrote);
    // Kept only if the generation moved by this poll's own write alone: any other bump, even for a
    // write committed before this poll began, may stand for keys the index lacks. Network sightings
    // are not kept in step: the presence hook writes this source's device_seen rows itself.
    const std::uint64_t generation = db_.generation();
    if (poll.network.empty() && generation == start.generation + (wrote ? 1 : 0))
      kept_ = Kept{poll.source, {generation, last_event}, std::move(idx)};
    return summary;
  });
}

Result<rc::Index> ReconcileStore::loadIndex(Database& db, const std::string& source) {
  return db.with([&](SQLite::Database& c) -> Result<rc::Index> { return readIndex(c, source); });
}

std::optional<rc::Index> ReconcileStore::keptIndex(const std::string& source) const {
  std::lock_guard lock(mutex_);
  if (!kept_ || kept_->source != source) return std::nullopt;
  return kept_->index;
}

std::uint64_t ReconcileStore::indexLoads() const {
  std::lock_guard lock(mutex_);
  return loads_;
}

std::uint64_t ReconcileStore::indexReuses() const {
  std::lock_guard lock(mutex_);
  return reuses_;
}

}  // namespace fk
