#include "core/audit.hpp"

#include <cctype>

#include "core/lifecycle.hpp"

namespace fk {

namespace {
constexpr std::size_t kMaxCode = 128;
constexpr std::size_t kMaxName = 200;

bool isPlaceChar(unsigned char c) { return std::isalnum(c) || c >= 0x80; }
}  // namespace

std::string_view toString(ScanResult r) {
  switch (r) {
    case ScanResult::found: return "found";
    case ScanResult::misplaced: return "misplaced";
    case ScanResult::unexpected: return "unexpected";
    case ScanResult::unknown: return "unknown";
    case ScanResult::repeat: return "repeat";
  }
  return "unknown";
}

std::optional<ScanResult> parseScanResult(std::string_view text) {
  for (auto r : {ScanResult::found, ScanResult::misplaced, ScanResult::unexpected, ScanResult::unknown,
                 ScanResult::repeat}) {
    if (toString(r) == text) return r;
  }
  return std::nullopt;
}

bool inService(DeviceStatus s) {
  return s == DeviceStatus::in_stock || s == DeviceStatus::deployed || s == DeviceStatus::in_repair;
}

bool locationWithin(std::string_view location, std::string_view prefix) {
  if (prefix.empty()) return true;
  if (!location.starts_with(prefix)) return false;
  if (location.size() == prefix.size()) return true;
  // The prefix ends a name only when the character on either side of the cut is not part of a word:
  // "Maple / " and "Maple" both hold "Maple / Room 4"; "Cart 3" does not hold "Cart 30".
  const auto last = static_cast<unsigned char>(prefix.back());
  const auto next = static_cast<unsigned char>(location[prefix.size()]);
  return !isPlaceChar(last) || !isPlaceChar(next);
}

std::string prefixUpperBound(std::string_view prefix) {
  // Stored text is valid UTF-8, whose bytes never exceed 0xF4: prefix + 0xF5 sorts after all of them.
  std::string upper(prefix);
  upper.push_back(static_cast<char>(0xF5));
  return upper;
}

ScanResult classifyScan(const ScanFacts& f) {
  if (f.already_scanned) return ScanResult::repeat;
  if (!f.known) return ScanResult::unknown;
  // The snapshot decides: an expected device is found even if its status changed since the start.
  if (f.expected) return ScanResult::found;
  if (!inService(f.status)) return ScanResult::unexpected;
  return ScanResult::misplaced;
}

bool isLostFound(DeviceStatus s) { return s == DeviceStatus::lost || s == DeviceStatus::stolen; }

Result<std::string> normaliseScanCode(std::string_view text) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  if (text.empty()) return std::unexpected(Error::invalid("code", "code must not be empty"));
  if (text.size() > kMaxCode) {
    return std::unexpected(
        Error::invalid("code", "code is longer than " + std::to_string(kMaxCode) + " characters"));
  }
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return std::unexpected(Error::invalid("code", "code contains a control character"));
  }
  return std::string(text);
}

std::optional<FieldError> checkCampaignName(const std::string& text, const std::string& field) {
  if (text.empty()) return FieldError{0, field, "must not be empty"};
  if (text.size() > kMaxName) return FieldError{0, field, "is longer than 200 characters"};
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return FieldError{0, field, "must be one line"};
  }
  return std::nullopt;
}

std::string_view toString(MissingTo m) { return m == MissingTo::lost ? "lost" : "none"; }

std::optional<MissingTo> parseMissingTo(std::string_view text) {
  if (text == "none") return MissingTo::none;
  if (text == "lost") return MissingTo::lost;
  return std::nullopt;
}

std::optional<std::string> whyNotMove(std::string_view current_location, std::string_view audit_location) {
  if (locationWithin(current_location, audit_location)) return "already within the audited place";
  return std::nullopt;
}

std::optional<std::string> whyNotMarkLost(DeviceStatus current, std::string_view current_location,
                                          std::string_view audit_location) {
  if (isLostFound(current)) return "already " + std::string(toString(current));
  if (!inService(current)) return "no longer in service (" + std::string(toString(current)) + ")";
  if (!canMove(current, DeviceStatus::lost))
    return "the lifecycle does not allow " + std::string(toString(current)) + " -> lost";
  if (!locationWithin(current_location, audit_location))
    return "moved out of the audited place since the audit started";
  return std::nullopt;
}

}  // namespace fk
