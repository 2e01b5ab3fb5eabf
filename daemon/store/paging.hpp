#pragma once

// How far one page of a store's list may reach: one bound for every list the API pages through.

#include <string>

#include "core/error.hpp"

namespace fk {

inline constexpr int kMaxPageRows = 1000;

inline Status checkPageLimit(int limit) {
  if (limit < 1 || limit > kMaxPageRows)
    return std::unexpected(Error::invalid("limit", "limit must be between 1 and " + std::to_string(kMaxPageRows)));
  return {};
}

}  // namespace fk
