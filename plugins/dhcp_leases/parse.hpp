#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fk::dhcp_leases {

using TimePoint = std::chrono::system_clock::time_point;

enum class Format { dnsmasq, isc, kea };
std::optional<Format> parseFormat(std::string_view name);

struct Lease {
  std::string ip;
  std::string mac;  // lower-case aa:bb:cc:dd:ee:ff
  std::string hostname;
  std::optional<TimePoint> starts;
  std::optional<TimePoint> ends;          // unset: never expires
  std::optional<TimePoint> last_contact;  // when the client last talked to the server, if the file says
  bool active = true;                     // binding state active (ISC) / state 0 (Kea)
  std::string origin;                     // "line N" of the record that won
};

struct Problem {
  std::string origin;
  std::string reason;
};

struct Parsed {
  std::vector<Lease> leases;  // the final word on each address: later records have replaced earlier ones
  std::vector<Problem> skipped;
  std::string error;  // set when the file as a whole is unusable (a Kea file without its header)
};

// dnsmasq: "<expiry|0> <mac> <ip> <hostname|*> <client-id|*>"; after a "duid" line, IPv6 leases whose
// MAC comes from the client DUID when it embeds one (DUID-LLT, DUID-LL over Ethernet).
Parsed parseDnsmasq(std::string_view text);
// ISC dhcpd.leases: `lease IP { ... }` blocks, the last block for an address wins.
Parsed parseIsc(std::string_view text);
// Kea memfile CSV (v4 or v6): columns by header name; later rows win; valid_lifetime 0 deletes.
Parsed parseKea(std::string_view text);
Parsed parseLeases(Format format, std::string_view text);

// Whether the lease still holds at `now`: active and not yet expired.
bool inForce(const Lease& lease, TimePoint now);

// A lease file's time in seconds since 1970 as a time point, or nullopt outside 1970..2200: the
// clock counts nanoseconds and overflows in 2262, and no lease file written by a working server holds
// a later time (Kea's "infinite" lifetime, 2^32-1 s, ends before 2160).
std::optional<TimePoint> leaseTime(std::int64_t seconds_since_1970);

// "aa:bb:cc:dd:ee:ff", also with one-digit octets as ISC writes them ("8:0:27:a:b:c").
std::optional<std::string> readMac(std::string_view text);

}  // namespace fk::dhcp_leases
