#include "parse.hpp"

#include "api/instant.hpp"
#include "api/write_back.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace fk::google_admin {

using nlohmann::json;

namespace {

// A string member, trimmed; "" when missing or not a string (the API omits fields without data).
std::string text(const json& object, std::string_view key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  const auto& s = it->get_ref<const std::string&>();
  auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

template <typename Int>
bool readInt(std::string_view s, Int& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool allDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::optional<std::chrono::year_month_day> readDate(std::string_view s) {
  int y = 0;
  unsigned m = 0, d = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (!readInt(s.substr(0, 4), y) || !readInt(s.substr(5, 2), m) || !readInt(s.substr(8, 2), d))
    return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

std::string formatDate(std::chrono::year_month_day ymd) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::optional<api::TimePoint> fromEpochMs(std::string_view digits) {
  std::int64_t ms = 0;
  if (digits.size() > 15 || !readInt(digits, ms)) return std::nullopt;
  auto at = api::instantFromSeconds(ms / 1000);
  if (!at) return std::nullopt;
  return *at + std::chrono::milliseconds{ms % 1000};
}

// Messages from Google end up in logs and the sources API: keep them one short printable line.
std::string clean(std::string_view s, std::size_t limit = 200) {
  std::string out;
  for (char c : s) {
    if (out.size() >= limit) {
      out += "...";
      break;
    }
    out += (static_cast<unsigned char>(c) < 0x20) ? ' ' : c;
  }
  return out;
}

}  // namespace

std::string utcDay(api::TimePoint t) {
  return formatDate(std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(t)});
}

std::optional<api::TimePoint> parseTimestamp(std::string_view t) {
  if (allDigits(t)) return fromEpochMs(t);
  return api::parseRfc3339(t, api::InstantSyntax::outside);
}

std::optional<std::string> aueDate(const json& device) {
  // autoUpdateThrough has no declared format: seen as "2021-06-01" and as "2021-06-01T00:00:00Z". The
  // date as written is the one Google means, so a timestamp keeps its own calendar day.
  std::string through = text(device, "autoUpdateThrough");
  if (through.size() >= 10 && readDate(std::string_view(through).substr(0, 10)) &&
      (through.size() == 10 || parseTimestamp(through)))
    return through.substr(0, 10);
  std::string expiration = text(device, "autoUpdateExpiration");
  if (auto t = fromEpochMs(expiration)) return utcDay(*t);
  return std::nullopt;
}

std::optional<std::string> normaliseMac(std::string_view s) {
  std::string hex;
  for (char c : s) {
    if (c == ':' || c == '-' || c == '.') continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (hex.size() != 12) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < 12; i += 2) {
    if (i) out += ':';
    out += hex.substr(i, 2);
  }
  return out;
}

std::string manufacturerFromModel(std::string_view model) {
  static constexpr std::array<std::string_view, 14> kMakers = {
      "Acer", "ASUS",    "Dell",     "Google", "HP",        "Lenovo",    "Samsung",
      "CTL",  "Toshiba", "Dynabook", "LG",     "Framework", "Microsoft", "Positivo"};
  std::string_view first = model.substr(0, model.find(' '));
  for (auto maker : kMakers) {
    if (first.size() == maker.size() &&
        std::equal(first.begin(), first.end(), maker.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
        }))
      return std::string(maker);
  }
  return {};
}

std::optional<DevicePage> parseDevicePage(std::string_view body, std::string& error) {
  json page = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (page.is_discarded()) {
    error =
        "device list is not valid JSON (truncated or malformed, " + std::to_string(body.size()) + " bytes)";
    return std::nullopt;
  }
  if (!page.is_object()) {
    error = "device list is not a JSON object";
    return std::nullopt;
  }
  DevicePage out;
  if (auto it = page.find("chromeosdevices"); it != page.end()) {
    if (!it->is_array()) {
      error = "chromeosdevices is not an array";
      return std::nullopt;
    }
    out.devices.reserve(it->size());
    for (auto& d : *it) {
      if (!d.is_object()) {
        error = "chromeosdevices holds a non-object entry";
        return std::nullopt;
      }
      out.devices.push_back(std::move(d));
    }
  }
  if (auto it = page.find("nextPageToken"); it != page.end()) {
    if (!it->is_string()) {
      error = "nextPageToken is not a string";
      return std::nullopt;
    }
    out.next_page_token = it->get<std::string>();
  }
  return out;
}

std::optional<api::Observation> mapDevice(const json& device, std::string origin) {
  api::Observation o;
  o.kind = api::ObservationKind::managed;
  o.origin = std::move(origin);
  o.source_id = text(device, "deviceId");

  auto set = [&o](const char* field, std::string value) {
    if (!value.empty()) o.fields[field] = std::move(value);
  };
  auto extra = [&o](const char* key, std::string value) {
    if (!value.empty()) o.extra[key] = std::move(value);
  };
  std::string model = text(device, "model");
  set("serial", text(device, "serialNumber"));
  set("manufacturer", manufacturerFromModel(model));
  set("model", model);
  set("org_unit", text(device, "orgUnitPath"));
  set("asset_tag", text(device, "annotatedAssetId"));
  set("location", text(device, "annotatedLocation"));
  set("notes", text(device, "notes"));
  if (auto aue = aueDate(device)) set("aue_date", *aue);
  // ChromeOS Flex runs on any PC, so such a record says nothing about the hardware's kind.
  std::string os_type = text(device, "chromeOsType");
  if (os_type != "chromeOsFlex") o.fields["kind"] = "chromebook";

  for (const char* key : {"macAddress", "ethernetMacAddress"}) {
    if (auto mac = normaliseMac(text(device, key))) o.macs.push_back(*mac);
  }
  if (std::string sync = text(device, "lastSync"); !sync.empty()) o.last_sync = parseTimestamp(sync);

  // Google's status is management state (ACTIVE, DEPROVISIONED...), not the registry's lifecycle, which
  // people own: it is shown on the device's `seen` entry, never applied to its status.
  extra("status", text(device, "status"));
  extra("os_version", text(device, "osVersion"));
  extra("user", text(device, "annotatedUser"));
  // Google's own values of what write-back may change (api/write_back.hpp), to plan against.
  static_assert(api::kRemoteAssetId == "asset_id" && api::kRemoteLocation == "location" &&
                api::kRemoteOrgUnit == "org_unit" && api::kRemoteUser == "user" && api::kRemoteStatus == "status");
  extra("asset_id", text(device, "annotatedAssetId"));
  extra("location", text(device, "annotatedLocation"));
  extra("org_unit", text(device, "orgUnitPath"));
  // Kept short: 100k observations are buffered until the poll ends, and every entry costs a map node.
  if (!os_type.empty() && os_type != "chromeOs") extra("chrome_os_type", os_type);
  if (auto it = device.find("recentUsers"); it != device.end() && it->is_array()) {
    std::string emails;
    int unmanaged = 0;
    for (const auto& u : *it) {
      if (!u.is_object()) continue;
      std::string email = text(u, "email");
      if (email.empty()) {
        ++unmanaged;
        continue;
      }
      if (!emails.empty()) emails += ',';  // newest first, as Google lists them
      emails += email;
    }
    extra("recent_users", emails);
    if (unmanaged) o.extra["recent_unmanaged_users"] = std::to_string(unmanaged);
  }
  if (auto it = device.find("lastKnownNetwork");
      it != device.end() && it->is_array() && !it->empty() && it->front().is_object()) {
    extra("ip", text(it->front(), "ipAddress"));
    extra("wan_ip", text(it->front(), "wanIpAddress"));
  }

  if (o.source_id.empty() && !o.fields.contains("serial") && o.macs.empty()) return std::nullopt;
  return o;
}

ErrorVerdict classifyError(int status, std::string_view body) {
  ErrorVerdict v;
  std::vector<std::string> reasons;
  std::string detail;
  bool oauth = false;
  json j = json::parse(body, nullptr, false);
  if (j.is_object()) {
    auto e = j.find("error");
    if (e != j.end() && e->is_object()) {
      detail = text(*e, "message");
      if (auto list = e->find("errors"); list != e->end() && list->is_array()) {
        for (const auto& item : *list)
          if (item.is_object()) reasons.push_back(text(item, "reason"));
      }
      if (reasons.empty() && !text(*e, "status").empty()) reasons.push_back(text(*e, "status"));
    } else if (e != j.end() && e->is_string()) {
      // The token endpoint's OAuth envelope: {"error": "invalid_grant", "error_description": "..."}.
      oauth = true;
      reasons.push_back(e->get<std::string>());
      detail = text(j, "error_description");
    }
  }
  auto has = [&reasons](std::string_view r) {
    return std::find(reasons.begin(), reasons.end(), r) != reasons.end();
  };

  v.message = "HTTP " + std::to_string(status);
  if (!reasons.empty() && !reasons.front().empty()) v.message += " " + clean(reasons.front(), 60);
  if (!detail.empty()) v.message += ": " + clean(detail);

  if (has("rateLimitExceeded") || has("userRateLimitExceeded") || has("quotaExceeded") ||
      has("RESOURCE_EXHAUSTED") || status == 429) {
    v.reason = api::FailureReason::rate_limited;
    v.retry = true;
  } else if (oauth && status >= 400 && status < 500) {
    v.reason = api::FailureReason::auth;  // a refused grant: another attempt would be refused the same way
  } else if (status == 401) {
    v.reason = api::FailureReason::auth;
    v.refresh_token = true;
  } else if (status == 403) {
    v.reason = api::FailureReason::forbidden;  // "forbidden" and anything else: a privilege or scope problem
  } else if (status == 500 || status == 502 || status == 503 || status == 504) {
    v.reason = api::FailureReason::server_error;
    v.retry = true;
  } else if (status >= 500) {
    v.reason = api::FailureReason::server_error;
  } else if (status == 404) {
    v.reason = api::FailureReason::config;  // an unknown customer_id or a wrong api_base_url
  } else {
    v.reason = api::FailureReason::bad_response;
  }
  return v;
}

}  // namespace fk::google_admin
