#pragma once

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

// For tests: a source polled through a test's PollContext.
std::unique_ptr<api::Source> makeSource(Settings settings);

}  // namespace fk::intune
