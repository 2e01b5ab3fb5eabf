#pragma once

#include "http/api.hpp"
#include "http/router.hpp"

namespace fk {

// Each API area registers its own routes; registerRoutes() (api_routes.cpp) calls all of them after the
// unauthenticated /healthz, /readyz and /metrics.
void registerDeviceRoutes(Router& router, ApiContext& ctx);  // api_devices.cpp
void registerModelRoutes(Router& router, ApiContext& ctx);   // api_models.cpp
void registerReportRoutes(Router& router, ApiContext& ctx);  // api_reports.cpp
void registerPeopleRoutes(Router& router, ApiContext& ctx);     // api_people.cpp
void registerCheckoutRoutes(Router& router, ApiContext& ctx);   // api_checkouts.cpp
void registerWorkOrderRoutes(Router& router, ApiContext& ctx);  // api_work_orders.cpp
void registerPlanningRoutes(Router& router, ApiContext& ctx);   // api_planning.cpp
void registerSourceRoutes(Router& router, ApiContext& ctx);     // api_sources.cpp
void registerNetworkRoutes(Router& router, ApiContext& ctx);    // api_network.cpp
void registerNotificationRoutes(Router& router, ApiContext& ctx);  // api_notifications.cpp
void registerAuthRoutes(Router& router, ApiContext& ctx);       // api_auth.cpp: /auth/login, logout, me
void registerAuditRoutes(Router& router, ApiContext& ctx);      // api_audits.cpp
void registerCollectionRoutes(Router& router, ApiContext& ctx); // api_collections.cpp
void registerFeeRoutes(Router& router, ApiContext& ctx);        // api_fees.cpp
void registerOidcRoutes(Router& router, ApiContext& ctx);       // api_oidc.cpp: /auth/oidc/start, callback

}  // namespace fk
