#include "store/model_store.hpp"

#include "core/values.hpp"
#include "store/write_tx.hpp"

namespace fk {

namespace {

constexpr const char* kModelColumns =
    "model, kind, unit_cost_cents, life_years, coalesce(aue_date, ''), updated_at";

CatalogModel readModel(SQLite::Statement& st) {
  CatalogModel m;
  m.model = st.getColumn(0).getString();
  m.kind = parseKind(st.getColumn(1).getString()).value_or(DeviceKind::other);
  if (!st.getColumn(2).isNull()) m.unit_cost_cents = st.getColumn(2).getInt64();
  if (!st.getColumn(3).isNull()) m.life_years = st.getColumn(3).getInt();
  m.aue_date = st.getColumn(4).getString();
  m.updated_at = st.getColumn(5).getString();
  return m;
}

Status validate(const CatalogModel& m) {
  if (m.model.empty()) return std::unexpected(Error::invalid("model", "model name is required"));
  if (m.unit_cost_cents && *m.unit_cost_cents < 0) {
    return std::unexpected(Error::invalid("unit_cost", "unit cost cannot be negative"));
  }
  if (m.life_years && (*m.life_years < 1 || *m.life_years > 50)) {
    return std::unexpected(Error::invalid("life_years", "life_years must be between 1 and 50"));
  }
  if (!m.aue_date.empty() && !isValidDate(m.aue_date)) {
    return std::unexpected(Error::invalid("aue_date", "aue_date must be a date YYYY-MM-DD"));
  }
  return {};
}

void upsert(SQLite::Database& db, const CatalogModel& m, const std::string& now) {
  SQLite::Statement st(
      db,
      "INSERT INTO models (model, kind, unit_cost_cents, life_years, aue_date, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (model) DO UPDATE SET kind = excluded.kind, "
      "unit_cost_cents = excluded.unit_cost_cents, life_years = excluded.life_years, "
      "aue_date = excluded.aue_date, updated_at = excluded.updated_at");
  st.bind(1, m.model);
  st.bind(2, std::string(toString(m.kind)));
  if (m.unit_cost_cents) {
    st.bind(3, static_cast<std::int64_t>(*m.unit_cost_cents));
  } else {
    st.bind(3);
  }
  if (m.life_years) {
    st.bind(4, *m.life_years);
  } else {
    st.bind(4);
  }
  if (m.aue_date.empty()) {
    st.bind(5);
  } else {
    st.bind(5, m.aue_date);
  }
  st.bind(6, now);
  st.exec();
}

std::optional<CatalogModel> find(SQLite::Database& db, const std::string& model) {
  SQLite::Statement st(db, std::string("SELECT ") + kModelColumns + " FROM models WHERE model = ?1");
  st.bind(1, model);
  if (!st.executeStep()) return std::nullopt;
  return readModel(st);
}

}  // namespace

std::vector<CatalogModel> readCatalogIn(SQLite::Database& db) {
  SQLite::Statement st(db, std::string("SELECT ") + kModelColumns + " FROM models ORDER BY model");
  std::vector<CatalogModel> out;
  while (st.executeStep()) out.push_back(readModel(st));
  return out;
}

Result<std::vector<CatalogModel>> ModelStore::list() {
  return db_.with([&](SQLite::Database& db) -> Result<std::vector<CatalogModel>> { return readCatalogIn(db); });
}

Result<CatalogModel> ModelStore::get(const std::string& model) {
  return db_.with([&](SQLite::Database& db) -> Result<CatalogModel> {
    auto m = find(db, model);
    if (!m) return std::unexpected(Error::notFound("model " + model + " is not in the catalog"));
    return *m;
  });
}

Result<CatalogModel> ModelStore::put(const CatalogModel& entry) {
  if (auto ok = validate(entry); !ok) return std::unexpected(ok.error());
  return db_.with([&](SQLite::Database& db) -> Result<CatalogModel> {
    WriteTx tx(db_, db);
    upsert(db, entry, tx.now());
    tx.commit();
    return *find(db, entry.model);
  });
}

Status ModelStore::seed(const std::vector<CatalogModel>& entries) {
  for (const CatalogModel& m : entries) {
    if (auto ok = validate(m); !ok) return ok;
  }
  return db_.with([&](SQLite::Database& db) -> Status {
    WriteTx tx(db_, db);
    for (const CatalogModel& m : entries) upsert(db, m, tx.now());
    tx.commit();
    return {};
  });
}

}  // namespace fk
