#pragma once

// Delivering write-back changes to the Directory API: one PATCH per device for the annotations,
// batchChangeStatus for disable/reenable, moveDevicesToOu per org unit (see README.md).

#include <vector>

#include "api/write_back.hpp"
#include "google_admin.hpp"
#include "session.hpp"

namespace fk::google_admin {

// Google's limit on deviceIds per batchChangeStatus or moveDevicesToOu call.
inline constexpr std::size_t kMaxIdsPerCall = 50;

api::WriteBackResult applyChanges(api::PollContext& context, Session& session, const Settings& settings,
                                  const std::vector<api::WriteBackChange>& changes);

}  // namespace fk::google_admin
