#pragma once

// Reading a OneRoster bundle's files from a folder or a .zip (libzip).

#include <filesystem>
#include <string>

#include "oneroster/parse.hpp"

namespace fk::oneroster {

struct BundleFiles {
  Files files;
  std::string error;  // set: the bundle could not be read (missing, unreadable, a damaged zip)
};

// The files parseBundle() reads, from `path`: a folder, or a zip whose entries may sit in a folder of
// their own (names are matched without their directory and case). Every entry is read whole and its
// checksum checked, so a truncated or damaged zip is an error, never a shorter roster.
BundleFiles readBundle(const std::filesystem::path& path);

}  // namespace fk::oneroster
