#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "api/source.hpp"
#include "core/catalog.hpp"
#include "core/error.hpp"
#include "core/notify_config.hpp"
#include "core/fees.hpp"
#include "core/write_back.hpp"

namespace fk {

// A problem in a config file, reported as FILE:LINE:COL: message (line and column 1-based).
struct ConfigProblem {
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;
  std::string format() const;
};

struct SourceConfig {
  std::string name;
  std::string plugin;
  std::chrono::seconds interval{3600};
  std::optional<std::chrono::seconds> full_sync_interval;  // unset: the plugin's own choice
  std::string on_unknown = "create";  // create | flag
  std::optional<std::chrono::seconds> timeout;  // the poll's deadline; unset: interval, at most 10 minutes
  bool overwrite_manual = false;      // may the source overwrite a field a person edited more recently?
  std::optional<WriteBackConfig> write_back;  // set when the entry has a write_back: block
  bool reports_check_ins = false;     // its plugin reports devices' check-ins (CheckInPlugins)
  YAML::Node node;                    // the whole entry, for the plugin's own keys
};

struct Config {
  std::filesystem::path file;        // absolute path of the config file
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 9470;
  std::filesystem::path state_dir;   // absolute
  std::filesystem::path database;    // absolute
  std::string log_level = "info";
  int fiscal_year_start_month = 7;
  int fiscal_year_start_day = 1;
  // The district's IANA time zone, for the times people read (the desk). Empty: the machine's own zone.
  std::string timezone;
  struct Planning {
    std::map<std::string, int> default_life_years{{"chromebook", 5}, {"laptop", 4}, {"tablet", 4}};
    int aue_warning_days = 180;
    double repair_cost_share = 0.5;
    int work_orders_per_year = 3;
    std::map<std::string, std::string> replacement_model;  // kind -> catalog model
  } planning;
  std::vector<CatalogModel> models;
  struct Limits {
    std::uint64_t json_body_bytes = 10ull << 20;
    std::uint64_t import_body_bytes = 256ull << 20;
    std::int64_t max_connections = 1024;        // HTTP connections served at once
    std::chrono::seconds idle_timeout{30};      // keep-alive idle, and a request header's whole read
    std::chrono::seconds request_timeout{300};  // a request body's whole read, a response's write
    std::uint64_t database_cache_bytes = 64ull << 20;  // SQLite page cache, per connection
  } limits;
  struct Checkout {
    int default_loan_days = 180;
  } checkout;
  struct Alerts {
    int stale_sync_days = 30;
  } alerts;
  struct Network {
    std::chrono::seconds unknown_mac_ttl{30 * 86400};  // an unknown MAC not seen for this long is dropped
    int unknown_mac_limit = 10000;                     // most unknown MACs kept; the least recent go first
  } network;
  struct Repair {
    std::int64_t labour_rate_cents = 0;  // per hour; prices a work order's labour_minutes
  } repair;
  // People signing in from a browser (docs/signin.md).
  struct Web {
    bool enabled = true;  // serve the desk at / (found beside the executable: http/web_desk.hpp)
    std::chrono::seconds session_idle{8 * 3600};
    std::chrono::seconds session_max{7 * 86400};
    bool cookie_secure = false;  // add Secure to the session cookie (HTTPS in front)
    struct Oidc {
      std::string issuer;
      std::string client_id;
      std::filesystem::path client_secret_file;  // absolute
      std::string redirect_url;
      std::vector<std::string> allowed_domains;
    };
    std::optional<Oidc> oidc;
  } web;
  struct Import {
    // A district's own status labels (lower case) to lifecycle statuses, over the Snipe-IT defaults.
    std::map<std::string, std::string> status_labels;
  } import;
  struct Roster {
    int return_within_days = 10;  // a leaver's open checkouts fall due this many days after they leave
  } roster;
  struct Audits {
    std::chrono::seconds seen_window{14 * 86400};  // a source's sighting this recent counts as seen_by_source
  } audits;
  struct Collections {
    double alert_below = 0.9;  // share returned under which FleetkeepCollectionBehind fires
  } collections;
  std::optional<FeePolicy> fees;  // unset: no automatic charges and no holds (the ledger still works)
  std::filesystem::path seed_inventory;  // CSV imported on start when the registry is empty; "" = none
  std::vector<SourceConfig> sources;
  std::optional<NotificationsConfig> notifications;  // unset: no mail is planned or sent
};

// The source plugins config validation knows, by `plugin:` name, each with the check of its own keys
// (api::SourceFactory::validate). Core knows no plugin: the daemon passes the built-in factories'
// checks (sources/builtin.hpp), so a plugin missing here is an unknown plugin.
using PluginKeyCheck = std::function<std::vector<api::ConfigIssue>(const YAML::Node& entry)>;
using PluginChecks = std::map<std::string, PluginKeyCheck, std::less<>>;
// The plugins whose sources can write back (api::SourceFactory::writesBack); a `write_back:` block on
// any other plugin's source is a problem. The daemon passes writeBackPlugins(builtinFactories()).
using WriteBackPlugins = std::set<std::string, std::less<>>;
// The plugins whose records carry devices' check-ins (api::SourceFactory::reportsCheckIns): their
// sources are the ones staleness is measured against. The daemon passes checkInPlugins(builtinFactories()).
using CheckInPlugins = std::set<std::string, std::less<>>;

// Loads and validates. On failure returns every problem found, not just the first.
std::expected<Config, std::vector<ConfigProblem>> loadConfig(const std::filesystem::path& file,
                                                             const PluginChecks& plugins = {},
                                                             const WriteBackPlugins& writers = {},
                                                             const CheckInPlugins& check_ins = {});

}  // namespace fk
