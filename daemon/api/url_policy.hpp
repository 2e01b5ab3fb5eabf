#pragma once

/// @file
/// Where a source may send its credentials. A bearer token, a client secret or a signed assertion goes
/// only over https, or over http to this machine (a local proxy, a test's fake API); and a URL a server
/// hands back (Graph's `@odata.nextLink`, a key file's `token_uri`) is followed with them only when it
/// stays on the host the config named. Every plugin checks through these functions, and the core refuses
/// any request that carries an `Authorization` header to a URL credentialTargetProblem() refuses.
///
/// @code
/// // config validation
/// if (auto why = api::credentialTargetProblem(base_url); !why.empty()) keys.problem("base_url", why);
/// // paging
/// if (auto why = api::followProblem(next_link, settings.base_url); !why.empty())
///   return api::PollResult::failure(api::FailureReason::bad_response, "@odata.nextLink: " + why);
/// @endcode

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

namespace fk::api {

/// Scheme, host and port of an http(s) URL: what two URLs must share for one to be trusted like the other.
struct UrlOrigin {
  std::string scheme;  ///< "http" or "https"
  std::string host;    ///< lowercased; an IPv6 literal keeps its brackets
  int port = 0;        ///< the explicit port, or 80 / 443
  bool operator==(const UrlOrigin&) const = default;
};

/// The origin of an absolute http(s) URL, or nullopt for anything else. Deliberately strict, so it cannot
/// read a host other than the one the HTTP client will connect to: user info (`user@host`), backslashes,
/// spaces, control and non-ASCII bytes, percent-encoded or otherwise unusual host names are all refused.
inline std::optional<UrlOrigin> urlOrigin(std::string_view url) {
  for (const char ch : url) {
    const auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7f || c == '\\') return std::nullopt;
  }
  const auto lower = [](std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
    return out;
  };
  UrlOrigin o;
  const auto colon = url.find("://");
  if (colon == std::string_view::npos) return std::nullopt;
  o.scheme = lower(url.substr(0, colon));
  if (o.scheme != "http" && o.scheme != "https") return std::nullopt;
  std::string_view authority = url.substr(colon + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;

  std::string_view host = authority, port;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(0, close + 1);
    const std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return std::nullopt;
    if (!rest.empty()) port = rest.substr(1);
    const std::string inside(host.substr(1, host.size() - 2));
    in6_addr address{};
    if (inet_pton(AF_INET6, inside.c_str(), &address) != 1) return std::nullopt;
  } else {
    const auto p = authority.find(':');
    if (p != std::string_view::npos) {
      host = authority.substr(0, p);
      port = authority.substr(p + 1);
    }
    if (host.empty()) return std::nullopt;
    for (const char c : host)
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
            c == '-'))
        return std::nullopt;
  }
  o.host = lower(host);
  if (port.empty() && authority.back() == ':') return std::nullopt;
  if (port.empty()) {
    o.port = o.scheme == "https" ? 443 : 80;
  } else {
    if (port.size() > 5) return std::nullopt;
    for (const char c : port) {
      if (c < '0' || c > '9') return std::nullopt;
      o.port = o.port * 10 + (c - '0');
    }
    if (o.port < 1 || o.port > 65535) return std::nullopt;
  }
  return o;
}

/// True for this machine: `localhost`, 127.0.0.0/8 in dotted decimal, and `[::1]`.
inline bool isLoopbackHost(std::string_view host) {
  if (host.empty()) return false;
  if (host == "localhost") return true;
  const std::string text(host.size() > 1 && host.front() == '[' ? host.substr(1, host.size() - 2) : host);
  in_addr v4{};
  if (host.front() != '[' && inet_pton(AF_INET, text.c_str(), &v4) == 1)
    return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return host.front() == '[' && inet_pton(AF_INET6, text.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

/// "" when credentials may be sent to `url`: https, or http to a loopback host. Otherwise why not, in a
/// sentence that names the URL's host (never the URL's query, which may carry a token).
inline std::string credentialTargetProblem(std::string_view url) {
  const auto o = urlOrigin(url);
  if (!o) return "is not a plain http:// or https:// URL (no user@, spaces or unusual host names)";
  if (o->scheme == "http" && !isLoopbackHost(o->host))
    return "uses http:// to " + o->host +
           ": credentials go over https://, or over http:// only to this machine";
  return "";
}

/// "" when `url`, handed back by a server, may be followed with the credentials meant for `configured`:
/// the same scheme, host and port, and a target credentialTargetProblem() accepts. Otherwise why not.
inline std::string followProblem(std::string_view url, std::string_view configured) {
  if (auto why = credentialTargetProblem(url); !why.empty()) return why;
  const auto to = urlOrigin(url);
  const auto home = urlOrigin(configured);
  if (!home || !(*to == *home))
    return "leads to " + to->scheme + "://" + to->host + ":" + std::to_string(to->port) +
           ", not the configured " +
           (home ? home->scheme + "://" + home->host + ":" + std::to_string(home->port)
                 : std::string("host")) +
           "; not followed with the credentials";
  return "";
}

}  // namespace fk::api
