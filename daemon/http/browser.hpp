#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "http/request.hpp"

namespace fk {

inline constexpr std::string_view kSessionCookie = "fk_session";

// False when a browser says the request comes from a page of another origin: an `Origin` (or, without
// one, a `Referer`) whose host and port differ from the `Host` the request was sent to. No header at
// all is a non-browser client or a same-origin navigation: allowed. The scheme is not compared, because
// a TLS proxy in front may speak HTTPS to the browser and HTTP to us.
bool sameOrigin(const Request& req);

// The fk_session cookie's value, or "".
std::string sessionCookie(const Request& req);

// Set-Cookie values that start and end a session. The cookie carries no Max-Age: the server decides
// when a session ends (web.session_idle / web.session_max), and the browser drops it when it closes.
std::string sessionSetCookie(std::string_view id, bool secure);
std::string sessionClearCookie(bool secure);

}  // namespace fk
