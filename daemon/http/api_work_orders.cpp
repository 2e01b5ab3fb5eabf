#include "http/api_routes.hpp"

namespace fk {

// PLACEHOLDER: routes not written yet.
void registerWorkOrderRoutes(Router&, ApiContext&) {}

}  // namespace fk
