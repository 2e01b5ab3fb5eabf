#pragma once

#include <memory>
#include <string>

#include "api/source.hpp"
#include "snipeit/pacing.hpp"

namespace fk::plugins {

// plugin: snipeit — assets from a running Snipe-IT's /api/v1/hardware, as managed observations.
std::unique_ptr<api::SourceFactory> makeSnipeItFactory();

}  // namespace fk::plugins

namespace fk::snipeit {

struct Settings {
  std::string base_url;        // "https://assets.example.org", without /api/v1
  std::string api_token_file;  // a personal access token; must not be readable by group or others
  int page_size = 500;         // Snipe-IT's MAX_RESULTS default, also its largest page
};

// For tests: a source with injected pacing (sleep, rate).
std::unique_ptr<api::Source> makeSource(Settings settings, Pacing pacing);

}  // namespace fk::snipeit
