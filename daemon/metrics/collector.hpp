#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "core/config.hpp"
#include "store/database.hpp"

namespace fk {

// A family of gauges fed from the database. A scrape never runs queries: the daemon calls refresh() from
// a timer thread, and each collector re-queries only when the database generation (or the day, for
// date-based figures) moved since its last refresh, or when forced.
class Collector {
 public:
  virtual ~Collector() = default;
  virtual void refresh(bool force) = 0;
};

// node_exporter's pattern: the wrapper owns when a collector reads (the database generation or the
// collector's own epoch moved since its last successful read, or the refresh is forced), the timing and
// the failure log; a collector is one collect(), which reads through store functions and publishes.
class DatabaseCollector : public Collector {
 public:
  void refresh(bool force) final;

 protected:
  DatabaseCollector(Database& db, std::string name) : db_(db), name_(std::move(name)) {}
  // Besides the generation, what makes the figures stale when it changes: the day for date-based
  // figures, the minute for ages, the config in force. "" when only writes do.
  virtual std::string epoch() { return {}; }
  // Reads and publishes. On an error the previous values stay and the next refresh reads again.
  virtual Status collect() = 0;
  // Runs on every refresh, after collect() or in its place: figures that follow the clock alone.
  virtual void tick() {}

  Database& db_;

 private:
  std::string name_;  // for the log
  std::mutex mutex_;
  std::uint64_t seen_generation_ = ~0ull;
  std::string seen_epoch_;
};

// Raises a counter that mirrors a database total by what the total grew since `seen` (in `unit`s: 100
// for cents shown as currency), and moves `seen` up; a total that went down leaves both.
void raiseCounter(prometheus::Counter& counter, std::int64_t total, std::int64_t& seen, double unit = 1.0);

struct CollectorContext {
  prometheus::Registry& registry;
  Database& db;
  std::function<std::shared_ptr<const Config>()> config;  // the config in force (changes on SIGHUP)
};

// Every database-fed collector, in one visible list (collectors.cpp).
std::vector<std::unique_ptr<Collector>> makeCollectors(const CollectorContext& ctx);

}  // namespace fk
