#include "http/api_routes.hpp"

namespace fk {

// PLACEHOLDER: routes not written yet.
void registerPeopleRoutes(Router&, ApiContext&) {}

}  // namespace fk
