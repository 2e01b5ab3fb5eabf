#pragma once

#include <memory>
#include <vector>

#include "api/source.hpp"
#include "core/config.hpp"

namespace fk {

// Each built-in plugin's factory, defined in plugins/<name>/<name>.cpp (library fleetkeep_plugin_<name>).
namespace plugins {
std::unique_ptr<api::SourceFactory> makeCsvImportFactory();
std::unique_ptr<api::SourceFactory> makeGoogleAdminFactory();
std::unique_ptr<api::SourceFactory> makeNetworkNeighborsFactory();
std::unique_ptr<api::SourceFactory> makeDhcpLeasesFactory();
std::unique_ptr<api::SourceFactory> makeIntuneFactory();
std::unique_ptr<api::SourceFactory> makeSnipeItFactory();
std::unique_ptr<api::SourceFactory> makeOneRosterFactory();
}  // namespace plugins

using SourceFactories = std::vector<std::unique_ptr<api::SourceFactory>>;

// The plugins this fleetkeepd knows, in one visible list (builtin.cpp). Duplicate names are a
// programming error and abort at start, before any config is read.
const SourceFactories& builtinFactories();

// What config validation needs of `factories`: each plugin's name and its key check. Core knows no
// plugin itself; the daemon and --check-config pass this in.
PluginChecks pluginChecks(const SourceFactories& factories);

// The plugins that accept a `write_back:` block.
WriteBackPlugins writeBackPlugins(const SourceFactories& factories);
// The plugins whose records carry devices' check-ins (staleness is measured against their sources).
CheckInPlugins checkInPlugins(const SourceFactories& factories);

const api::SourceFactory* findFactory(const SourceFactories& factories, std::string_view plugin);

}  // namespace fk
