#pragma once

// Shared fixtures for the store tests: a fresh SQLite file per test in a private temp folder.

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "core/device.hpp"
#include "store/database.hpp"

namespace fk::test {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// A test with its own database file, opened and migrated.
class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override;
  Database& db() { return *db_; }
  // Runs one SQL statement on a pooled connection and returns the first column of the first row.
  std::int64_t scalar(const std::string& sql);
  void exec(const std::string& sql);

  TempDir dir_;
  std::unique_ptr<Database> db_;
};

DeviceDraft draft(const std::string& serial, const std::string& tag = "");

}  // namespace fk::test
