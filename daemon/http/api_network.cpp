// Network routes: MACs seen on the LAN that match no device in the registry.
#include "core/values.hpp"
#include "http/api_helpers.hpp"
#include "http/api_routes.hpp"
#include "http/json_values.hpp"
#include "store/network_store.hpp"

namespace fk {

using nlohmann::json;

namespace {

Response listUnknown(ApiContext& ctx, Request& req) {
  for (const auto& [key, value] : req.query) {
    if (key != "limit" && key != "cursor")
      return errorResponse(Error::invalid(key, "unknown query parameter \"" + key + "\""));
  }
  int limit = 100;
  if (auto st = readLimit(req, limit); !st) return errorResponse(st.error());
  std::string after;
  if (auto c = req.queryValue("cursor"); c && !c->empty()) {
    auto mac = normaliseMac(*c);
    if (!mac || *mac != *c)
      return errorResponse(Error::invalid("cursor", "cursor is not one this server handed out"));
    after = *mac;
  }
  // Entries past their TTL are hidden even before the next network poll prunes them.
  const auto ttl = ctx.config()->network.unknown_mac_ttl;
  auto page =
      NetworkStore(ctx.db).unknownMacs(formatInstant(std::chrono::system_clock::now() - ttl), after, limit);
  if (!page) return errorResponse(page.error());
  json items = json::array();
  for (const auto& m : page->items) {
    items.push_back({{"mac", m.mac},
                     {"first_seen", m.first_seen},
                     {"last_seen", m.last_seen},
                     {"source", m.source},
                     {"ip", textOrNull(m.ip)},
                     {"interface", textOrNull(m.interface)},
                     {"hostname", textOrNull(m.hostname)}});
  }
  return jsonResponse(200, {{"items", std::move(items)},
                            {"total", page->total},
                            {"next_cursor", page->next_after ? json(*page->next_after) : json(nullptr)}});
}

}  // namespace

void registerNetworkRoutes(Router& router, ApiContext& ctx) {
  router.add("GET", "/api/v1/network/unknown", RouteOptions{.min_role = Role::viewer, .district_only = true},
             [&ctx](Request& req) { return listUnknown(ctx, req); });
}

}  // namespace fk
