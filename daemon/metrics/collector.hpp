#pragma once

#include <functional>
#include <memory>
#include <vector>

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

struct CollectorContext {
  prometheus::Registry& registry;
  Database& db;
  std::function<std::shared_ptr<const Config>()> config;  // the config in force (changes on SIGHUP)
};

// Every database-fed collector, in one visible list (collectors.cpp).
std::vector<std::unique_ptr<Collector>> makeCollectors(const CollectorContext& ctx);

}  // namespace fk
