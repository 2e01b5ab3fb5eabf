#include "intune/parse.hpp"

#include <charconv>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "api/instant.hpp"

namespace fk::intune {
namespace {

using nlohmann::json;

std::string stringField(const json& item, const char* key) {
  auto it = item.find(key);
  return it != item.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Graph's operatingSystem to a registry kind; the rest stay unset for a person to decide.
std::string kindFor(const std::string& os) {
  if (os == "Windows" || os == "macOS") return "laptop";
  if (os == "iOS" || os == "iPadOS" || os == "Android") return "tablet";
  return "";
}

}  // namespace

std::optional<api::TimePoint> parseInstant(std::string_view t) {
  auto at = api::parseRfc3339(t, api::InstantSyntax::outside);
  if (!at || t.substr(0, 4) < "1971") return std::nullopt;  // 0001-01-01: Graph's "never"
  // Graph's seven fraction digits are noise at the registry's one-second resolution.
  return std::chrono::floor<std::chrono::seconds>(*at);
}

std::string formatInstant(api::TimePoint t) {
  const auto secs = std::chrono::floor<std::chrono::seconds>(t);
  const auto days = std::chrono::floor<std::chrono::days>(secs);
  const std::chrono::year_month_day ymd{days};
  const std::chrono::hh_mm_ss hms{secs - days};
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return text;
}

std::optional<std::string> normaliseMac(std::string_view text) {
  std::string hex;
  for (char c : text) {
    if (c == ':' || c == '-' || c == '.') continue;
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
    hex += c;
  }
  if (hex.size() != 12 || hex == "000000000000") return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < 12; i += 2) {
    if (i) out += ':';
    out += hex.substr(i, 2);
  }
  return out;
}

std::expected<Token, std::string> parseTokenResponse(std::string_view body) {
  const json doc = json::parse(body, nullptr, false);
  if (!doc.is_object()) return std::unexpected("token response is not JSON");
  Token t;
  t.access_token = stringField(doc, "access_token");
  if (t.access_token.empty()) return std::unexpected("token response has no access_token");
  auto expires = doc.find("expires_in");
  // Entra sends a number; older endpoints sent it as a string.
  if (expires != doc.end() && expires->is_number_integer()) {
    t.expires_in = std::chrono::seconds(expires->get<std::int64_t>());
  } else if (expires != doc.end() && expires->is_string()) {
    const std::string s = expires->get<std::string>();
    std::int64_t v = 0;
    if (std::from_chars(s.data(), s.data() + s.size(), v).ec == std::errc())
      t.expires_in = std::chrono::seconds(v);
  }
  if (t.expires_in.count() <= 0) t.expires_in = std::chrono::seconds(3599);
  return t;
}

std::string describeError(int status, std::string_view body) {
  std::string text = "HTTP " + std::to_string(status);
  const json doc = json::parse(body, nullptr, false);
  if (!doc.is_object()) return text;
  const auto error = doc.find("error");
  if (error == doc.end()) return text;
  std::string code, message;
  if (error->is_object()) {
    code = stringField(*error, "code");
    message = stringField(*error, "message");
  } else if (error->is_string()) {
    code = error->get<std::string>();
    message = stringField(doc, "error_description");
  }
  if (const auto nl = message.find_first_of("\r\n"); nl != std::string::npos) message.resize(nl);
  if (message.size() > 200) message = message.substr(0, 200) + "...";
  if (!code.empty()) text += " " + code;
  if (!message.empty()) text += ": " + message;
  return text;
}

std::expected<Page, std::string> parsePage(std::string_view body, int page) {
  const json doc = json::parse(body, nullptr, false);
  if (!doc.is_object()) return std::unexpected("page " + std::to_string(page) + " is not a JSON object");
  const auto value = doc.find("value");
  if (value == doc.end() || !value->is_array())
    return std::unexpected("page " + std::to_string(page) + " has no \"value\" list");
  Page out;
  out.next_link = stringField(doc, "@odata.nextLink");
  int index = 0;
  for (const json& item : *value) {
    const std::string origin = "page " + std::to_string(page) + " item " + std::to_string(++index);
    if (!item.is_object()) {
      out.skipped.emplace_back(origin, "not a JSON object");
      continue;
    }
    api::Observation o;
    o.kind = api::ObservationKind::managed;
    o.origin = origin;
    o.source_id = stringField(item, "id");
    if (o.source_id.empty()) {
      out.skipped.emplace_back(origin, "device has no id");
      continue;
    }
    const std::string os = stringField(item, "operatingSystem");
    auto set = [&](const char* field, std::string v) {
      if (!v.empty()) o.fields[field] = std::move(v);
    };
    set("serial", stringField(item, "serialNumber"));
    set("manufacturer", stringField(item, "manufacturer"));
    set("model", stringField(item, "model"));
    set("kind", kindFor(os));
    auto extra = [&](const char* key, std::string v) {
      if (!v.empty()) o.extra[key] = std::move(v);
    };
    extra("device_name", stringField(item, "deviceName"));
    extra("os", os);
    extra("os_version", stringField(item, "osVersion"));
    extra("compliance", stringField(item, "complianceState"));
    extra("user", stringField(item, "userPrincipalName"));
    extra("azure_ad_device_id", stringField(item, "azureADDeviceId"));
    if (auto t = parseInstant(stringField(item, "lastSyncDateTime"))) o.last_sync = *t;
    if (auto t = parseInstant(stringField(item, "enrolledDateTime"))) o.extra["enrolled"] = formatInstant(*t);
    // wiFiMacAddress has no documented format (lists show "A1B2C3D4E5F6"); ethernetMacAddress is null in
    // lists but read in case Graph starts filling it.
    for (const char* key : {"wiFiMacAddress", "ethernetMacAddress"}) {
      if (auto mac = normaliseMac(stringField(item, key))) o.macs.push_back(*mac);
    }
    out.devices.push_back(std::move(o));
  }
  return out;
}

}  // namespace fk::intune
