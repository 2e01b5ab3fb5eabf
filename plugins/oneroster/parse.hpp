#pragma once

// OneRoster 1.1 / 1.2 CSV bundles to person observations. Pure: the files come in as text, so tests
// and the fuzz harness need neither a folder nor a zip. Kept free of std::expected (clang's fuzz build
// cannot compile it).

#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "api/source.hpp"

namespace fk::oneroster {

// The bundle's files fleetkeep reads, by file name ("users.csv"); a file the bundle lacks is absent.
using Files = std::map<std::string, std::string>;

// The files read from a bundle: everything else in it (classes, enrollments, demographics...) is left
// unread.
inline const std::vector<std::string>& filesRead() {
  static const std::vector<std::string> names{"manifest.csv", "users.csv", "orgs.csv", "roles.csv"};
  return names;
}

struct Roster {
  std::string error;  // set: the bundle as a whole is unusable and the poll fails with this message
  std::string version;  // manifest's oneroster.version
  // users.csv is `bulk`: everyone on the roster is listed, so people missing from it have left.
  bool complete = false;
  // The manifest says users.csv is `absent`: the bundle carries no changes to people.
  bool no_changes = false;
  std::vector<api::PersonObservation> people;
  std::vector<std::pair<std::string, std::string>> skipped;  // origin, reason: rows left out
};

Roster parseBundle(const Files& files);

}  // namespace fk::oneroster
