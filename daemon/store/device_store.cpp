#include "store/device_store.hpp"
#include "store/paging.hpp"
#include "store/scope_sql.hpp"

#include <iterator>

#include "core/lifecycle.hpp"
#include "core/values.hpp"
#include "store/device_import.hpp"
#include "store/device_rows.hpp"
#include "store/fee_store.hpp"
#include "store/network_queries.hpp"
#include "store/sql_values.hpp"
#include "store/statement_cache.hpp"
#include "store/write_tx.hpp"

namespace fk {

namespace {

constexpr int kForEachBatch = static_cast<int>(DeviceStore::kBatchSize);

Error unknownDevice(const DeviceRef& ref) {
  return Error::notFound("device " + toString(ref) + " not found");
}

std::optional<std::int64_t> resolveAny(SQLite::Database& db, const DeviceRef& ref) {
  switch (ref.by) {
    case DeviceRef::By::id: {
      auto st = cachedStatement(db, "SELECT id FROM devices WHERE id = ?1");
      st->bind(1, static_cast<std::int64_t>(ref.id));
      if (!st->executeStep()) return std::nullopt;
      return ref.id;
    }
    case DeviceRef::By::asset_tag: return rows::findIdBy(db, "asset_tag", ref.value);
    case DeviceRef::By::serial: return rows::findIdBy(db, "serial", ref.value);
  }
  return std::nullopt;
}

std::vector<DeviceSighting> readSightings(SQLite::Database& db, std::int64_t device_id) {
  auto st = cachedStatement(db, "SELECT source, first_seen, last_seen, coalesce(source_id, ''), fields "
                                "FROM device_sightings WHERE device_id = ?1 ORDER BY source");  // v4 view: true last_seen
  st->bind(1, static_cast<std::int64_t>(device_id));
  std::vector<DeviceSighting> out;
  while (st->executeStep()) {
    nlohmann::json fields = nlohmann::json::parse(st->getColumn(4).getString(), nullptr, false);
    if (!fields.is_object()) fields = nlohmann::json::object();
    out.push_back({st->getColumn(0).getString(), st->getColumn(1).getString(), st->getColumn(2).getString(),
                   st->getColumn(3).getString(), std::move(fields)});
  }
  return out;
}

// A device outside the caller's scope is not found, like one that does not exist.
std::optional<std::int64_t> resolveId(SQLite::Database& db, const DeviceRef& ref, const Scope& scope) {
  auto id = resolveAny(db, ref);
  if (!id || !scope_sql::deviceWithin(db, *id, scope)) return std::nullopt;
  return id;
}

std::optional<Device> loadByRef(SQLite::Database& db, const DeviceRef& ref, const Scope& scope) {
  if (ref.by == DeviceRef::By::id) {
    auto id = resolveId(db, ref, scope);
    if (!id) return std::nullopt;
    return rows::loadById(db, *id);
  }
  auto d = rows::loadByKey(db, ref.by == DeviceRef::By::asset_tag ? rows::KeyColumn::asset_tag : rows::KeyColumn::serial,
                           ref.value);
  if (!d || !scope_sql::deviceWithin(db, d->id, scope)) return std::nullopt;
  return d;
}

// A serial or asset tag `d` would take from another device, as the conflict to report.
std::optional<Error> takenKey(SQLite::Database& db, const Device& d, const Device* before) {
  if (!d.serial.empty() && (!before || before->serial != d.serial)) {
    auto other = rows::findIdBy(db, "serial", d.serial);
    if (other && *other != d.id) return rows::duplicateError("serial", d.serial);
  }
  if (!d.asset_tag.empty() && (!before || before->asset_tag != d.asset_tag)) {
    auto other = rows::findIdBy(db, "asset_tag", d.asset_tag);
    if (other && *other != d.id) return rows::duplicateError("asset_tag", d.asset_tag);
  }
  return std::nullopt;
}

void replaceMacs(SQLite::Database& db, const Device& d) {
  SQLite::Statement del(db, "DELETE FROM device_macs WHERE device_id = ?1");
  del.bind(1, static_cast<std::int64_t>(d.id));
  del.exec();
  SQLite::Statement ins(db, rows::kInsertMac);
  for (const std::string& mac : d.macs) {
    ins.bind(1, static_cast<std::int64_t>(d.id));
    ins.bind(2, mac);
    ins.exec();
    ins.reset();
  }
}

// Writes `after` over the stored row, guarded by the version it was read at.
bool writeDevice(SQLite::Database& db, const Device& after, std::int64_t read_version,
                 const std::string& now) {
  SQLite::Statement st(db, rows::kUpdateDevice);
  rows::bindFields(st, after);
  st.bind(18, now);
  st.bind(19, static_cast<std::int64_t>(after.id));
  st.bind(20, static_cast<std::int64_t>(read_version));
  return st.exec() == 1;
}

using sql::likePattern;

}  // namespace

Result<Device> DeviceStore::create(const DeviceDraft& draft, const std::string& actor) {
  if (auto errors = validateNewDevice(draft); !errors.empty()) {
    return std::unexpected(rows::invalidFields(std::move(errors), "invalid device"));
  }
  Device d;
  applyDraft(d, draft);  // also sorts and de-duplicates the MACs
  d.status = draft.status.value_or(DeviceStatus::in_stock);
  if (!scope_.contains(d.location)) return std::unexpected(scope_sql::outsideScope("the device's", d.location));
  return db_.with([&](SQLite::Database& db) -> Result<Device> {
    try {
      WriteTx tx(db_, db);
      if (auto taken = takenKey(db, d, nullptr)) return std::unexpected(*taken);
      const std::string& now = tx.now();
      SQLite::Statement ins(db, rows::kInsertDevice);
      rows::bindFields(ins, d);
      ins.bind(18, now);
      ins.exec();
      d.id = db.getLastInsertRowid();
      replaceMacs(db, d);
      std::string changes;
      rows::creationChangesJson(d, changes);
      rows::insertEvent(db, d.id, now, actor, "created", changes, "");
      tx.commit();
      return *rows::loadById(db, d.id);
    } catch (const SQLite::Exception& e) {
      // The check above runs under the write lock, so this only fires if a constraint changes.
      if (auto dup = rows::uniqueViolation(e, d)) return std::unexpected(*dup);
      throw;
    }
  });
}

Result<Device> DeviceStore::get(const DeviceRef& ref) {
  return db_.with([&](SQLite::Database& db) -> Result<Device> {
    auto d = loadByRef(db, ref, scope_);
    if (!d) return std::unexpected(unknownDevice(ref));
    return *d;
  });
}

Result<DeviceStore::WithSightings> DeviceStore::getWithSightings(const DeviceRef& ref) {
  return db_.with([&](SQLite::Database& db) -> Result<WithSightings> {
    ReadTx tx(db);
    auto d = loadByRef(db, ref, scope_);
    if (!d) return std::unexpected(unknownDevice(ref));
    WithSightings out{std::move(*d), std::nullopt};
    try {
      out.sightings = readSightings(db, out.device.id);
    } catch (const SQLite::Exception&) {
      // The device is read; its sightings are an extra (the caller shows "seen": {}).
    }
    return out;
  });
}

namespace {

// The page's query: SELECT `columns` FROM devices, filtered, ?1 = after_id, ?2 = limit + 1 (one extra
// row tells whether another page follows), ?3.. = `texts`, then the scope's parameters.
std::string listSql(const DeviceFilter& filter, const Scope& scope, const std::string& columns,
                    std::vector<std::string>& texts) {
  std::string sql = "SELECT " + columns + " FROM devices WHERE id > ?1";
  auto param = [&](std::string value) {
    texts.push_back(std::move(value));
    return "?" + std::to_string(texts.size() + 2);
  };
  if (filter.status) sql += " AND status = " + param(std::string(toString(*filter.status)));
  if (filter.kind) sql += " AND kind = " + param(std::string(toString(*filter.kind)));
  if (filter.model) sql += " AND model = " + param(*filter.model);
  if (filter.location) sql += " AND location = " + param(*filter.location);
  if (filter.code) {
    std::string p = param(*filter.code);
    sql += " AND (asset_tag = " + p + " OR serial = " + p + ")";
  }
  if (filter.q && !filter.q->empty()) {
    std::string p = param(likePattern(*filter.q));
    sql += " AND (";
    const char* columns[] = {"asset_tag", "serial", "model", "location", "notes", "manufacturer"};
    for (std::size_t i = 0; i < std::size(columns); ++i) {
      if (i > 0) sql += " OR ";
      sql += std::string(columns[i]) + " LIKE " + p + " ESCAPE '\\'";
    }
    sql += ")";
  }
  if (filter.seen_since)
    sql += " AND id IN (" + network_sql::seenSinceIds(param(*filter.seen_since)) + ")";
  if (filter.stale_before) {
    std::string sources;
    for (const auto& name : filter.stale_sources) sources += (sources.empty() ? "" : ", ") + param(name);
    if (sources.empty()) {
      sql += " AND 0";  // no management source: nothing can be stale
    } else {
      sql += " AND status = 'deployed' AND EXISTS (SELECT 1 FROM device_sightings s WHERE s.device_id = "
             "devices.id AND s.source IN (" + sources + ") AND " + std::string(network_sql::kLastSync) +
             " < " + param(*filter.stale_before) + ")";
    }
  }
  if (filter.loaner) sql += *filter.loaner ? " AND loaner = 1" : " AND loaner = 0";
  if (filter.lost_seen)
    sql += std::string(" AND id IN (SELECT d.id FROM devices d WHERE ") + network_sql::kLostSeen + ")";
  sql += scope_sql::andWithin(scope, "location");
  sql += " ORDER BY id LIMIT ?2";
  return sql;
}

void bindList(SQLite::Statement& st, const DeviceFilter& filter, const Scope& scope,
              const std::vector<std::string>& texts) {
  st.bind(1, static_cast<std::int64_t>(filter.after_id));
  st.bind(2, filter.limit + 1);
  for (std::size_t i = 0; i < texts.size(); ++i) st.bind(static_cast<int>(i) + 3, texts[i]);
  scope_sql::bindIfScoped(st, scope);
}

}  // namespace

Result<DevicePage> DeviceStore::list(const DeviceFilter& filter) {
  if (auto ok = checkPageLimit(filter.limit); !ok) return std::unexpected(ok.error());
  std::vector<std::string> texts;
  const std::string sql = listSql(filter, scope_, rows::kDeviceColumns, texts);
  return db_.with([&](SQLite::Database& db) -> Result<DevicePage> {
    auto st = cachedStatement(db, sql);
    bindList(*st, filter, scope_, texts);
    DevicePage page;
    page.items.reserve(static_cast<std::size_t>(filter.limit) + 1);
    while (st->executeStep()) page.items.push_back(rows::readDevice(*st));
    if (page.items.size() > static_cast<std::size_t>(filter.limit)) {
      page.items.pop_back();
      page.next_after_id = page.items.back().id;
    }
    rows::hydrateMacs(db, page.items);
    return page;
  });
}

Result<std::optional<std::int64_t>> DeviceStore::listRows(const DeviceFilter& filter,
                                                          const std::function<void(const DeviceRowView&)>& fn) {
  if (auto ok = checkPageLimit(filter.limit); !ok) return std::unexpected(ok.error());
  std::vector<std::string> texts;
  const std::string sql = listSql(filter, scope_, rows::kDeviceRowColumns, texts);
  return db_.with([&](SQLite::Database& db) -> Result<std::optional<std::int64_t>> {
    auto st = cachedStatement(db, sql);
    bindList(*st, filter, scope_, texts);
    std::vector<SQLite::Column> columns;
    const DeviceRowView row(columns);
    std::optional<std::int64_t> last_id;
    int read = 0;
    while (st->executeStep()) {
      // The extra row only says that another page follows.
      if (read++ == filter.limit) return last_id;
      if (columns.empty()) {
        columns.reserve(static_cast<std::size_t>(st->getColumnCount()));
        for (int i = 0; i < st->getColumnCount(); ++i) columns.push_back(st->getColumn(i));
      }
      fn(row);
      last_id = row.id();
    }
    return std::optional<std::int64_t>();
  });
}

Result<Device> DeviceStore::update(const DeviceRef& ref, const DeviceDraft& draft,
                                   std::int64_t expected_version, const std::string& actor) {
  return db_.with([&](SQLite::Database& db) -> Result<Device> {
    Device after;
    try {
      WriteTx tx(db_, db);
      auto before = loadByRef(db, ref, scope_);
      if (!before) return std::unexpected(unknownDevice(ref));
      if (before->version != expected_version) {
        return std::unexpected(Error::conflict("device " + toString(ref) + " has changed since version " +
                                                   std::to_string(expected_version) + " (now " +
                                                   std::to_string(before->version) + ")",
                                               {{"current_version", before->version}}));
      }
      if (draft.status && *draft.status != before->status) {
        return std::unexpected(Error::invalid("status", "status changes go through a transition"));
      }
      after = *before;
      std::vector<FieldChange> changes = applyDraft(after, draft);
      if (changes.empty()) return *before;
      if (!scope_.contains(after.location))
        return std::unexpected(scope_sql::outsideScope("the device's new", after.location));
      if (auto errors = validateNewDevice(rows::draftFromDevice(after)); !errors.empty()) {
        return std::unexpected(rows::invalidFields(std::move(errors), "invalid device"));
      }
      if (auto taken = takenKey(db, after, &*before)) return std::unexpected(*taken);
      const std::string& now = tx.now();
      if (!writeDevice(db, after, before->version, now)) {
        return std::unexpected(
            Error::internal("device " + std::to_string(after.id) + " vanished during update"));
      }
      if (after.macs != before->macs) replaceMacs(db, after);
      rows::insertEvent(db, after.id, now, actor, "updated", rows::changesJson(changes), "");
      tx.commit();
      return *rows::loadById(db, after.id);
    } catch (const SQLite::Exception& e) {
      if (auto dup = rows::uniqueViolation(e, after)) return std::unexpected(*dup);
      throw;
    }
  });
}

Result<Device> DeviceStore::transition(const DeviceRef& ref, DeviceStatus to, const std::string& reason,
                                       const std::string& actor) {
  return db_.with([&](SQLite::Database& db) -> Result<Device> {
    WriteTx tx(db_, db);
    auto before = loadByRef(db, ref, scope_);
    if (!before) return std::unexpected(unknownDevice(ref));
    if (auto allowed = checkTransition(before->status, to); !allowed) return std::unexpected(allowed.error());
    Device after = *before;
    after.status = to;
    const std::string& now = tx.now();
    writeDevice(db, after, before->version, now);
    std::vector<FieldChange> change{
        {"status", std::string(toString(before->status)), std::string(toString(to))}};
    rows::insertEvent(db, after.id, now, actor, "transition", rows::changesJson(change), reason);
    if (fees_) {
      const bool was_missing = before->status == DeviceStatus::lost || before->status == DeviceStatus::stolen;
      Status charged;
      if (to == DeviceStatus::lost || to == DeviceStatus::stolen)
        charged = chargeLossIn(tx, *fees_, after.id, to == DeviceStatus::lost ? IncidentKind::lost : IncidentKind::stolen,
                               actor);
      else if (was_missing && to == DeviceStatus::in_stock)
        charged = refundFoundIn(tx, *fees_, after.id, std::nullopt, actor);
      if (!charged) return std::unexpected(charged.error());
    }
    tx.commit();
    return *rows::loadById(db, after.id);
  });
}

Result<std::vector<DeviceEvent>> DeviceStore::events(const DeviceRef& ref) {
  return db_.with([&](SQLite::Database& db) -> Result<std::vector<DeviceEvent>> {
    // One read transaction so the device cannot vanish between the lookup and the history read.
    SQLite::Transaction tx(db);
    auto id = resolveId(db, ref, scope_);
    if (!id) return std::unexpected(unknownDevice(ref));
    SQLite::Statement st(db,
                         "SELECT id, device_id, at, actor, action, changes, coalesce(reason, '') "
                         "FROM events WHERE device_id = ?1 ORDER BY id");
    st.bind(1, static_cast<std::int64_t>(*id));
    std::vector<DeviceEvent> out;
    std::optional<std::size_t> initial;  // an import's creation event, stored without its values
    while (st.executeStep()) {
      const std::string changes = st.getColumn(5).getString();
      if (changes == import::kInitialValues) initial = out.size();
      out.push_back({st.getColumn(0).getInt64(), st.getColumn(1).getInt64(), st.getColumn(2).getString(),
                     st.getColumn(3).getString(), st.getColumn(4).getString(), rows::parseChanges(changes),
                     st.getColumn(6).getString()});
    }
    if (initial) import::recoverInitialValues(db, *id, out, *initial);
    return out;
  });
}

Result<std::vector<DeviceSighting>> DeviceStore::sightings(std::int64_t device_id) {
  return db_.with(
      [&](SQLite::Database& db) -> Result<std::vector<DeviceSighting>> { return readSightings(db, device_id); });
}

Result<std::vector<Device>> DeviceStore::batchAfter(std::int64_t after_id) {
  const std::string sql = std::string("SELECT ") + rows::kDeviceColumns + " FROM devices WHERE id > ?1" +
                          scope_sql::andWithin(scope_, "location") + " ORDER BY id LIMIT ?2";
  return db_.with([&](SQLite::Database& db) -> Result<std::vector<Device>> {
    SQLite::Statement st(db, sql);
    st.bind(1, static_cast<std::int64_t>(after_id));
    st.bind(2, kForEachBatch);
    scope_sql::bindIfScoped(st, scope_);
    std::vector<Device> out;
    while (st.executeStep()) out.push_back(rows::readDevice(st));
    rows::hydrateMacs(db, out);
    return out;
  });
}

Status DeviceStore::forEach(const std::function<void(const Device&)>& fn) {
  std::int64_t after_id = 0;
  for (;;) {
    // The connection goes back to the pool between batches, so `fn` may be slow or use the store.
    auto batch = batchAfter(after_id);
    if (!batch) return std::unexpected(batch.error());
    for (const Device& d : *batch) fn(d);
    if (batch->size() < kBatchSize) return {};
    after_id = batch->back().id;
  }
}

}  // namespace fk
