#pragma once

// The store's one mapping between SQL NULL and the domain's "none": "" for text, nullopt for numbers.
// Columns that mean "not set" hold NULL rather than "", so `IS NULL` and partial indexes see them.

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <optional>
#include <string>

namespace fk::sql {

// A LIKE pattern matching `q` anywhere, its own %, _ and \ taken literally (the query says ESCAPE '\').
inline std::string likePattern(const std::string& q) {
  std::string out = "%";
  for (char c : q) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + '%';
}

// A text column, "" when NULL.
inline std::string text(SQLite::Statement& st, int col) {
  SQLite::Column c = st.getColumn(col);
  return c.isNull() ? std::string() : c.getString();
}

// An integer column, nullopt when NULL.
inline std::optional<std::int64_t> optionalInt(SQLite::Statement& st, int col) {
  SQLite::Column c = st.getColumn(col);
  if (c.isNull()) return std::nullopt;
  return c.getInt64();
}

// "" is stored as NULL.
inline void bindText(SQLite::Statement& st, int index, const std::string& value) {
  if (value.empty()) {
    st.bind(index);
  } else {
    st.bind(index, value);
  }
}

// nullopt is stored as NULL.
template <class T>
void bindOptional(SQLite::Statement& st, int index, const std::optional<T>& value) {
  if (value) {
    st.bind(index, static_cast<std::int64_t>(*value));
  } else {
    st.bind(index);
  }
}

}  // namespace fk::sql
