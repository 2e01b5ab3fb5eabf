#include "http/api_routes.hpp"

namespace fk {

// PLACEHOLDER: routes not written yet.
void registerPlanningRoutes(Router&, ApiContext&) {}

}  // namespace fk
