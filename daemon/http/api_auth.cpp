// Browser sign-in: POST /auth/login, POST /auth/logout, GET /auth/me. OpenID Connect is api_oidc.cpp.
#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include "core/session_rules.hpp"
#include "core/time_zone.hpp"
#include "http/api_helpers.hpp"
#include "http/api_routes.hpp"
#include "http/browser.hpp"
#include "store/session_store.hpp"
#include "store/user_store.hpp"

namespace fk {

using nlohmann::json;

namespace {

// One message for a wrong name and a wrong password, so the answer does not tell which names exist.
constexpr const char* kBadLogin = "wrong name or password";

json principalJson(const Principal& p) {
  json j{{"name", p.name}, {"role", toString(p.role)}, {"scopes", p.scope.prefixes},
         {"kind", p.kind == Principal::Kind::user ? "user" : "token"}};
  if (p.kind == Principal::Kind::user) j["csrf"] = csrfTokenFor(p.session_id);
  return j;
}

Response crossOrigin() {
  return jsonResponse(403, {{"error",
                             {{"code", "csrf"},
                              {"message", "sign-in must come from this site's own pages"},
                              {"details", json::object()}}}});
}

Response login(ApiContext& ctx, Request& req) {
  if (!ctx.sessions || !ctx.login_throttle) return errorResponse(Error::internal("sign-in is not set up"));
  // Login CSRF: another site must not sign a browser in as someone else.
  if (!sameOrigin(req)) return crossOrigin();
  json body = json::parse(req.body, nullptr, false);
  if (!body.is_object()) return errorResponse(Error::invalid("body", "expected a JSON object {\"name\", \"password\"}"));
  for (const char* key : {"name", "password"}) {
    auto it = body.find(key);
    if (it == body.end() || !it->is_string() || it->get_ref<const std::string&>().empty())
      return errorResponse(Error::invalid(key, std::string(key) + " is required (text)"));
  }
  const std::string name = body["name"].get<std::string>();
  const std::string address = req.client_address.empty() ? "-" : req.client_address;
  auto& throttle = *ctx.login_throttle;
  const auto now = std::chrono::system_clock::now();
  if (auto wait = throttle.blocked(name, address, now)) {
    Response r = errorResponse(Error{Errc::too_many_requests, "too many failed sign-ins; try again later",
                                     {{"retry_after_seconds", wait->count()}}});
    r.headers.emplace_back("Retry-After", std::to_string(wait->count()));
    spdlog::warn("sign-in throttled for \"{}\" from {}", name, address);
    return r;
  }
  std::string password = body["password"].get<std::string>();
  auto user = UserStore(ctx.db).checkPassword(name, password);
  OPENSSL_cleanse(password.data(), password.size());
  auto& field = body["password"].get_ref<std::string&>();
  OPENSSL_cleanse(field.data(), field.size());
  if (!user) {
    throttle.failed(name, address, now);
    spdlog::info("sign-in failed for \"{}\" from {}", name, address);
    return errorResponse(Error{Errc::unauthorized, kBadLogin, {}});
  }
  throttle.succeeded(name);
  auto session = ctx.sessions->start(user->id);
  if (!session) return errorResponse(session.error());
  spdlog::info("user {} signed in from {}", user->name, address);
  Principal p{Principal::Kind::user, user->name, user->role, user->scope, session->id};
  Response r = jsonResponse(200, principalJson(p));
  r.headers.emplace_back("Set-Cookie", sessionSetCookie(session->id, ctx.config()->web.cookie_secure));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response logout(ApiContext& ctx, Request& req) {
  if (req.principal && req.principal->kind == Principal::Kind::user && ctx.sessions) {
    ctx.sessions->end(req.principal->session_id);
    spdlog::info("user {} signed out", req.principal->name);
  }
  Response r;
  r.status = 204;
  r.content_type.clear();
  r.headers.emplace_back("Set-Cookie", sessionClearCookie(ctx.config()->web.cookie_secure));
  return r;
}

Response me(ApiContext&, Request& req) {
  Response r = jsonResponse(200, principalJson(*req.principal));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

// What the sign-in page and the desk need before anyone signs in: whether to offer the OpenID Connect
// button, and the district's time zone for the times they show. Nothing secret: both are visible to
// anyone who loads the sign-in page anyway.
Response options(ApiContext& ctx, Request&) {
  const auto config = ctx.config();
  const std::string zone = config->timezone.empty() ? TimeZone::machine().name() : config->timezone;
  Response r = jsonResponse(200, {{"oidc", config->web.oidc.has_value()}, {"timezone", zone}});
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

}  // namespace

void registerAuthRoutes(Router& router, ApiContext& ctx) {
  router.add("POST", "/auth/login", RouteOptions{.min_role = std::nullopt, .body = RouteOptions::Body::json},
             bindHandler(ctx, login));
  router.add("POST", "/auth/logout", RouteOptions{.min_role = Role::viewer, .body = RouteOptions::Body::none},
             bindHandler(ctx, logout));
  router.add("GET", "/auth/me", kReadRoute, bindHandler(ctx, me));
  router.add("GET", "/auth/options", RouteOptions{.min_role = std::nullopt, .body = RouteOptions::Body::none},
             bindHandler(ctx, options));
}

}  // namespace fk
