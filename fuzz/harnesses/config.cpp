// The YAML configuration file (fleetkeepd.yaml), loaded and validated as the daemon does at start and
// on reload. loadConfig reads a path, so the input goes into an anonymous memory file.
#include <sys/mman.h>
#include <unistd.h>

#include "core/config.hpp"
#include "../harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const int fd = memfd_create("fleetkeepd.yaml", MFD_CLOEXEC);
  if (fd < 0) return 0;
  std::size_t written = 0;
  while (written < size) {
    const ssize_t n = write(fd, data + written, size - written);
    if (n <= 0) break;
    written += static_cast<std::size_t>(n);
  }
  // Every source plugin known, with no key checks of its own: the daemon's own keys are what is fuzzed.
  fk::PluginChecks plugins;
  for (const char* name : {"csv_import", "dhcp_leases", "google_admin", "intune", "network_neighbors", "snipeit"})
    plugins.emplace(name, [](const YAML::Node&) { return std::vector<fk::api::ConfigIssue>{}; });
  (void)fk::loadConfig("/proc/self/fd/" + std::to_string(fd), plugins, {"google_admin"});
  close(fd);
  return 0;
}
