// Sign-in with the district's Google Workspace or any OpenID Connect provider: GET /auth/oidc/start
// sends the browser to the provider, GET /auth/oidc/callback brings it back with a code, which
// http/oidc_client.cpp turns into a checked ID token. The user is the fleetkeep user with that email.
#include <spdlog/spdlog.h>

#include "http/api_helpers.hpp"
#include "http/api_routes.hpp"
#include "http/browser.hpp"
#include "http/oidc_client.hpp"
#include "store/session_store.hpp"
#include "store/user_store.hpp"

namespace fk {

namespace {

constexpr std::string_view kStateCookie = "fk_oidc_state";

std::string escapeHtml(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// A person lands here from the provider's page, so the answer is a page, not JSON.
Response page(int status, std::string_view title, std::string_view message) {
  Response r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escapeHtml(title) +
           "</title></head><body><h1>" + escapeHtml(title) + "</h1><p>" + escapeHtml(message) +
           "</p><p><a href=\"/login\">Back to sign-in</a></p></body></html>\n";
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  return r;
}

std::string cookieValue(const Request& req, std::string_view name) {
  auto it = req.headers.find("cookie");
  if (it == req.headers.end()) return {};
  std::string_view all = it->second;
  const std::string key = std::string(name) + "=";
  for (std::size_t pos = 0; pos < all.size();) {
    while (pos < all.size() && (all[pos] == ' ' || all[pos] == ';' || all[pos] == ',')) ++pos;
    auto end = all.find(';', pos);
    std::string_view pair = all.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    if (pair.starts_with(key)) return std::string(pair.substr(key.size()));
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return {};
}

// Lax, not Strict: the callback is a top-level navigation from the provider's site, and a Strict
// cookie would not come along. It only binds the callback to the browser that started the sign-in.
std::string stateCookie(std::string_view state, bool secure, bool clear) {
  return std::string(kStateCookie) + "=" + std::string(state) + "; HttpOnly; SameSite=Lax; Path=/auth/oidc" +
         (clear ? "; Max-Age=0" : "; Max-Age=600") + (secure ? "; Secure" : "");
}

Response start(ApiContext& ctx, Request&) {
  const auto config = ctx.config();
  if (!config->web.oidc || !ctx.oidc)
    return errorResponse(Error::notFound("sign-in with an identity provider is not configured (web.oidc)"));
  auto redirect = ctx.oidc->start(*config->web.oidc);
  if (!redirect) {
    spdlog::error("OpenID Connect sign-in could not start: {}", redirect.error().message);
    return page(502, "Sign-in is unavailable", "The sign-in provider could not be reached. Try again later.");
  }
  Response r;
  r.status = 302;
  r.content_type.clear();
  r.headers.emplace_back("Location", redirect->url);
  r.headers.emplace_back("Set-Cookie", stateCookie(redirect->state, config->web.cookie_secure, false));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

Response callback(ApiContext& ctx, Request& req) {
  const auto config = ctx.config();
  if (!config->web.oidc || !ctx.oidc || !ctx.sessions)
    return errorResponse(Error::notFound("sign-in with an identity provider is not configured (web.oidc)"));
  const bool secure = config->web.cookie_secure;
  auto refuse = [&](int status, std::string_view title, std::string_view message) {
    Response r = page(status, title, message);
    r.headers.emplace_back("Set-Cookie", stateCookie("", secure, true));
    return r;
  };
  if (auto error = req.queryValue("error"))
    return refuse(403, "Sign-in cancelled", "The sign-in provider answered: " + *error + ".");
  auto claims = ctx.oidc->finish(*config->web.oidc, req.queryValue("state").value_or(""),
                                 cookieValue(req, kStateCookie), req.queryValue("code").value_or(""));
  if (!claims) {
    spdlog::warn("OpenID Connect sign-in refused: {}", claims.error().message);
    if (claims.error().code == Errc::internal)
      return refuse(502, "Sign-in is unavailable", "The sign-in provider could not be reached. Try again later.");
    return refuse(403, "Sign-in refused", claims.error().message);
  }
  UserStore users(ctx.db);
  auto user = users.findByEmail(claims->email);
  if (!user || user->disabled) {
    spdlog::warn("OpenID Connect sign-in refused for {}: {}", claims->email, user ? "user disabled" : "no such user");
    return refuse(403, "No fleetkeep account",
                  user ? "The fleetkeep account for " + claims->email + " is disabled."
                       : "There is no fleetkeep account for " + claims->email +
                             ". Ask the district's fleetkeep administrator to create one with this email.");
  }
  users.noteOidcSubject(user->id, claims->subject);
  auto session = ctx.sessions->start(user->id);
  if (!session) return errorResponse(session.error());
  spdlog::info("user {} signed in through {} from {}", user->name, config->web.oidc->issuer, req.client_address);
  Response r;
  r.status = 302;
  r.content_type.clear();
  r.headers.emplace_back("Location", "/");
  r.headers.emplace_back("Set-Cookie", sessionSetCookie(session->id, secure));
  r.headers.emplace_back("Set-Cookie", stateCookie("", secure, true));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

}  // namespace

void registerOidcRoutes(Router& router, ApiContext& ctx) {
  const RouteOptions open{.min_role = std::nullopt};
  router.add("GET", "/auth/oidc/start", open, bindHandler(ctx, start));
  router.add("GET", "/auth/oidc/callback", open, bindHandler(ctx, callback));
}

}  // namespace fk
