#include "dhcp_leases/parse.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <map>
#include <sstream>

#include "api/instant.hpp"

namespace fk::dhcp_leases {
namespace {

bool isIp(const std::string& text) {
  unsigned char buffer[16];
  return inet_pton(AF_INET, text.c_str(), buffer) == 1 || inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

std::optional<std::int64_t> readInt(std::string_view text) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

std::vector<std::string_view> splitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  }
  return lines;
}

std::vector<std::string> words(std::string_view line) {
  std::istringstream in{std::string(line)};
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// A DUID that embeds a link-layer address: DUID-LLT (type 1: hw type, time, address) and DUID-LL
// (type 3: hw type, address), Ethernet (hw type 1) only.
std::optional<std::string> macFromDuid(std::string_view duid) {
  std::vector<int> bytes;
  for (std::size_t i = 0; i < duid.size();) {
    const std::size_t colon = duid.find(':', i);
    const std::string_view part = duid.substr(i, colon == std::string_view::npos ? colon : colon - i);
    unsigned b = 0;  // unsigned: from_chars then refuses a sign ("-1" would index the digits at -1)
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), b, 16);
    if (part.empty() || part.size() > 2 || ec != std::errc() || end != part.data() + part.size())
      return std::nullopt;
    bytes.push_back(b);
    if (colon == std::string_view::npos) break;
    i = colon + 1;
  }
  std::size_t mac_at = 0;
  if (bytes.size() == 14 && bytes[0] == 0 && bytes[1] == 1 && bytes[2] == 0 && bytes[3] == 1) mac_at = 8;
  if (bytes.size() == 10 && bytes[0] == 0 && bytes[1] == 3 && bytes[2] == 0 && bytes[3] == 1) mac_at = 4;
  if (mac_at == 0) return std::nullopt;
  std::string text;
  for (std::size_t i = mac_at; i < mac_at + 6; ++i) {
    if (!text.empty()) text += ':';
    text += "0123456789abcdef"[bytes[i] >> 4];
    text += "0123456789abcdef"[bytes[i] & 0xf];
  }
  // The same rules as a MAC written out: 00:00:00:00:00:00 is no address (found by fuzz_dnsmasq_leases).
  return readMac(text);
}

// Kea writes commas inside a field as "&#x2c".
std::string keaUnescape(std::string_view field) {
  std::string out;
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field.substr(i, 5) == "&#x2c") {
      out += ',';
      i += 4;
    } else {
      out += field[i];
    }
  }
  return out;
}

std::vector<std::string_view> splitCsv(std::string_view line) {
  std::vector<std::string_view> out;
  for (;;) {
    const auto comma = line.find(',');
    out.push_back(line.substr(0, comma));
    if (comma == std::string_view::npos) return out;
    line = line.substr(comma + 1);
  }
}

}  // namespace

std::optional<Format> parseFormat(std::string_view name) {
  if (name == "dnsmasq") return Format::dnsmasq;
  if (name == "isc") return Format::isc;
  if (name == "kea") return Format::kea;
  return std::nullopt;
}

std::optional<std::string> readMac(std::string_view text) {
  std::string out;
  int octets = 0;
  for (std::size_t i = 0; i <= text.size(); ++octets) {
    const std::size_t colon = std::min(text.find(':', i), text.size());
    const std::string_view part = text.substr(i, colon - i);
    unsigned b = 0;  // unsigned: from_chars then refuses a sign ("-1" would index the digits at -1)
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), b, 16);
    if (part.empty() || part.size() > 2 || ec != std::errc() || end != part.data() + part.size() ||
        octets == 6)
      return std::nullopt;
    if (!out.empty()) out += ':';
    out += "0123456789abcdef"[b >> 4];
    out += "0123456789abcdef"[b & 0xf];
    i = colon + 1;
  }
  if (octets != 6 || out == "00:00:00:00:00:00") return std::nullopt;
  return out;
}

std::optional<TimePoint> leaseTime(std::int64_t seconds_since_1970) {
  return api::instantFromSeconds(seconds_since_1970);
}

bool inForce(const Lease& lease, TimePoint now) {
  return lease.active && !lease.mac.empty() && (!lease.ends || *lease.ends > now);
}

Parsed parseDnsmasq(std::string_view text) {
  Parsed out;
  bool ipv6 = false;
  const auto lines = splitLines(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string origin = "line " + std::to_string(i + 1);
    const auto w = words(lines[i]);
    if (w.empty()) continue;
    if (w[0] == "duid") {  // the server's DUID; IPv6 leases follow
      ipv6 = true;
      continue;
    }
    if (w.size() != 5) {
      out.skipped.push_back({origin, "expected 5 fields: expiry, " + std::string(ipv6 ? "IAID" : "MAC") +
                                         ", address, hostname, client id"});
      continue;
    }
    const auto expiry = readInt(w[0]);
    const auto ends = expiry ? leaseTime(*expiry) : std::nullopt;
    if (!ends) {
      out.skipped.push_back(
          {origin, "\"" + w[0] + "\" is not an expiry time (seconds since 1970, before 2200)"});
      continue;
    }
    if (!isIp(w[2])) {
      out.skipped.push_back({origin, "\"" + w[2] + "\" is not an IP address"});
      continue;
    }
    Lease lease;
    lease.ip = w[2];
    lease.origin = origin;
    if (*expiry != 0) lease.ends = ends;  // 0 = infinite
    if (w[3] != "*") lease.hostname = w[3];
    if (ipv6) {
      // Without a link-layer address in the client DUID the lease names no MAC; that is not an error.
      auto mac = macFromDuid(w[4]);
      if (!mac) continue;
      lease.mac = *mac;
    } else {
      // Non-Ethernet hardware is written "<hw type>-<address>".
      std::string_view mac_text = w[1];
      if (const auto dash = mac_text.find('-'); dash != std::string_view::npos && dash <= 2)
        mac_text.remove_prefix(dash + 1);
      auto mac = readMac(mac_text);
      if (!mac) {
        out.skipped.push_back({origin, "\"" + w[1] + "\" is not a MAC address"});
        continue;
      }
      lease.mac = *mac;
    }
    out.leases.push_back(std::move(lease));
  }
  return out;
}

Parsed parseKea(std::string_view text) {
  Parsed out;
  const auto lines = splitLines(text);
  std::size_t first = 0;
  while (first < lines.size() && lines[first].empty()) ++first;
  if (first == lines.size()) return out;  // an empty file: no leases yet
  std::map<std::string, std::size_t, std::less<>> column;
  const auto header = splitCsv(lines[first]);
  for (std::size_t i = 0; i < header.size(); ++i) column.emplace(std::string(header[i]), i);
  for (const char* required : {"address", "hwaddr", "valid_lifetime", "expire"}) {
    if (!column.contains(required)) {
      out.error =
          "line " + std::to_string(first + 1) + ": Kea lease file header has no \"" + required + "\" column";
      return out;
    }
  }
  auto field = [&](const std::vector<std::string_view>& row, const char* name) -> std::string_view {
    auto it = column.find(name);
    return it == column.end() ? std::string_view() : row[it->second];
  };

  std::map<std::string, Lease> by_address;  // later rows win
  for (std::size_t i = first + 1; i < lines.size(); ++i) {
    if (lines[i].empty()) continue;
    const std::string origin = "line " + std::to_string(i + 1);
    const auto row = splitCsv(lines[i]);
    if (row.size() != header.size()) {
      out.skipped.push_back({origin, "expected " + std::to_string(header.size()) + " columns, found " +
                                         std::to_string(row.size())});
      continue;
    }
    const std::string address(field(row, "address"));
    const auto lifetime = readInt(field(row, "valid_lifetime"));
    const auto expire = readInt(field(row, "expire"));
    if (!isIp(address)) {
      out.skipped.push_back({origin, "\"" + address + "\" is not an IP address"});
      continue;
    }
    if (!lifetime || *lifetime < 0 || !expire) {
      out.skipped.push_back({origin, "valid_lifetime and expire must be whole numbers"});
      continue;
    }
    if (*lifetime == 0) {  // Kea's way of recording a deleted lease
      by_address.erase(address);
      continue;
    }
    Lease lease;
    lease.ip = address;
    lease.origin = origin;
    const std::string_view hw = field(row, "hwaddr");
    if (!hw.empty()) {
      auto mac = readMac(hw);
      if (!mac) {
        out.skipped.push_back({origin, "\"" + std::string(hw) + "\" is not a MAC address"});
        continue;
      }
      lease.mac = *mac;
    }
    lease.hostname = keaUnescape(field(row, "hostname"));
    const auto ends = leaseTime(*expire);
    const auto starts =
        ends ? leaseTime(*expire - *lifetime) : std::nullopt;  // expire = cltt + valid_lifetime
    if (!starts) {
      out.skipped.push_back({origin, "expire " + std::to_string(*expire) + " and valid_lifetime " +
                                         std::to_string(*lifetime) + " are not times between 1970 and 2200"});
      continue;
    }
    lease.ends = ends;
    lease.starts = starts;
    lease.last_contact = lease.starts;
    const std::string_view state = field(row, "state");
    lease.active = state.empty() || state == "0";
    by_address[address] = std::move(lease);
  }
  for (auto& [address, lease] : by_address) out.leases.push_back(std::move(lease));
  return out;
}

Parsed parseLeases(Format format, std::string_view text) {
  switch (format) {
    case Format::dnsmasq: return parseDnsmasq(text);
    case Format::isc: return parseIsc(text);
    case Format::kea: return parseKea(text);
  }
  return {};
}

}  // namespace fk::dhcp_leases
