#pragma once

// csv_import: an inventory CSV file as a source (see README.md).

#include <memory>

#include "api/source.hpp"
#include "core/device_csv.hpp"

namespace fk::csv_import {

std::unique_ptr<api::SourceFactory> makeFactory();

// One parsed row as the observation the source emits; `file_time` is the file's mtime, so a person's
// edit made after the file was written is not overwritten by it.
api::Observation toObservation(const ImportRow& row, api::TimePoint file_time);

}  // namespace fk::csv_import
