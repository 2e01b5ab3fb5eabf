#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/device.hpp"

namespace fk {

// One entry of the model catalog: what a model costs to replace and how long it lasts.
struct CatalogModel {
  std::string model;
  DeviceKind kind = DeviceKind::other;
  std::optional<std::int64_t> unit_cost_cents;
  std::optional<int> life_years;
  std::string aue_date;  // "" = unknown
  std::string updated_at;
};

}  // namespace fk
