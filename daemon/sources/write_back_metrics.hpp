#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <map>
#include <mutex>
#include <string>

#include "api/write_back.hpp"

namespace fk {

// The write-back series of interfaces.md, per source with a write_back block.
class WriteBackMetrics {
 public:
  explicit WriteBackMetrics(prometheus::Registry& registry);

  void add(const std::string& source);
  void remove(const std::string& source);
  void planned(const std::string& source, std::size_t pending, std::size_t disables_held);
  void applied(const std::string& source, api::WriteBackAction action, std::size_t n);
  void failed(const std::string& source, std::size_t n);
  void stopped(const std::string& source, bool stopped);

 private:
  struct Series {
    prometheus::Gauge* pending = nullptr;
    prometheus::Gauge* held = nullptr;
    prometheus::Gauge* stopped = nullptr;
    prometheus::Counter* errors = nullptr;
    std::map<api::WriteBackAction, prometheus::Counter*> applied;
  };
  Series& series(const std::string& source);  // mutex_ held

  std::mutex mutex_;
  prometheus::Family<prometheus::Gauge>& pending_;
  prometheus::Family<prometheus::Counter>& applied_;
  prometheus::Family<prometheus::Counter>& errors_;
  prometheus::Family<prometheus::Gauge>& held_;
  prometheus::Family<prometheus::Gauge>& stopped_;
  std::map<std::string, Series> by_source_;
};

}  // namespace fk
