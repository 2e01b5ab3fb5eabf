#include "google_admin.hpp"

#include <nlohmann/json.hpp>
#include <unordered_set>

#include "api/config_keys.hpp"
#include "api/http_pacing.hpp"
#include "api/url_policy.hpp"
#include "parse.hpp"
#include "session.hpp"
#include "write_back.hpp"

namespace fk::google_admin {

namespace {

using nlohmann::json;

// Partial response: the FULL projection carries CPU, disk and memory reports the registry never uses,
// often most of a page's bytes.
constexpr std::string_view kFields =
    "nextPageToken,chromeosdevices(deviceId,serialNumber,status,lastSync,model,osVersion,orgUnitPath,"
    "annotatedAssetId,annotatedUser,annotatedLocation,notes,macAddress,ethernetMacAddress,recentUsers,"
    "lastKnownNetwork,autoUpdateThrough,autoUpdateExpiration,chromeOsType)";
// A listing that never ends (a server repeating tokens) must not run until the deadline.
constexpr int kMaxPages = 100000;

// The persisted cursor: the day from which an incremental poll asks for changes, and the customer it
// belongs to (a changed customer_id starts over with a full listing).
struct Cursor {
  std::string since;
  std::string customer_id;
};

std::optional<Cursor> readCursor(const std::string& state) {
  json j = json::parse(state, nullptr, false);
  if (!j.is_object() || !j.contains("since") || !j["since"].is_string()) return std::nullopt;
  Cursor c;
  c.since = j["since"].get<std::string>();
  if (j.contains("customer_id") && j["customer_id"].is_string())
    c.customer_id = j["customer_id"].get<std::string>();
  if (c.since.size() != 10) return std::nullopt;
  return c;
}

class GoogleAdminSource : public api::Source, public api::WriteBack {
 public:
  api::WriteBack* writeBack() override { return settings_.write_back ? this : nullptr; }

  api::WriteBackResult apply(api::PollContext& context, const std::vector<api::WriteBackChange>& changes) override {
    Session session(context, settings_, token_);
    return applyChanges(context, session, settings_, changes);
  }

  explicit GoogleAdminSource(Settings settings) : settings_(std::move(settings)) {}

  api::PollResult poll(api::PollContext& context, api::ObservationSink& sink) override {
    const api::TimePoint started = context.now();
    auto cursor = readCursor(context.state);
    const bool full = context.full_sync || !cursor || cursor->customer_id != settings_.customer_id;
    std::string query = full ? "" : "sync:" + cursor->since + "..";

    Session session(context, settings_, token_);
    std::unordered_set<std::string> tokens_seen;
    std::string page_token;
    std::size_t observed = 0;
    int page = 0;
    for (;; ++page) {
      if (page >= kMaxPages)
        return api::PollResult::failure(api::FailureReason::bad_response, "too many pages");
      std::string what = "device list page " + std::to_string(page + 1);
      auto response = session.get(listUrl(query, page_token), what);
      if (!response) return response.error();
      std::string error;
      auto parsed = parseDevicePage(response->body, error);
      if (!parsed) return api::PollResult::failure(api::FailureReason::bad_response, what + ": " + error);
      for (std::size_t i = 0; i < parsed->devices.size(); ++i) {
        std::string origin = "page " + std::to_string(page + 1) + " item " + std::to_string(i + 1);
        if (auto o = mapDevice(parsed->devices[i], origin)) {
          sink.observe(std::move(*o));
          ++observed;
        } else {
          sink.skipped(std::move(origin), "no deviceId, serialNumber or MAC address");
        }
      }
      if (parsed->next_page_token.empty()) break;
      if (!tokens_seen.insert(parsed->next_page_token).second)
        return api::PollResult::failure(api::FailureReason::bad_response, what + ": nextPageToken repeats");
      page_token = std::move(parsed->next_page_token);
    }

    // Google's sync: filter takes whole days (and, by appearances, in the customer's time zone): ask
    // from the day before this poll began, so a device that synced while the listing ran is not missed.
    context.next_state =
        json{{"since", utcDay(started - std::chrono::hours{24})}, {"customer_id", settings_.customer_id}}
            .dump();
    context.log.info(std::string(full ? "full listing: " : "changes since " + cursor->since + ": ") +
                     std::to_string(observed) + " devices in " + std::to_string(page + 1) + " pages");
    return api::PollResult::success(full);
  }

 private:
  std::string listUrl(const std::string& query, const std::string& page_token) const {
    std::string url = settings_.api_base_url;
    while (!url.empty() && url.back() == '/') url.pop_back();
    url += "/admin/directory/v1/customer/" + api::urlEncode(settings_.customer_id) +
           "/devices/chromeos?maxResults=" + std::to_string(settings_.max_results) +
           "&projection=FULL&fields=" + api::urlEncode(kFields);
    if (!query.empty()) url += "&query=" + api::urlEncode(query);
    if (!page_token.empty()) url += "&pageToken=" + api::urlEncode(page_token);
    return url;
  }

  Settings settings_;
  std::optional<AccessToken> token_;  // survives across polls until shortly before it expires
};

// --- configuration ------------------------------------------------------------------------------------

bool isHttpUrl(const std::string& s) {
  return s.starts_with("http://") || s.starts_with("https://");
}

// One reading for validate() and create(), so the two can never disagree about a key.
Settings readSettings(api::ConfigKeys& keys) {
  Settings s;
  if (auto v = keys.requiredString("customer_id")) {
    s.customer_id = *v;
    if (v->find_first_of("/ ?#&%") != std::string::npos)
      keys.problem("customer_id", "expected a customer ID such as C01abcd2e, or my_customer");
  }
  if (auto v = keys.requiredString("credentials_file")) s.credentials_file = *v;
  if (auto v = keys.requiredString("subject")) {
    s.subject = *v;
    if (v->find('@') == std::string::npos)
      keys.problem("subject", "expected the delegated admin's email address");
  }
  if (auto v = keys.optionalString("api_base_url", s.api_base_url)) {
    s.api_base_url = *v;
    if (!isHttpUrl(*v))
      keys.problem("api_base_url", "expected an http:// or https:// URL");
    else if (auto why = api::credentialTargetProblem(*v); !why.empty())
      keys.problem("api_base_url", why);  // the bearer token goes there
  }
  if (auto v = keys.optionalString("token_url", "", /*allow_empty=*/true)) {
    s.token_url = *v;
    if (!v->empty() && !isHttpUrl(*v))
      keys.problem("token_url", "expected an http:// or https:// URL, or \"\"");
    else if (auto why = api::credentialTargetProblem(*v); !v->empty() && !why.empty())
      keys.problem("token_url", why);  // the signed assertion goes there
  }
  if (auto v = keys.optionalInt("max_results", s.max_results, 1, 300)) s.max_results = static_cast<int>(*v);
  if (auto v = keys.optionalInt("max_retries", s.max_retries, 0, 10)) s.max_retries = static_cast<int>(*v);
  return s;
}

class GoogleAdminFactory : public api::SourceFactory {
 public:
  std::string name() const override { return "google_admin"; }

  std::vector<api::ConfigIssue> validate(const YAML::Node& entry) const override {
    api::ConfigKeys keys(entry);
    readSettings(keys);
    return keys.finish();
  }

  std::unique_ptr<api::Source> create(const api::SourceSpec& spec) const override {
    api::ConfigKeys keys(spec.node);
    Settings settings = readSettings(keys);
    // The core owns the block's meaning; the plugin only needs to know to ask for the read-write scope.
    settings.write_back = spec.node.IsMap() && spec.node["write_back"].IsDefined();
    return makeSource(std::move(settings));
  }

  bool writesBack() const override { return true; }
  bool reportsCheckIns() const override { return true; }
};

}  // namespace

std::unique_ptr<api::SourceFactory> makeFactory() {
  return std::make_unique<GoogleAdminFactory>();
}

std::unique_ptr<api::Source> makeSource(Settings settings) {
  return std::make_unique<GoogleAdminSource>(std::move(settings));
}

}  // namespace fk::google_admin

// The name daemon/sources/builtin.cpp lists.
namespace fk::plugins {
std::unique_ptr<api::SourceFactory> makeGoogleAdminFactory() {
  return google_admin::makeFactory();
}
}  // namespace fk::plugins
