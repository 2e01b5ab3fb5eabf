#include "metrics/fleet_metrics.hpp"

#include <algorithm>
#include <chrono>
#include <map>

#include <prometheus/gauge.h>
#include <prometheus/text_serializer.h>
#include <spdlog/spdlog.h>

#include "core/device.hpp"
#include "core/values.hpp"
#include "fleetkeep/version.hpp"
#include "store/model_store.hpp"
#include "store/report_store.hpp"
#include "core/time_zone.hpp"

namespace fk {
namespace {

// More catalog models than this share "other" with the unknown ones: the label set must stay bounded
// even if someone loads a vendor's whole product list into the catalog.
constexpr std::size_t kMaxModelLabels = 50;
constexpr const char* kOtherModel = "other";
constexpr const char* kAueHorizons[] = {"0", "90", "180", "365", "730"};


}  // namespace

FleetMetrics::FleetMetrics(prometheus::Registry& registry, Database& db)
    : db_(db),
      devices_(prometheus::BuildGauge()
                   .Name("fleetkeep_devices")
                   .Help("Devices in the registry by lifecycle status and kind.")
                   .Register(registry)),
      by_model_(prometheus::BuildGauge()
                    .Name("fleetkeep_devices_by_model")
                    .Help("Devices by catalog model and status; models outside the catalog are counted as other.")
                    .Register(registry)),
      aue_(prometheus::BuildGauge()
               .Name("fleetkeep_devices_reaching_aue")
               .Help("In-service devices whose auto-update expiration is past (within_days=0) or within the given number of days.")
               .Register(registry)) {
  prometheus::BuildGauge()
      .Name("fleetkeep_build_info")
      .Help("Always 1; the version label names the running build.")
      .Register(registry)
      .Add({{"version", kVersion}})
      .Set(1);
  // Known label combinations exist from the first scrape, so rate() and absent() behave.
  for (auto status : allStatuses())
    for (auto kind : allKinds())
      devices_.Add({{"status", std::string(toString(status))}, {"kind", std::string(toString(kind))}}).Set(0);
  for (const char* days : kAueHorizons) aue_.Add({{"within_days", days}}).Set(0);
}

void FleetMetrics::refresh(bool force) {
  std::lock_guard lock(mutex_);
  // Read the generation before the queries: a write landing meanwhile bumps it again and the next
  // refresh picks it up, instead of being marked as seen.
  const std::uint64_t generation = db_.generation();
  const std::string today = districtToday();
  if (!force && generation == seen_generation_ && today == seen_day_) return;

  auto counts = readFleetCounts(db_, today);
  if (!counts) {
    spdlog::warn("metrics refresh failed, keeping previous values: {}", counts.error().message);
    return;
  }
  auto catalog = ModelStore(db_).list();
  if (!catalog) {
    spdlog::warn("metrics refresh failed, keeping previous values: {}", catalog.error().message);
    return;
  }

  std::vector<std::string> names;
  for (const auto& m : *catalog) names.push_back(m.model);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  if (names.size() > kMaxModelLabels) names.resize(kMaxModelLabels);
  auto labelFor = [&](const std::string& model) {
    return std::binary_search(names.begin(), names.end(), model) && model != kOtherModel ? model
                                                                                          : std::string(kOtherModel);
  };

  for (auto status : allStatuses()) {
    for (auto kind : allKinds()) {
      std::string s(toString(status)), k(toString(kind));
      auto it = counts->by_status_kind.find({s, k});
      devices_.Add({{"status", s}, {"kind", k}}).Set(it == counts->by_status_kind.end() ? 0.0 : double(it->second));
    }
  }

  std::map<std::pair<std::string, std::string>, std::int64_t> by_label;
  for (const auto& [key, n] : counts->by_model_status) by_label[{labelFor(key.first), key.second}] += n;
  // Series created earlier but now empty drop to 0; those whose model left the catalog (or the label cap)
  // are removed, since their devices are now counted under "other".
  for (auto it = model_labels_.begin(); it != model_labels_.end();) {
    prometheus::Labels labels{{"model", it->first}, {"status", it->second}};
    if (by_label.contains(*it)) {
      ++it;
    } else if (it->first == kOtherModel || std::binary_search(names.begin(), names.end(), it->first)) {
      by_model_.Add(labels).Set(0);
      ++it;
    } else {
      by_model_.Remove(&by_model_.Add(labels));
      it = model_labels_.erase(it);
    }
  }
  for (const auto& [key, n] : by_label) {
    by_model_.Add({{"model", key.first}, {"status", key.second}}).Set(double(n));
    model_labels_.insert(key);
  }

  for (const char* days : kAueHorizons) {
    auto it = counts->aue_within_days.find(days);
    aue_.Add({{"within_days", days}}).Set(it == counts->aue_within_days.end() ? 0.0 : double(it->second));
  }

  seen_generation_ = generation;
  seen_day_ = today;
}

std::string renderMetrics(prometheus::Registry& registry) {
  return prometheus::TextSerializer{}.Serialize(registry.Collect());
}

}  // namespace fk
