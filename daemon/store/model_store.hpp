#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/catalog.hpp"
#include "core/error.hpp"
#include "store/database.hpp"

namespace fk {

// The whole catalog by model name, read inside the caller's transaction (the plan reads it in the same
// snapshot as the devices).
std::vector<CatalogModel> readCatalogIn(SQLite::Database& db);

class ModelStore {
 public:
  explicit ModelStore(Database& db) : db_(db) {}

  Result<std::vector<CatalogModel>> list();
  Result<CatalogModel> get(const std::string& model);  // 404 if unknown
  // Inserts or replaces; returns the stored entry.
  Result<CatalogModel> put(const CatalogModel& entry);
  // Config `models:` entries, upserted at start and on reload.
  Status seed(const std::vector<CatalogModel>& entries);

 private:
  Database& db_;
};

}  // namespace fk
