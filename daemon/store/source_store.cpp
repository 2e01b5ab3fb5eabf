#include "store/source_store.hpp"

#include "core/values.hpp"
#include "store/sql_values.hpp"

namespace fk {
namespace {

using sql::bindText;
using sql::text;

void bindInstant(SQLite::Statement& st, int index,
                 const std::optional<std::chrono::system_clock::time_point>& t) {
  if (t)
    st.bind(index, formatInstant(*t));
  else
    st.bind(index);
}

nlohmann::json peopleJson(const SourcePeopleSummary& p) {
  return {{"observed", p.observed}, {"created", p.created}, {"updated", p.updated}, {"unchanged", p.unchanged},
          {"left", p.left},         {"returned", p.returned}, {"return_dates", p.return_dates}};
}

nlohmann::json summaryJson(const SourcePollSummary& s) {
  nlohmann::json duplicates = nlohmann::json::array();
  for (const auto& d : s.duplicate_keys) duplicates.push_back({{"key", d.key}, {"origins", d.origins}});
  return {{"observed", s.observed},     {"skipped", s.skipped},
          {"created", s.created},       {"updated", s.updated},
          {"unchanged", s.unchanged},   {"flagged", s.flagged},
          {"conflicts", s.conflicts},   {"duplicates", s.duplicates},
          {"kept_manual", s.kept_manual}, {"field_problems", s.field_problems},
          {"left_listing", s.left_listing}, {"listed", s.listed},
          {"network", s.network},       {"duplicate_keys", std::move(duplicates)},
          {"problems", s.problems},
          {"people", peopleJson(s.people)}};
}

// A summary this version did not write (or a damaged one) reads as far as it goes, never as an error:
// it is a report, and the next successful poll replaces it.
SourcePollSummary readSummary(const std::string& text) {
  SourcePollSummary s;
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return s;
  auto count = [&](const char* key, std::size_t& out) {
    auto it = j.find(key);
    if (it != j.end() && it->is_number_unsigned()) out = it->get<std::size_t>();
  };
  count("observed", s.observed);
  count("skipped", s.skipped);
  count("created", s.created);
  count("updated", s.updated);
  count("unchanged", s.unchanged);
  count("flagged", s.flagged);
  count("conflicts", s.conflicts);
  count("duplicates", s.duplicates);
  count("kept_manual", s.kept_manual);
  count("field_problems", s.field_problems);
  count("left_listing", s.left_listing);
  count("listed", s.listed);
  count("network", s.network);
  if (auto it = j.find("people"); it != j.end() && it->is_object()) {
    auto person = [&](const char* key, std::size_t& out) {
      auto v = it->find(key);
      if (v != it->end() && v->is_number_unsigned()) out = v->get<std::size_t>();
    };
    person("observed", s.people.observed);
    person("created", s.people.created);
    person("updated", s.people.updated);
    person("unchanged", s.people.unchanged);
    person("left", s.people.left);
    person("returned", s.people.returned);
    person("return_dates", s.people.return_dates);
  }
  if (auto it = j.find("duplicate_keys"); it != j.end() && it->is_array()) {
    for (const auto& d : *it) {
      if (!d.is_object() || !d.contains("key") || !d["key"].is_string()) continue;
      SourceDuplicate dup{d["key"].get<std::string>(), {}};
      if (d.contains("origins") && d["origins"].is_array())
        for (const auto& o : d["origins"])
          if (o.is_string()) dup.origins.push_back(o.get<std::string>());
      s.duplicate_keys.push_back(std::move(dup));
    }
  }
  if (auto it = j.find("problems"); it != j.end() && it->is_array())
    for (const auto& p : *it)
      if (p.is_string()) s.problems.push_back(p.get<std::string>());
  return s;
}

}  // namespace

Result<SourceBookkeeping> SourceStore::bookkeeping(const std::string& source) {
  return db_.with([&](SQLite::Database& db) -> Result<SourceBookkeeping> {
    SQLite::Statement st(
        db,
        "SELECT state, last_success_at, last_full_sync_at, last_start_at, last_end_at, last_result, "
        "last_reason, last_error, last_duration_seconds, coalesce(last_success_end_at, last_success_at), "
        "last_summary FROM source_state WHERE source = ?1");
    st.bind(1, source);
    SourceBookkeeping out;
    if (!st.executeStep()) return out;
    out.state = text(st, 0);
    out.last_success_at = text(st, 1);
    out.last_full_sync_at = text(st, 2);
    out.last_start_at = text(st, 3);
    out.last_end_at = text(st, 4);
    out.last_result = text(st, 5);
    out.last_reason = text(st, 6);
    out.last_error = text(st, 7);
    out.last_duration_seconds = st.getColumn(8).getDouble();
    out.last_success_end_at = text(st, 9);
    out.summary = readSummary(text(st, 10));
    return out;
  });
}

Status SourceStore::recordOutcome(const SourceStatus& s) {
  return db_.with([&](SQLite::Database& db) -> Status {
    WriteTx tx(db_, db);
    writeOutcome(tx, s);
    // Not counted as a change: no collector reads these columns, and an unchanged poll must not make
    // every database-fed gauge re-query.
    tx.commit(false);
    return {};
  });
}

void writeOutcome(WriteTx& tx, const SourceStatus& s) {
  const std::string summary =
      summaryJson(s.summary).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  SQLite::Statement st(
      tx.db(),
      "INSERT INTO source_state (source, updated_at, last_start_at, last_end_at, last_result, last_reason, "
      "last_error, last_duration_seconds, last_success_end_at, last_summary) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (source) DO UPDATE SET "
      "updated_at = ?2, last_start_at = ?3, last_end_at = ?4, last_result = ?5, last_reason = ?6, "
      "last_error = ?7, last_duration_seconds = ?8, "
      "last_success_end_at = coalesce(?9, last_success_end_at), last_summary = ?10");
  st.bind(1, s.name);
  st.bind(2, tx.now());
  bindInstant(st, 3, s.last_start);
  bindInstant(st, 4, s.last_end);
  bindText(st, 5, s.last_result);
  bindText(st, 6, s.last_reason);
  bindText(st, 7, s.last_error);
  st.bind(8, s.last_duration_seconds);
  bindInstant(st, 9, s.last_success);
  st.bind(10, summary);
  st.exec();
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
