#include "http/api_routes.hpp"

namespace fk {

// PLACEHOLDER: routes not written yet.
void registerSourceRoutes(Router&, ApiContext&) {}

}  // namespace fk
