#pragma once

#include <expected>
#include <filesystem>
#include <string>

namespace fk::dhcp_leases {

struct FileSnapshot {
  std::string text;
  std::string fingerprint;  // device, inode, size and modification time: changes whenever the file does
};

// Reads the whole file once and checks it did not change meanwhile (same inode at the path, same size
// and mtime before and after); a file caught mid-rewrite is read again, up to `attempts` times.
std::expected<FileSnapshot, std::string> readStable(const std::filesystem::path& path, int attempts = 5);

}  // namespace fk::dhcp_leases
