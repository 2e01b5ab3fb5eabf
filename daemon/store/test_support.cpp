#include "store/test_support.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

namespace fk::test {

TempDir::TempDir() {
  static std::atomic<int> counter{0};
  auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
  path_ = std::filesystem::temp_directory_path() / ("fk-store-" + std::to_string(::getpid()) + "-" +
                                                    std::to_string(stamp) + "-" + std::to_string(counter++));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void StoreTest::SetUp() {
  auto opened = Database::open(dir_ / "fleet.db");
  ASSERT_TRUE(opened.has_value()) << opened.error().message;
  db_ = std::move(*opened);
}

std::int64_t StoreTest::scalar(const std::string& sql) {
  return db_->with([&](SQLite::Database& c) { return c.execAndGet(sql).getInt64(); });
}

void StoreTest::exec(const std::string& sql) {
  db_->with([&](SQLite::Database& c) { c.exec(sql); });
}

DeviceDraft draft(const std::string& serial, const std::string& tag) {
  DeviceDraft d;
  if (!serial.empty()) d.serial = serial;
  if (!tag.empty()) d.asset_tag = tag;
  return d;
}

std::vector<int> onEveryConnection(Database& db, const std::string& sql, int connections) {
  return onEveryConnection(db, connections, [&](SQLite::Database& c) { return c.execAndGet(sql).getInt(); });
}

HeldConnection::HeldConnection(Database& db) {
  std::future<void> held = holding_.get_future();
  holder_ = std::thread([this, &db, released = release_.get_future()]() mutable {
    db.with([&](SQLite::Database&) {
      holding_.set_value();
      released.wait();
    });
  });
  held.wait();
}

HeldConnection::~HeldConnection() {
  release_.set_value();
  holder_.join();
}

}  // namespace fk::test
