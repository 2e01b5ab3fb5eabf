#include "http/api.hpp"
#include "http/api_routes.hpp"

namespace fk {

void registerRoutes(Router& router, ApiContext& ctx) {
  // Probes and scrapes read only memory; on the I/O thread they never queue behind the worker pool.
  const RouteOptions probe{.min_role = std::nullopt, .on_io_thread = true};

  router.add("GET", "/healthz", probe, [](Request&) { return jsonResponse(200, {{"status", "ok"}}); });

  router.add("GET", "/readyz", probe, [&ctx](Request&) {
    if (ctx.ready && ctx.ready()) return jsonResponse(200, {{"status", "ok"}});
    return jsonResponse(503, {{"status", "unavailable"}});
  });

  router.add("GET", "/metrics", probe, [&ctx](Request&) {
    Response r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = ctx.render_metrics ? ctx.render_metrics() : std::string();
    return r;
  });

  registerDeviceRoutes(router, ctx);
  registerModelRoutes(router, ctx);
  registerReportRoutes(router, ctx);
  registerPeopleRoutes(router, ctx);
  registerCheckoutRoutes(router, ctx);
  registerWorkOrderRoutes(router, ctx);
  registerPlanningRoutes(router, ctx);
  registerSourceRoutes(router, ctx);
  registerNetworkRoutes(router, ctx);
  registerNotificationRoutes(router, ctx);
  registerAuthRoutes(router, ctx);
  registerAuditRoutes(router, ctx);
  registerCollectionRoutes(router, ctx);
  registerFeeRoutes(router, ctx);
  registerOidcRoutes(router, ctx);
}

}  // namespace fk
