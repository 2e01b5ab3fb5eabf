#pragma once

#include <functional>
#include <memory>

#include "core/config.hpp"
#include "core/source_status.hpp"
#include "http/router.hpp"
#include "store/database.hpp"

namespace fk {

class FleetMetrics;
class NotifyService;
class SessionStore;
class LoginThrottle;
class OidcClient;

// What the API handlers need; owned by the daemon, outliving the server.
struct ApiContext {
  Database& db;
  // The config in force; replaced on SIGHUP, so handlers read it per request.
  std::function<std::shared_ptr<const Config>()> config;
  // Renders the Prometheus text exposition for /metrics.
  std::function<std::string()> render_metrics;
  // True once the database is open and migrated (for /readyz).
  std::function<bool()> ready;
  // The running sources (sources/source_service); null when the daemon runs none (tests).
  SourceControl* sources = nullptr;
  // The notification planner and sender (notify/notify_service); null when not running (tests).
  NotifyService* notify = nullptr;
  // Browser sign-in (api_auth.cpp); null = /auth/login refuses (tests that need no sessions).
  SessionStore* sessions = nullptr;
  LoginThrottle* login_throttle = nullptr;
  // OpenID Connect sign-in (api_oidc.cpp); null = not offered.
  OidcClient* oidc = nullptr;
};

// Registers /healthz, /readyz, /metrics and every /api/v1 route into `router`.
void registerRoutes(Router& router, ApiContext& ctx);

}  // namespace fk
