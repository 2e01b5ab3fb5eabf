#include "write_back.hpp"

#include <map>
#include <nlohmann/json.hpp>

#include "auth.hpp"

namespace fk::google_admin {

namespace {

using api::WriteBackAction;
using nlohmann::json;

// Failures that say the source refuses write-back as a whole, or cannot be reached: another request
// now would fail the same way, so none is sent (no storm of 403s, no hammering a rate limit).
bool stopsEverything(api::FailureReason r) {
  switch (r) {
    case api::FailureReason::forbidden:
    case api::FailureReason::auth:
    case api::FailureReason::rate_limited:
    case api::FailureReason::server_error:
    case api::FailureReason::timeout:
    case api::FailureReason::cancelled:
    case api::FailureReason::network:
    case api::FailureReason::io: return true;
    default: return false;
  }
}

class Delivery {
 public:
  Delivery(api::PollContext& context, Session& session, const Settings& settings,
           const std::vector<api::WriteBackChange>& changes)
      : context_(context), session_(session), changes_(changes) {
    result_.outcomes.resize(changes.size());
    for (auto& o : result_.outcomes) o.error = "not sent";
    std::string base = settings.api_base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    devices_url_ = base + "/admin/directory/v1/customer/" + api::urlEncode(settings.customer_id) + "/devices/chromeos";
  }

  api::WriteBackResult run() {
    // Locking a lost device matters most, so status changes go first, then moves, then annotations.
    statusChanges(WriteBackAction::disable, "CHANGE_CHROME_OS_DEVICE_STATUS_ACTION_DISABLE");
    statusChanges(WriteBackAction::reenable, "CHANGE_CHROME_OS_DEVICE_STATUS_ACTION_REENABLE");
    moves();
    annotations();
    return std::move(result_);
  }

 private:
  bool stopped() const { return result_.stopped.has_value(); }

  // A failed call: either every change it carried failed, or write-back stops here.
  void failed(const std::vector<std::size_t>& which, const Failure& f) {
    for (std::size_t i : which) result_.outcomes[i] = {false, f.message};
    if (stopsEverything(f.reason)) {
      result_.stopped = f;
      context_.log.warn("write-back stopped: " + f.message);
    }
  }

  void applied(const std::vector<std::size_t>& which) {
    for (std::size_t i : which) result_.outcomes[i] = {true, ""};
  }

  void statusChanges(WriteBackAction action, const char* google_action) {
    std::vector<std::size_t> batch;
    auto flush = [&] {
      if (batch.empty() || stopped()) return;
      json ids = json::array();
      for (std::size_t i : batch) ids.push_back(changes_[i].source_id);
      const std::string what = std::string(api::toString(action)) + " of " + std::to_string(batch.size()) +
                               " devices (batchChangeStatus)";
      auto r = session_.call("POST", devices_url_ + ":batchChangeStatus",
                             json{{"deviceIds", ids}, {"changeChromeOsDeviceStatusAction", google_action}}.dump(),
                             what);
      if (!r) {
        failed(batch, r.error());
        batch.clear();
        return;
      }
      // One result per device: some may fail (no license left to re-enable) while the rest succeed.
      std::map<std::string, std::string> errors;
      std::map<std::string, bool> done;
      json body = json::parse(r->body, nullptr, false);
      if (auto it = body.find("changeChromeOsDeviceStatusResults"); body.is_object() && it != body.end() &&
                                                                    it->is_array()) {
        for (const json& item : *it) {
          if (!item.is_object() || !item.contains("deviceId") || !item["deviceId"].is_string()) continue;
          const std::string id = item["deviceId"].get<std::string>();
          if (auto e = item.find("error"); e != item.end() && e->is_object()) {
            std::string message = e->contains("message") && (*e)["message"].is_string()
                                      ? (*e)["message"].get<std::string>()
                                      : std::string("refused");
            if (e->contains("code") && (*e)["code"].is_number_integer())
              message = "code " + std::to_string((*e)["code"].get<int>()) + ": " + message;
            errors[id] = message;
          } else {
            done[id] = true;
          }
        }
      }
      for (std::size_t i : batch) {
        const std::string& id = changes_[i].source_id;
        if (auto e = errors.find(id); e != errors.end())
          result_.outcomes[i] = {false, e->second};
        else if (done.contains(id))
          result_.outcomes[i] = {true, ""};
        else
          result_.outcomes[i] = {false, "no result for this device in Google's answer"};
      }
      batch.clear();
    };
    for (std::size_t i = 0; i < changes_.size(); ++i) {
      if (changes_[i].action != action) continue;
      batch.push_back(i);
      if (batch.size() == kMaxIdsPerCall) flush();
    }
    flush();
  }

  void moves() {
    std::map<std::string, std::vector<std::size_t>> by_ou;
    for (std::size_t i = 0; i < changes_.size(); ++i)
      if (changes_[i].action == WriteBackAction::move_org_unit) by_ou[changes_[i].value].push_back(i);
    for (const auto& [ou, all] : by_ou) {
      for (std::size_t from = 0; from < all.size() && !stopped(); from += kMaxIdsPerCall) {
        std::vector<std::size_t> batch(all.begin() + static_cast<std::ptrdiff_t>(from),
                                       all.begin() + static_cast<std::ptrdiff_t>(std::min(all.size(), from + kMaxIdsPerCall)));
        json ids = json::array();
        for (std::size_t i : batch) ids.push_back(changes_[i].source_id);
        // Google accepts unknown IDs here without a word; the next listing shows whether they moved.
        auto r = session_.call("POST", devices_url_ + "/moveDevicesToOu?orgUnitPath=" + api::urlEncode(ou),
                               json{{"deviceIds", ids}}.dump(),
                               "move of " + std::to_string(batch.size()) + " devices to " + ou);
        if (!r) {
          failed(batch, r.error());
        } else {
          applied(batch);
        }
      }
    }
  }

  void annotations() {
    // One PATCH per device carrying only the fields that change; PUT would blank the ones left out.
    std::map<std::string, std::vector<std::size_t>> by_device;
    for (std::size_t i = 0; i < changes_.size(); ++i) {
      switch (changes_[i].action) {
        case WriteBackAction::set_asset_id:
        case WriteBackAction::set_location:
        case WriteBackAction::set_user: by_device[changes_[i].source_id].push_back(i); break;
        default: break;
      }
    }
    for (const auto& [id, which] : by_device) {
      if (stopped()) return;
      json body = json::object();
      bool empty_value = false;
      for (std::size_t i : which) {
        const auto& c = changes_[i];
        if (c.value.empty()) empty_value = true;  // the core never plans one; never send a clearing ""
        const char* field = c.action == WriteBackAction::set_asset_id   ? "annotatedAssetId"
                            : c.action == WriteBackAction::set_location ? "annotatedLocation"
                                                                        : "annotatedUser";
        body[field] = c.value;
      }
      if (empty_value) {
        for (std::size_t i : which) result_.outcomes[i] = {false, "refused to send an empty value"};
        continue;
      }
      auto r = session_.call("PATCH", devices_url_ + "/" + api::urlEncode(id) + "?projection=BASIC", body.dump(),
                             "annotations of device " + id);
      if (!r)
        failed(which, r.error());
      else
        applied(which);
    }
  }

  api::PollContext& context_;
  Session& session_;
  const std::vector<api::WriteBackChange>& changes_;
  std::string devices_url_;
  api::WriteBackResult result_;
};

}  // namespace

api::WriteBackResult applyChanges(api::PollContext& context, Session& session, const Settings& settings,
                                  const std::vector<api::WriteBackChange>& changes) {
  return Delivery(context, session, settings, changes).run();
}

}  // namespace fk::google_admin
