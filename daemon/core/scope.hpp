#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace fk {

// The part of the district a user or token may see and change: devices and people whose `location`
// lies under one of the prefixes. No prefix = the whole district.
//
// A prefix names a place, not a string head: "Elm Valley Middle" covers "Elm Valley Middle" itself and
// what lies under it ("Elm Valley Middle / Room 12", "Elm Valley Middle/Cart 3"), never
// "Elm Valley Middle School East", which is another building that merely shares the first words. The
// sample inventory and the districts' exports write a room as "BUILDING / ROOM", so the boundary is
// the end of the text or a '/' (with or without a space before it).
struct Scope {
  std::vector<std::string> prefixes;  // normalised (see normalizeScopePrefix)

  bool districtWide() const { return prefixes.empty(); }
  bool contains(std::string_view location) const;
};

// Trims spaces and trailing '/'; refuses an empty prefix (it would mean "everything", which is spelled
// by giving no scope at all) and one longer than 200 characters.
Result<std::string> normalizeScopePrefix(std::string_view prefix);

// The scope as stored and shown: a JSON array of prefixes.
std::string scopeToJson(const Scope& scope);
Scope scopeFromJson(std::string_view text);  // unreadable text = no prefixes stored = district-wide

}  // namespace fk
