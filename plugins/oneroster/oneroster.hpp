#pragma once

#include <memory>

#include "api/source.hpp"

namespace fk::plugins {

// plugin: oneroster — people from a OneRoster 1.1/1.2 CSV bundle (a folder or a .zip), as person
// observations.
std::unique_ptr<api::SourceFactory> makeOneRosterFactory();

}  // namespace fk::plugins
