#include "core/config.hpp"
#include "core/time_zone.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "core/config_reader.hpp"
#include "core/config_web.hpp"
#include "core/device.hpp"
#include "core/values.hpp"
#include "core/work_order.hpp"

namespace fk {
namespace {

using config_detail::Entry;
using config_detail::inQuotes;
using config_detail::Reader;

const std::vector<std::string_view> kLogLevels{"trace", "debug", "info", "warn", "error", "critical", "off"};

std::string kindList() {
  std::string list;
  for (auto k : allKinds()) {
    if (!list.empty()) list += ", ";
    list += toString(k);
  }
  return list;
}

std::optional<DeviceKind> kindOf(Reader& r, const Entry& e, const std::string& text) {
  auto kind = parseKind(text);
  if (!kind) r.problem(e, "unknown kind " + inQuotes(text) + " (" + kindList() + ")");
  return kind;
}

// "host:port" or "[v6-address]:port"; port 0 asks the kernel for a free one.
void readListen(Reader& r, const Entry& e, Config& c) {
  auto text = r.string(e);
  if (!text) return;
  std::string host, port;
  if (text->starts_with('[')) {
    const auto close = text->find("]:");
    if (close != std::string::npos) {
      host = text->substr(1, close - 1);
      port = text->substr(close + 2);
    }
  } else if (const auto colon = text->rfind(':'); colon != std::string::npos) {
    host = text->substr(0, colon);
    port = text->substr(colon + 1);
    if (host.find(':') != std::string::npos) host.clear();  // a bare IPv6 address needs brackets
  }
  const bool port_ok = !port.empty() && port.size() <= 5 &&
                       port.find_first_not_of("0123456789") == std::string::npos && std::stoul(port) <= 65535;
  if (host.empty() || host.find_first_of(" []/") != std::string::npos || !port_ok) {
    r.problem(e, inQuotes(*text) + " is not HOST:PORT (e.g. 127.0.0.1:9470 or [::1]:9470)");
    return;
  }
  c.listen_host = host;
  c.listen_port = static_cast<std::uint16_t>(std::stoul(port));
}

// The fiscal year starts on the same day every year, so 29 February cannot be its first day.
void readFiscalYearStart(Reader& r, const Entry& e, Config& c) {
  auto text = r.string(e);
  if (!text) return;
  const auto date = parseDate("2027-" + *text);  // 2027 is not a leap year
  if (text->size() != 5 || !date) {
    r.problem(e, inQuotes(*text) + " is not a month and day MM-DD that every year has (e.g. \"07-01\")");
    return;
  }
  c.fiscal_year_start_month = static_cast<int>(static_cast<unsigned>(date->month()));
  c.fiscal_year_start_day = static_cast<int>(static_cast<unsigned>(date->day()));
}

void readPlanning(Reader& r, const Entry& planning, Config::Planning& p) {
  r.forEach(planning.value, planning.key.Mark(), planning.path, [&](const Entry& e) {
    if (e.name == "default_life_years") {
      // What the file lists is the whole table: a kind left out has no age limit.
      p.default_life_years.clear();
      r.forEach(e.value, e.key.Mark(), e.path, [&](const Entry& k) {
        if (!kindOf(r, {k.name, e.path, k.key, k.key}, k.name)) return true;
        if (auto years = r.integer(k, 1, 100)) p.default_life_years[k.name] = static_cast<int>(*years);
        return true;
      });
    } else if (e.name == "aue_warning_days") {
      if (auto v = r.integer(e, 0)) p.aue_warning_days = static_cast<int>(*v);
    } else if (e.name == "repair_cost_share") {
      if (auto v = r.number(e)) {
        if (*v > 0 && *v <= 1)
          p.repair_cost_share = *v;
        else
          r.problem(e, "must be greater than 0 and at most 1, got " + inQuotes(e.value.Scalar()));
      }
    } else if (e.name == "work_orders_per_year") {
      if (auto v = r.integer(e, 1)) p.work_orders_per_year = static_cast<int>(*v);
    } else if (e.name == "replacement_model") {
      r.forEach(e.value, e.key.Mark(), e.path, [&](const Entry& k) {
        if (!kindOf(r, {k.name, e.path, k.key, k.key}, k.name)) return true;
        if (auto model = r.string(k)) p.replacement_model[k.name] = *model;
        return true;
      });
    } else {
      return false;
    }
    return true;
  });
}

// Money is text ("40.00") like everywhere else, so a rate never goes through a float.
// import: {status_labels: {"Loaned to student": deployed, ...}}
void readImport(Reader& r, const Entry& import, Config::Import& out) {
  r.forEach(import.value, import.key.Mark(), import.path, [&](const Entry& e) {
    if (e.name != "status_labels") return false;
    r.forEach(e.value, e.key.Mark(), e.path, [&](const Entry& label) {
      std::vector<std::string_view> statuses;
      for (DeviceStatus s : allStatuses()) statuses.push_back(toString(s));
      if (auto status = r.oneOf(label, statuses)) {
        std::string name = label.name;
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out.status_labels[name] = *status;
      }
      return true;
    });
    return true;
  });
}

void readRepair(Reader& r, const Entry& repair, Config::Repair& out) {
  r.forEach(repair.value, repair.key.Mark(), repair.path, [&](const Entry& e) {
    if (e.name != "labour_rate") return false;
    auto text = r.string(e);
    if (!text) return true;
    auto cents = parseMoney(*text);
    if (!cents || *cents < 0 || *cents > kMaxLabourRateCents)
      r.problem(e, "must be an hourly amount like \"40.00\" from 0.00 to " + formatMoney(kMaxLabourRateCents) +
                       ", got " + inQuotes(*text));
    else
      out.labour_rate_cents = *cents;
    return true;
  });
}

void readModels(Reader& r, const Entry& models, Config& c) {
  if (!models.value.IsSequence()) {
    r.problem(models, "expected a list of models");
    return;
  }
  std::map<std::string, int> first_line;
  for (std::size_t i = 0; i < models.value.size(); ++i) {
    const YAML::Node item = models.value[i];
    const std::string path = models.path + "[" + std::to_string(i) + "]";
    CatalogModel m;
    bool has_model = false, has_kind = false;
    r.forEach(item, item.Mark(), path, [&](const Entry& e) {
      if (e.name == "model") {
        has_model = true;
        if (auto name = r.string(e)) {
          const auto [it, fresh] = first_line.emplace(*name, e.value.Mark().line + 1);
          if (!fresh)
            r.problem(e, "duplicate model " + inQuotes(*name) + " (first on line " +
                             std::to_string(it->second) + ")");
          m.model = *name;
        }
      } else if (e.name == "kind") {
        if (auto text = r.string(e)) {
          if (auto kind = kindOf(r, e, *text)) m.kind = *kind;
        }
        has_kind = true;
      } else if (e.name == "unit_cost") {
        if (auto text = r.string(e)) {
          m.unit_cost_cents = parseMoney(*text);
          if (!m.unit_cost_cents) r.problem(e, inQuotes(*text) + " is not an amount (e.g. \"289.00\")");
        }
      } else if (e.name == "life_years") {
        if (auto v = r.integer(e, 1, 100)) m.life_years = static_cast<int>(*v);
      } else if (e.name == "aue_date") {
        if (auto text = r.string(e)) {
          if (isValidDate(*text))
            m.aue_date = *text;
          else
            r.problem(e, inQuotes(*text) + " is not a date (YYYY-MM-DD)");
        }
      } else {
        return false;
      }
      return true;
    });
    if (!item.IsMap()) continue;
    if (!has_model) r.problem(item.Mark(), path + ": missing required key \"model\"");
    if (!has_kind) r.problem(item.Mark(), path + ": missing required key \"kind\"");
    c.models.push_back(std::move(m));
  }
}

bool isSourceName(const std::string& name) {
  return !name.empty() && name.size() <= 64 &&
         name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") == std::string::npos;
}

void readSources(Reader& r, const Entry& sources, Config& c, const PluginChecks& plugins,
                 const WriteBackPlugins& writers) {
  if (!sources.value.IsSequence()) {
    if (!sources.value.IsNull()) r.problem(sources, "expected a list of sources");
    return;
  }
  std::string known_list;
  for (const auto& [name, check] : plugins) known_list += (known_list.empty() ? "" : ", ") + name;
  if (known_list.empty()) known_list = "none yet";

  std::map<std::string, int> first_line;
  for (std::size_t i = 0; i < sources.value.size(); ++i) {
    const YAML::Node item = sources.value[i];
    const std::string path = sources.path + "[" + std::to_string(i) + "]";
    SourceConfig s;
    s.node = item;
    bool has_name = false, has_plugin = false;
    YAML::Mark write_back_at;
    r.forEach(item, item.Mark(), path, [&](const Entry& e) {
      if (e.name == "name") {
        has_name = true;
        if (auto name = r.string(e)) {
          if (!isSourceName(*name)) {
            r.problem(e, inQuotes(*name) + " is not a source name (lower-case letters, digits, _ and -)");
          } else if (const auto [it, fresh] = first_line.emplace(*name, e.value.Mark().line + 1); !fresh) {
            r.problem(e, "duplicate source name " + inQuotes(*name) + " (first on line " +
                             std::to_string(it->second) + ")");
          }
          s.name = *name;
        }
      } else if (e.name == "plugin") {
        has_plugin = true;
        if (auto plugin = r.string(e)) {
          if (!plugins.contains(*plugin)) {
            r.problem(e, "unknown plugin " + inQuotes(*plugin) + " (known: " + known_list + ")");
          }
          s.plugin = *plugin;
        }
      } else if (e.name == "interval") {
        if (auto d = r.duration(e)) s.interval = *d;
      } else if (e.name == "full_sync_interval") {
        if (auto d = r.duration(e)) s.full_sync_interval = *d;
      } else if (e.name == "on_unknown") {
        if (auto v = r.oneOf(e, {"create", "flag"})) s.on_unknown = *v;
      } else if (e.name == "timeout") {
        if (auto d = r.duration(e)) s.timeout = *d;
      } else if (e.name == "overwrite_manual") {
        if (auto v = r.boolean(e)) s.overwrite_manual = *v;
      } else if (e.name == "write_back") {
        s.write_back.emplace();
        readWriteBack(r, e, *s.write_back);
        write_back_at = e.key.Mark();
      }
      // Any other key belongs to the plugin, which checks its own subtree.
      return true;
    });
    if (!item.IsMap()) continue;
    if (!has_name) r.problem(item.Mark(), path + ": missing required key \"name\"");
    if (!has_plugin) r.problem(item.Mark(), path + ": missing required key \"plugin\"");
    if (s.write_back && plugins.contains(s.plugin) && !writers.contains(s.plugin))
      r.problem(write_back_at, path + ".write_back: the " + s.plugin + " plugin cannot write back");
    if (auto check = plugins.find(s.plugin); check != plugins.end()) {
      for (const api::ConfigIssue& issue : check->second(item)) {
        const std::string where = issue.key.empty() ? path : path + "." + issue.key;
        YAML::Mark at;
        at.line = issue.line - 1;
        at.column = issue.column - 1;
        r.problem(at, where + ": " + issue.message);
      }
    }
    c.sources.push_back(std::move(s));
  }
}

void readSection(Reader& r, const Entry& section, const char* key, int& target, std::int64_t min) {
  r.forEach(section.value, section.key.Mark(), section.path, [&](const Entry& e) {
    if (e.name != key) return false;
    if (auto v = r.integer(e, min)) target = static_cast<int>(*v);
    return true;
  });
}

void readNetwork(Reader& r, const Entry& network, Config::Network& n) {
  r.forEach(network.value, network.key.Mark(), network.path, [&](const Entry& e) {
    if (e.name == "unknown_mac_ttl") {
      if (auto d = r.duration(e)) n.unknown_mac_ttl = *d;
    } else if (e.name == "unknown_mac_limit") {
      if (auto v = r.integer(e, 1, 1'000'000)) n.unknown_mac_limit = static_cast<int>(*v);
    } else {
      return false;
    }
    return true;
  });
}

void readAudits(Reader& r, const Entry& audits, Config::Audits& a) {
  r.forEach(audits.value, audits.key.Mark(), audits.path, [&](const Entry& e) {
    if (e.name != "seen_window") return false;
    if (auto d = r.duration(e)) {
      if (d->count() <= 0)
        r.problem(e, "must be a positive duration like \"14d\"");
      else
        a.seen_window = *d;
    }
    return true;
  });
}

void readRoster(Reader& r, const Entry& roster, Config::Roster& k) {
  r.forEach(roster.value, roster.key.Mark(), roster.path, [&](const Entry& e) {
    if (e.name != "return_within") return false;
    if (auto d = r.duration(e)) {
      if (d->count() < 86400 || d->count() % 86400 != 0)
        r.problem(e, "must be a whole number of days, at least one, like \"10d\"");
      else
        k.return_within_days = static_cast<int>(d->count() / 86400);
    }
    return true;
  });
}

void readCollections(Reader& r, const Entry& collections, Config::Collections& k) {
  r.forEach(collections.value, collections.key.Mark(), collections.path, [&](const Entry& e) {
    if (e.name != "alert_below") return false;
    if (auto v = r.number(e)) {
      if (!(*v > 0.0 && *v <= 1.0))
        r.problem(e, "must be a share above 0 and at most 1, like 0.9");
      else
        k.alert_below = *v;
    }
    return true;
  });
}

std::filesystem::path resolve(const std::filesystem::path& base, const std::string& p) {
  const std::filesystem::path path(p);
  return (path.is_absolute() ? path : base / path).lexically_normal();
}

}  // namespace

std::string ConfigProblem::format() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

std::expected<Config, std::vector<ConfigProblem>> loadConfig(const std::filesystem::path& file,
                                                             const PluginChecks& plugins,
                                                             const WriteBackPlugins& writers,
                                                             const CheckInPlugins& check_ins) {
  const std::string name = file.string();
  std::string text;
  {
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) {
      return std::unexpected(std::vector{ConfigProblem{name, 0, 0, "cannot read: is a directory"}});
    }
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      return std::unexpected(
          std::vector{ConfigProblem{name, 0, 0, std::string("cannot read: ") + std::strerror(errno)}});
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
  }

  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return std::unexpected(std::vector{ConfigProblem{name, e.mark.line + 1, e.mark.column + 1, e.msg}});
  }

  Config c;
  std::error_code ec;
  c.file = std::filesystem::absolute(file, ec).lexically_normal();
  const auto base = c.file.parent_path();
  std::string state_dir = "var", database = "fleetkeep.db", seed;
  Reader r(name);
  if (root.IsNull()) root = YAML::Node(YAML::NodeType::Map);  // an empty file means all defaults

  r.forEach(root, root.Mark(), "", [&](const Entry& e) {
    if (e.name == "listen")
      readListen(r, e, c);
    else if (e.name == "state_dir") {
      if (auto v = r.string(e)) state_dir = *v;
    } else if (e.name == "database") {
      if (auto v = r.string(e)) database = *v;
    } else if (e.name == "log_level") {
      if (auto v = r.oneOf(e, kLogLevels)) c.log_level = *v;
    } else if (e.name == "fiscal_year_start")
      readFiscalYearStart(r, e, c);
    else if (e.name == "timezone") {
      if (auto v = r.string(e)) {
        if (auto zone = TimeZone::locate(*v))
          c.timezone = *v;
        else
          r.problem(e, zone.error().message);
      }
    }
    else if (e.name == "planning")
      readPlanning(r, e, c.planning);
    else if (e.name == "models")
      readModels(r, e, c);
    else if (e.name == "limits") {
      r.forEach(e.value, e.key.Mark(), e.path, [&](const Entry& l) {
        if (l.name == "json_body_bytes") {
          if (auto v = r.byteSize(l)) c.limits.json_body_bytes = *v;
        } else if (l.name == "import_body_bytes") {
          if (auto v = r.byteSize(l)) c.limits.import_body_bytes = *v;
        } else if (l.name == "database_cache") {
          if (auto v = r.byteSize(l)) {
            if (*v < (1ull << 20) || *v > (16ull << 30))
              r.problem(l, "between 1MiB and 16GiB");
            else
              c.limits.database_cache_bytes = *v;
          }
        } else if (l.name == "max_connections") {
          if (auto v = r.integer(l, 1, 1'000'000)) c.limits.max_connections = *v;
        } else if (l.name == "idle_timeout" || l.name == "request_timeout") {
          // A connection's timer, not a schedule: longer than a day only keeps dead connections open.
          auto& target = l.name == "idle_timeout" ? c.limits.idle_timeout : c.limits.request_timeout;
          if (auto v = r.duration(l)) {
            if (*v > std::chrono::hours(24))
              r.problem(l, "at most 1d");
            else
              target = *v;
          }
        } else
          return false;
        return true;
      });
    } else if (e.name == "checkout")
      readSection(r, e, "default_loan_days", c.checkout.default_loan_days, 1);
    else if (e.name == "alerts")
      readSection(r, e, "stale_sync_days", c.alerts.stale_sync_days, 1);
    else if (e.name == "network")
      readNetwork(r, e, c.network);
    else if (e.name == "repair")
      readRepair(r, e, c.repair);
    else if (e.name == "web")
      config_detail::readWeb(r, e, c.web, base);
    else if (e.name == "import")
      readImport(r, e, c.import);
    else if (e.name == "audits")
      readAudits(r, e, c.audits);
    else if (e.name == "collections")
      readCollections(r, e, c.collections);
    else if (e.name == "roster")
      readRoster(r, e, c.roster);
    else if (e.name == "fees")
      config_detail::readFees(r, e, base, c.fees);
    else if (e.name == "seed_inventory") {
      if (auto v = r.string(e, true)) seed = *v;
    } else if (e.name == "sources")
      readSources(r, e, c, plugins, writers);
    else if (e.name == "notifications")
      config_detail::readNotifications(r, e, c.notifications.emplace(), base);
    else
      return false;
    return true;
  });
  if (!r.ok()) return std::unexpected(r.take());

  c.state_dir = resolve(base, state_dir);
  c.database = resolve(c.state_dir, database);
  if (!seed.empty()) c.seed_inventory = resolve(base, seed);
  for (SourceConfig& s : c.sources) s.reports_check_ins = check_ins.contains(s.plugin);
  return c;
}

}  // namespace fk
