#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/config.hpp"
#include "core/source_status.hpp"
#include "sources/builtin.hpp"
#include "sources/source_metrics.hpp"
#include "sources/source_runner.hpp"
#include "sources/write_back_metrics.hpp"

namespace fk {

// Every configured source, each in its own SourceRunner. Built at start and brought in line with the
// config on every reload: new sources start, removed ones stop (and lose their metric series), changed
// plugin keys re-create the plugin instance (the old one stops before the new one starts), changed
// core keys (interval...) only re-time it.
class SourceService : public SourceControl {
 public:
  SourceService(const SourceFactories& factories, Database& db, api::HttpClient& http,
                prometheus::Registry& registry, std::function<std::shared_ptr<const Config>()> config);
  ~SourceService() override;

  // Runs exactly the sources `config` lists. Call with a config whose plugins validated.
  void apply(const Config& config);
  void stopAll();

  std::vector<SourceStatus> statuses() const override;
  std::optional<SourceStatus> status(std::string_view name) const override;
  PollRequest pollNow(std::string_view name) override;
  Result<WriteBackView> writeBack(std::string_view name) override;
  ApplyRequest applyWriteBack(std::string_view name) override;

 private:
  struct Entry {
    std::string plugin;
    std::string plugin_keys;  // the entry's non-core keys, to tell a re-time from a re-create
    std::unique_ptr<SourceRunner> runner;
  };

  // A runner for `s`, not started; null when its plugin is unknown (validation should have refused it).
  std::unique_ptr<SourceRunner> makeRunner(const SourceConfig& s, const Config& config,
                                           const RunnerSettings& settings);

  const SourceFactories& factories_;
  Database& db_;
  api::HttpClient& http_;
  SourceMetrics metrics_;
  WriteBackMetrics write_back_metrics_;
  std::function<std::shared_ptr<const Config>()> config_;
  std::mutex apply_mutex_;    // one reload at a time
  mutable std::mutex mutex_;  // guards entries_ (the map, not the runners, which lock themselves)
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace fk
