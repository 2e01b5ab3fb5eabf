#include "sources/source_service.hpp"

#include <spdlog/spdlog.h>

#include <set>

#include "core/circulation.hpp"
#include "core/values.hpp"
#include "sources/presence.hpp"
#include "store/collection_store.hpp"

namespace fk {
namespace {

std::string pluginKeys(const YAML::Node& entry) {
  std::map<std::string, std::string> keys;
  if (entry.IsMap())
    for (auto it = entry.begin(); it != entry.end(); ++it)
      if (!api::isCoreKey(it->first.Scalar())) keys[it->first.Scalar()] = YAML::Dump(it->second);
  std::string out;
  for (const auto& [k, v] : keys) out += k + "=" + v + "\n";
  // Adding or dropping the block changes the plugin (it asks for the read-write scope); its content is
  // the core's and only re-times the runner.
  if (entry.IsMap() && entry["write_back"].IsDefined()) out += "write_back\n";
  return out;
}

}  // namespace

SourceService::SourceService(const SourceFactories& factories, Database& db, api::HttpClient& http,
                             prometheus::Registry& registry,
                             std::function<std::shared_ptr<const Config>()> config)
    : factories_(factories),
      db_(db),
      http_(http),
      metrics_(registry),
      write_back_metrics_(registry),
      config_(std::move(config)) {}

SourceService::~SourceService() {
  stopAll();
}

std::unique_ptr<SourceRunner> SourceService::makeRunner(const SourceConfig& s, const Config& config,
                                                        const RunnerSettings& settings) {
  const api::SourceFactory* factory = findFactory(factories_, s.plugin);
  if (!factory) {
    spdlog::error("source {}: no plugin \"{}\"", s.name, s.plugin);  // validation let it through: a bug
    return nullptr;
  }
  std::unique_ptr<api::Source> source = factory->create({s.name, s.node, config.file.parent_path()});
  RunnerWorld world{.db = db_, .http = http_, .metrics = metrics_};
  world.write_back_metrics = &write_back_metrics_;
  world.hooks.presence = [this](SQLite::Database& db, const std::string& name,
                                const std::vector<api::Observation>& seen, api::TimePoint at) {
    auto current = config_();
    return recordPresence(db, name, seen, at, current ? current->network : Config::Network{});
  };
  world.hooks.lost_sighting = [](SQLite::Database& db, std::int64_t id, DeviceStatus status,
                                 const std::string& name, const reconcile::Record& r) {
    auto extra = [&](const char* key) {
      auto e = r.extra.find(key);
      return e == r.extra.end() ? std::string() : e->second;
    };
    auto ou = r.fields.find("org_unit");
    return noteLostSighting(db, id, status,
                            {name, r.last_sync, extra("ip"), extra("interface"),
                             ou == r.fields.end() ? std::string() : ou->second});
  };
  world.stragglers = [this](const std::string&) -> Result<std::vector<write_back::Straggler>> {
    auto late = CollectionStore(db_).stragglers(localToday());
    if (!late) return std::unexpected(late.error());
    std::vector<write_back::Straggler> out;
    out.reserve(late->size());
    for (const auto& l : *late)
      out.push_back(
          {l.device_id, "collection \"" + l.collection + "\" deadline " + l.deadline + " passed, still out"});
    return out;
  };
  metrics_.add(s.name);
  return std::make_unique<SourceRunner>(settings, std::move(source), std::move(world));
}

// A reload is a swap: the sources that stay keep running (re-timed), the ones that go or change plugin
// keys stop first, and only then do their successors start, so one source never has two polls at once.
// The list the API reads is replaced in one step and is never empty on the way.
void SourceService::apply(const Config& config) {
  std::lock_guard one_at_a_time(apply_mutex_);
  std::map<std::string, const SourceConfig*, std::less<>> wanted;
  for (const SourceConfig& s : config.sources) wanted.emplace(s.name, &s);

  // 1. Which running sources stay (re-timed now) and which stop. Their runners stay listed meanwhile.
  std::vector<SourceRunner*> stopping;
  std::set<std::string, std::less<>> kept;
  {
    std::lock_guard lock(mutex_);
    for (auto& [name, entry] : entries_) {
      auto it = wanted.find(name);
      if (it != wanted.end() && entry.plugin == it->second->plugin &&
          entry.plugin_keys == pluginKeys(it->second->node)) {
        entry.runner->retime(runnerSettings(*it->second, config));
        kept.insert(name);
        continue;
      }
      if (it == wanted.end())
        spdlog::info("source {}: removed from the config; stopping it", name);
      else
        spdlog::info("source {}: plugin settings changed; restarting it", name);
      stopping.push_back(entry.runner.get());
    }
  }
  // 2. Stopped outside the lock (a poll finishing its cancellation must not hold up the API). The
  // runners themselves are only touched by apply(), which runs one at a time.
  for (SourceRunner* runner : stopping) runner->stop();

  // 3. The successors, built after their predecessors stopped: each reads the state the last poll saved.
  std::map<std::string, Entry, std::less<>> fresh;
  for (const SourceConfig& s : config.sources) {
    if (kept.count(s.name)) continue;
    RunnerSettings settings = runnerSettings(s, config);
    auto runner = makeRunner(s, config, settings);
    if (!runner) continue;
    spdlog::info("source {}: {} every {} s", s.name, s.plugin, settings.schedule.interval.count());
    fresh.emplace(s.name, Entry{s.plugin, pluginKeys(s.node), std::move(runner)});
  }

  // 4. The swap.
  std::vector<std::unique_ptr<SourceRunner>> retired;
  std::vector<SourceRunner*> starting;
  {
    std::lock_guard lock(mutex_);
    std::map<std::string, Entry, std::less<>> next;
    for (auto& [name, entry] : entries_) {
      if (kept.count(name))
        next.emplace(name, std::move(entry));
      else
        retired.push_back(std::move(entry.runner));
    }
    for (auto& [name, entry] : fresh) {
      starting.push_back(entry.runner.get());
      next.emplace(name, std::move(entry));
    }
    entries_.swap(next);
    // A source gone from the config loses its series; one re-created under its name keeps them.
    for (const auto& runner : retired)
      if (!entries_.count(runner->name())) {
        metrics_.remove(runner->name());
        write_back_metrics_.remove(runner->name());
      }
    // Nor does a source whose write_back block went away keep write-back series.
    for (const auto& [name, entry] : entries_)
      if (!entry.runner->writeBack()) write_back_metrics_.remove(name);
  }
  for (SourceRunner* runner : starting) runner->start();
}

void SourceService::stopAll() {
  std::lock_guard one_at_a_time(apply_mutex_);
  std::map<std::string, Entry, std::less<>> all;
  {
    std::lock_guard lock(mutex_);
    all.swap(entries_);
  }
  for (auto& [name, entry] : all) entry.runner->stop();
}

std::vector<SourceStatus> SourceService::statuses() const {
  std::lock_guard lock(mutex_);
  std::vector<SourceStatus> out;
  for (const auto& [name, entry] : entries_) out.push_back(entry.runner->status());
  return out;
}

std::optional<SourceStatus> SourceService::status(std::string_view name) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(name);
  if (it == entries_.end()) return std::nullopt;
  return it->second.runner->status();
}

SourceControl::PollRequest SourceService::pollNow(std::string_view name) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(name);
  if (it == entries_.end()) return PollRequest::unknown;
  return it->second.runner->requestPoll() ? PollRequest::started : PollRequest::already_running;
}

Result<WriteBackView> SourceService::writeBack(std::string_view name) {
  std::shared_ptr<const WriteBackRunner> runner;
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(name);
    if (it == entries_.end())
      return std::unexpected(Error::notFound("no source named \"" + std::string(name) + "\""));
    runner = it->second.runner->writeBack();
    if (!runner || !runner->config())
      return std::unexpected(
          Error::notFound("source \"" + std::string(name) + "\" has no write_back block in the config"));
    // Planned outside the lock: reading 10k devices must not hold up every other source request.
  }
  WriteBackView view;
  view.config = *runner->config();
  view.status = runner->status();
  auto plan = runner->plan();
  if (!plan) return std::unexpected(plan.error());
  view.plan = std::move(*plan);
  return view;
}

SourceControl::ApplyRequest SourceService::applyWriteBack(std::string_view name) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(name);
  if (it == entries_.end()) return ApplyRequest::unknown;
  auto wb = it->second.runner->writeBack();
  if (!wb || !wb->config()) return ApplyRequest::not_configured;
  return it->second.runner->requestWriteBack() ? ApplyRequest::started : ApplyRequest::already_running;
}

}  // namespace fk
