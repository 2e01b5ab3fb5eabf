#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "api/source.hpp"

namespace fk::plugins {

// plugin: intune — Windows (and other) devices from Microsoft Graph deviceManagement/managedDevices.
std::unique_ptr<api::SourceFactory> makeIntuneFactory();

}  // namespace fk::plugins

namespace fk::intune {

struct Settings {
  std::string tenant_id;
  std::string client_id;
  std::string client_secret_file;
  std::string graph_base_url = "https://graph.microsoft.com";
  std::string token_url;  // "" = https://login.microsoftonline.com/{tenant_id}/oauth2/v2.0/token
  std::string filter;     // optional OData $filter, e.g. operatingSystem eq 'Windows'
  std::string tokenUrl() const;
  std::string firstPageUrl() const;
};

// How long the source may wait inside one poll for Graph to lift a throttle; a longer Retry-After ends
// the poll (rate_limited) and hands the wait to the core's scheduler.
struct Pacing {
  std::chrono::seconds max_wait{30};
  int max_retries = 3;
  // Sleeps up to `d`, returning early (false) when the poll is cancelled. Tests replace it.
  std::function<bool(std::chrono::seconds d, const std::function<bool()>& cancelled)> sleep;
};

// For tests: a source with an injected sleep.
std::unique_ptr<api::Source> makeSource(Settings settings, Pacing pacing);

}  // namespace fk::intune
