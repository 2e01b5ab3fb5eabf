#pragma once

// Reconciliation decisions: which registry device a source's record is, and which of its fields to
// change. Pure: store/reconcile_store loads the registry's keys and the histories it needs, calls these,
// and writes the outcome in one transaction per poll.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "api/source.hpp"
#include "core/device.hpp"
#include "core/error.hpp"

namespace fk::reconcile {

// A managed observation in registry terms. Field values that do not validate are dropped into
// `problems`; the rest are canonical text, the same text fieldText() gives for the same value.
struct Record {
  std::string source_id;
  std::string origin;
  std::map<std::string, std::string> fields;  // non-empty values of assertable fields (and "status")
  std::vector<std::string> macs;              // normalised, sorted, unique
  std::map<std::string, std::string> extra;
  std::string last_sync;    // RFC 3339, "" = unknown
  std::string observed_at;  // RFC 3339, "" = the poll's time
  // Of everything the source said (not origin): the same hash as last poll means nothing new.
  std::uint64_t hash = 0;
  std::vector<FieldError> problems;  // field and why it was dropped
};
Record readObservation(const api::Observation& o);
Record readObservation(api::Observation&& o);  // the same, taking the observation's strings

// The registry fields a source may assert on an existing device ("macs" included; "status" is used
// only when a device is created).
const std::vector<std::string_view>& assertableFields();
// A device's value of `field` as canonical text; "" when unset. "macs" joins them with ';'.
std::string fieldText(const Device& d, std::string_view field);
// A draft setting exactly `fields` (canonical text, as readObservation leaves it).
DeviceDraft draftOf(const std::map<std::string, std::string>& fields);

struct DeviceKeys {
  std::string serial;
  std::string asset_tag;
  std::int64_t version = 0;
  DeviceStatus status = DeviceStatus::in_stock;
  bool operator==(const DeviceKeys&) const = default;
};

// This source's bookkeeping for a device it saw before (device_seen).
struct SeenRow {
  std::string source_id;
  std::uint64_t hash = 0;
  std::int64_t device_version = 0;  // the device's version when the source last reconciled it
  bool in_last_poll = false;
  bool operator==(const SeenRow&) const = default;
};

// The registry's keys, loaded once per poll or kept from the source's previous one.
struct Index {
  std::unordered_map<std::int64_t, DeviceKeys> devices;
  std::unordered_map<std::string, std::int64_t> by_serial;
  std::unordered_map<std::string, std::int64_t> by_tag;
  std::unordered_map<std::string, std::vector<std::int64_t>> by_mac;
  std::unordered_map<std::string, std::int64_t> by_source_id;  // this source's ids
  std::unordered_map<std::int64_t, SeenRow> seen;              // this source's rows, by device
};

struct Match {
  enum class By { none, source_id, serial, asset_tag, mac } by = By::none;
  std::int64_t device_id = 0;
  std::string conflict;  // set when the record's keys point at different devices: it is skipped
};
std::string_view toString(Match::By by);

// Source id, then serial, then asset tag, then MAC. A tag or MAC match is taken only when it does not
// contradict the serial (the device has none, or the same), and a MAC only when one device has it: a
// shared USB Ethernet adapter must not merge two laptops.
Match match(const Index& index, const Record& record);

struct Policy {
  bool create_unknown = true;     // on_unknown: create (or flag)
  bool overwrite_manual = false;  // the source wins even over a person's newer edit
};

enum class Action {
  unchanged,  // matched, and neither the source's record nor the device changed since last poll
  review,     // matched: compare fields (decide())
  create,     // unknown: create it
  flag,       // unknown: list it for a person (on_unknown: flag, or nothing to create it by)
  conflict,   // keys point at different devices, or at a device another record already claimed
  duplicate,  // its serial or source id appears on another record of this poll: neither is applied
};

struct Step {
  std::size_t record = 0;
  Action action = Action::unchanged;
  Match match;
  std::string message;  // conflict and flag: why
};

struct Duplicate {
  std::string key;                   // "serial 5CD1234" or "source id abc"
  std::vector<std::string> origins;  // where each record came from
};

struct Plan {
  std::vector<Step> steps;  // one per record, in record order
  std::vector<Duplicate> duplicates;
};

Plan plan(const Index& index, const std::vector<Record>& records, const Policy& policy);

// What this source asserted about a field last time, and since when (RFC 3339).
struct Assertion {
  std::string value;
  std::string since;
};
using Asserted = std::map<std::string, Assertion>;

// The latest change of each field, by anyone, from the device's history.
struct LastSet {
  std::string at;     // RFC 3339
  std::string actor;  // "token:NAME", "source:NAME", "system"
};
using History = std::map<std::string, LastSet>;

// A field the source wanted to change but a newer edit by someone else kept.
struct Kept {
  std::string field;
  std::string registry_value;
  std::string source_value;
  LastSet set;
};

struct Decision {
  DeviceDraft draft;  // the changes to make; applyDraft() onto the device
  bool changes = false;
  std::vector<Kept> kept;
  std::vector<FieldError> refused;  // a serial or asset tag another device holds
  Asserted asserted;                // to remember for the next poll
};

// Per field the record asserts: equal → nothing; otherwise the source's value wins unless someone
// other than this source (`actor`) set the field after the source began asserting that value (its
// `since`: kept from `prior` while the value is unchanged, else the record's observed_at, else
// `poll_time`), or overwrite_manual says the source always wins. MACs are only ever added.
Decision decide(const Device& device, const Record& record, const Asserted& prior, const History& history,
                const Index& index, const Policy& policy, const std::string& actor,
                const std::string& poll_time);

// What a newly created device's source asserted, for its first device_seen row.
Asserted assertedAtCreation(const Record& record, const std::string& poll_time);

}  // namespace fk::reconcile
