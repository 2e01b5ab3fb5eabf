#pragma once

// Shared fixtures for the store tests: a fresh SQLite file per test in a private temp folder.

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/device.hpp"
#include "store/database.hpp"

namespace fk::test {

// The device whose asset tag is `t`: how the store tests name their devices.
inline DeviceRef byTag(const std::string& t) {
  return {DeviceRef::By::asset_tag, 0, t};
}

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

// `read(connection)` run on `connections` pooled connections held at the same time, so each connection
// of the pool answers once rather than one connection answering every time.
template <class Read>
auto onEveryConnection(Database& db, int connections, Read read) {
  using Value = decltype(read(std::declval<SQLite::Database&>()));
  std::vector<std::future<Value>> reads;
  std::promise<void> go;
  std::shared_future<void> start = go.get_future().share();
  std::atomic<int> inside{0};
  for (int i = 0; i < connections; ++i) {
    reads.push_back(std::async(std::launch::async, [&] {
      return db.with([&](SQLite::Database& c) {
        ++inside;
        start.wait();
        return read(c);
      });
    }));
  }
  while (inside.load() < connections) std::this_thread::yield();
  go.set_value();
  std::vector<Value> values;
  for (auto& r : reads) values.push_back(r.get());
  return values;
}

// The first column of `sql`, as above.
std::vector<int> onEveryConnection(Database& db, const std::string& sql, int connections = 4);

// Holds one of the pool's connections on another thread until destroyed: a pool of one is then busy.
class HeldConnection {
 public:
  explicit HeldConnection(Database& db);
  ~HeldConnection();
  HeldConnection(const HeldConnection&) = delete;
  HeldConnection& operator=(const HeldConnection&) = delete;

 private:
  std::promise<void> holding_;
  std::promise<void> release_;
  std::thread holder_;
};

}  // namespace fk::test
