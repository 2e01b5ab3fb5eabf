#include "store/source_store.hpp"

namespace fk {
namespace {

std::string text(SQLite::Statement& st, int col) {
  SQLite::Column c = st.getColumn(col);
  return c.isNull() ? std::string() : c.getString();
}

}  // namespace

Result<SourceBookkeeping> SourceStore::bookkeeping(const std::string& source) {
  return db_.with([&](SQLite::Database& db) -> Result<SourceBookkeeping> {
    SQLite::Statement st(
        db, "SELECT state, last_success_at, last_full_sync_at FROM source_state WHERE source = ?1");
    st.bind(1, source);
    SourceBookkeeping out;
    if (st.executeStep()) out = {text(st, 0), text(st, 1), text(st, 2)};
    return out;
  });
}

Result<std::vector<FlaggedDevice>> SourceStore::flagged(const std::string& source, int limit) {
  return db_.with([&](SQLite::Database& db) -> Result<std::vector<FlaggedDevice>> {
    SQLite::Statement st(
        db,
        "SELECT key, source_id, serial, asset_tag, macs, fields, origin, reason, first_seen, updated_at "
        "FROM source_unknown WHERE source = ?1 ORDER BY first_seen, key LIMIT ?2");
    st.bind(1, source);
    st.bind(2, limit);
    std::vector<FlaggedDevice> out;
    while (st.executeStep()) {
      FlaggedDevice f{text(st, 0), text(st, 1), text(st, 2), text(st, 3), {},
                      {},          text(st, 6), text(st, 7), text(st, 8), text(st, 9)};
      auto macs = nlohmann::json::parse(text(st, 4), nullptr, false);
      if (macs.is_array())
        for (const auto& m : macs)
          if (m.is_string()) f.macs.push_back(m.get<std::string>());
      f.fields = nlohmann::json::parse(text(st, 5), nullptr, false);
      if (!f.fields.is_object()) f.fields = nlohmann::json::object();
      out.push_back(std::move(f));
    }
    return out;
  });
}

Result<std::int64_t> SourceStore::flaggedCount(const std::string& source) {
  return db_.with([&](SQLite::Database& db) -> Result<std::int64_t> {
    SQLite::Statement st(db, "SELECT count(*) FROM source_unknown WHERE source = ?1");
    st.bind(1, source);
    st.executeStep();
    return st.getColumn(0).getInt64();
  });
}

}  // namespace fk
