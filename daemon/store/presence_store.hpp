#pragma once

// What the network and management sources' sightings write: per-device presence (device_presence and
// the device's seen[source]), the bounded table of unknown MACs, and the sightings of devices marked
// lost or stolen (lost_sightings and their "sighted" events). Called by reconciliation's hooks inside
// the poll's write transaction; throws SQLite's errors, which roll that transaction back.

#include <SQLiteCpp/SQLiteCpp.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "core/device.hpp"
#include "core/error.hpp"

namespace fk {

// One MAC as a poll saw it (merged over the observations that named it).
struct MacSighting {
  std::string at;  // RFC 3339
  std::string ip;
  std::string interface;
  std::string hostname;
  std::string fields_json;  // the observation's extra fields, kept as the device's seen[source]
};

// Where and when a source saw a device.
struct Sighting {
  std::string source;
  std::string at;  // RFC 3339: when the device was there (network: observed; managed: its last sync)
  std::string ip;
  std::string interface;
  std::string org_unit;
};

inline constexpr std::chrono::hours kSightingEpisodeGap{12};

// The first sighting after a gap of kSightingEpisodeGap appends one "sighted" event; the rest only move
// the sighting's time, so a lost laptop on the LAN all day is one event, not one per poll. Nothing for
// statuses other than lost and stolen, or for a sighting from before the device was marked.
Status noteLostSighting(SQLite::Database& db, std::int64_t device_id, DeviceStatus status,
                        const Sighting& sighting);

// One poll's network sightings, prepared once for all its MACs.
class SightingWriter {
 public:
  SightingWriter(SQLite::Database& db, std::string source);

  // A MAC of exactly one device records its presence and returns its sighting (for lost devices); a
  // MAC on two devices (a shared USB Ethernet adapter) says nothing about either; an unknown one is
  // kept in unknown_macs.
  Status record(const std::string& mac, const MacSighting& seen);
  // Drops unknown MACs last seen before `expired_before`, then the least recently seen beyond `limit`.
  void pruneUnknown(const std::string& expired_before, std::int64_t limit);

 private:
  SQLite::Database& db_;
  std::string source_;
  SQLite::Statement owner_, presence_, device_seen_, unknown_, forget_;
};

}  // namespace fk
