#include "sources/builtin.hpp"

#include <cstdlib>
#include <iostream>
#include <set>

namespace fk {
namespace {

SourceFactories makeAll() {
  SourceFactories all;
  all.push_back(plugins::makeCsvImportFactory());
  all.push_back(plugins::makeGoogleAdminFactory());
  all.push_back(plugins::makeNetworkNeighborsFactory());
  all.push_back(plugins::makeDhcpLeasesFactory());
  all.push_back(plugins::makeIntuneFactory());
  all.push_back(plugins::makeSnipeItFactory());
  all.push_back(plugins::makeOneRosterFactory());
  return all;
}

}  // namespace

const SourceFactories& builtinFactories() {
  static const SourceFactories all = [] {
    SourceFactories list = makeAll();
    std::set<std::string> names;
    for (const auto& f : list) {
      if (!names.insert(f->name()).second) {
        std::cerr << "fleetkeepd: two built-in source plugins are named \"" << f->name() << "\"\n";
        std::abort();
      }
    }
    return list;
  }();
  return all;
}

PluginChecks pluginChecks(const SourceFactories& factories) {
  PluginChecks checks;
  for (const auto& f : factories) {
    const api::SourceFactory* factory = f.get();
    checks.emplace(factory->name(), [factory](const YAML::Node& entry) { return factory->validate(entry); });
  }
  return checks;
}

WriteBackPlugins writeBackPlugins(const SourceFactories& factories) {
  WriteBackPlugins out;
  for (const auto& f : factories)
    if (f->writesBack()) out.insert(f->name());
  return out;
}

CheckInPlugins checkInPlugins(const SourceFactories& factories) {
  CheckInPlugins out;
  for (const auto& f : factories)
    if (f->reportsCheckIns()) out.insert(f->name());
  return out;
}

const api::SourceFactory* findFactory(const SourceFactories& factories, std::string_view plugin) {
  for (const auto& f : factories)
    if (f->name() == plugin) return f.get();
  return nullptr;
}

}  // namespace fk
