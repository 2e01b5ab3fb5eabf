#pragma once

// Audits (stocktakes): what a scan means and what closing one does. Pure: the store gathers the facts
// inside its transaction and applies the decisions.

#include <optional>
#include <string>
#include <string_view>

#include "core/device.hpp"
#include "core/error.hpp"

namespace fk {

// What a scan turned out to be. `repeat` is never stored: a second scan of the same code changes nothing.
enum class ScanResult { found, misplaced, unexpected, unknown, repeat };

std::string_view toString(ScanResult r);
std::optional<ScanResult> parseScanResult(std::string_view text);

// What the audit report counts. seen_by_source is a subset of missing: a reason to look, not presence.
inline constexpr std::string_view kAuditStates[] = {"expected", "found",   "misplaced",     "unexpected",
                                                    "missing",  "unknown", "seen_by_source"};

// Devices an audit expects and may mark lost: in stock, deployed or on the bench. on_order, lost,
// stolen, retired and disposed devices should not be on a shelf.
bool inService(DeviceStatus s);

// Whether `location` lies within the place `prefix` names. A prefix is a place, not a string
// fragment: "Cart 3" holds "Cart 3" and "Cart 3 / Slot 4" but not "Cart 30". Exact case.
bool locationWithin(std::string_view location, std::string_view prefix);

// The smallest string greater than every string starting with `prefix`, for an index range scan
// (location >= prefix AND location < upper); locationWithin() then trims the range.
std::string prefixUpperBound(std::string_view prefix);

// What the store knows about a scanned code when it classifies it.
struct ScanFacts {
  bool known = false;            // the code names a device (asset tag, else serial)
  bool already_scanned = false;  // this audit already recorded this device (or this unknown code)
  bool expected = false;         // the device is in the audit's snapshot
  DeviceStatus status = DeviceStatus::in_stock;  // its status now
};

ScanResult classifyScan(const ScanFacts& facts);

// A scanned device whose status says it was lost or stolen: the desk highlights it.
bool isLostFound(DeviceStatus s);

// A scanned code, trimmed of the spaces and line ends scanners add; 400 naming `code` when empty,
// too long or containing control characters.
Result<std::string> normaliseScanCode(std::string_view text);

// An audit's or a collection's name: 1..200 characters, one line.
std::optional<FieldError> checkCampaignName(const std::string& text, const std::string& field);

enum class MissingTo { none, lost };
std::string_view toString(MissingTo m);
std::optional<MissingTo> parseMissingTo(std::string_view text);

struct CloseOptions {
  bool move_misplaced = false;
  MissingTo missing_to = MissingTo::none;
};

// Close: a misplaced device moves to the audited place unless it is already there (moved since the
// scan). nullopt = move it; otherwise why not.
std::optional<std::string> whyNotMove(std::string_view current_location, std::string_view audit_location);

// Close with missing_to: lost: a missing device is marked lost unless the lifecycle forbids it (a
// device on the bench), it is no longer in service, or it was moved out of the audited place after the
// audit started (someone knows where it is). nullopt = mark it lost; otherwise why not.
std::optional<std::string> whyNotMarkLost(DeviceStatus current, std::string_view current_location,
                                          std::string_view audit_location);

}  // namespace fk
