#include "http/api_routes.hpp"

namespace fk {

// PLACEHOLDER: routes not written yet.
void registerCheckoutRoutes(Router&, ApiContext&) {}

}  // namespace fk
