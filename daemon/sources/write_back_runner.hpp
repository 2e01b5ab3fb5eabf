#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/write_back.hpp"
#include "core/error.hpp"
#include "core/write_back.hpp"
#include "sources/write_back_metrics.hpp"
#include "store/database.hpp"

namespace fk {

// Devices still out after a collection's deadline, for `disable_unreturned`; the collections feature
// supplies it. Unset: none.
using StragglerList = std::function<Result<std::vector<write_back::Straggler>>(const std::string& source)>;

// One source's write-back: plans from the registry and the source's last listing (core/write_back),
// hands the changes to the plugin's api::WriteBack, and records what took (store/write_back_store).
// run() is called on the source's own thread only; status() and plan() from any thread.
class WriteBackRunner {
 public:
  WriteBackRunner(std::string source, Database& db, WriteBackMetrics& metrics, StragglerList stragglers);

  // The config's block (nullopt: none). A reload lifts a stop, so a fixed scope is tried again.
  void configure(std::optional<WriteBackConfig> config);
  std::optional<WriteBackConfig> config() const;

  // After a successful poll (`automatic`: nothing is sent in dry run or while stopped) or on a person's
  // request (sends whatever is pending, dry run or not). The plan's disables over the cap are never sent.
  void run(api::WriteBack& target, api::PollContext& context, bool automatic);

  write_back::Status status() const;
  // What is pending now, planned on the caller's thread from the store.
  Result<write_back::Plan> plan() const;

 private:
  const std::string source_;
  Database& db_;
  WriteBackMetrics& metrics_;
  StragglerList stragglers_;

  mutable std::mutex mutex_;  // guards config_ and status_
  std::optional<WriteBackConfig> config_;
  write_back::Status status_;
};

}  // namespace fk
