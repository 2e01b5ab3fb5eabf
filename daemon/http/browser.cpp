#include "http/browser.hpp"

#include "core/text.hpp"

namespace fk {

namespace {

// "https://Fleet.example.org:8443/path" -> "fleet.example.org:8443"; "" when not an absolute URL.
std::string hostPort(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  url.remove_prefix(scheme + 3);
  url = url.substr(0, url.find_first_of("/?#"));
  if (auto at = url.rfind('@'); at != std::string_view::npos) url.remove_prefix(at + 1);
  return lowerAscii(url);
}

}  // namespace

bool sameOrigin(const Request& req) {
  const std::string host = lowerAscii(req.header("host"));
  std::string claimed = req.header("origin");
  if (claimed.empty()) claimed = req.header("referer");
  if (claimed.empty()) return true;
  if (claimed == "null") return false;  // sandboxed frames, data: URLs, some redirects
  return !host.empty() && hostPort(claimed) == host;
}

std::string sessionCookie(const Request& req) {
  std::string_view cookies = req.headers.count("cookie") ? std::string_view(req.headers.at("cookie")) : "";
  while (!cookies.empty()) {
    auto semi = cookies.find(';');
    std::string_view pair = cookies.substr(0, semi);
    cookies = semi == std::string_view::npos ? std::string_view() : cookies.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    // Several Cookie headers are joined with ", " by the server.
    if (pair.starts_with(", ")) pair.remove_prefix(2);
    auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == kSessionCookie) {
      std::string_view value = pair.substr(eq + 1);
      while (!value.empty() && (value.back() == ' ' || value.back() == ',')) value.remove_suffix(1);
      return std::string(value);
    }
  }
  return {};
}

std::string sessionSetCookie(std::string_view id, bool secure) {
  return std::string(kSessionCookie) + "=" + std::string(id) + "; HttpOnly; SameSite=Strict; Path=/" +
         (secure ? "; Secure" : "");
}

std::string sessionClearCookie(bool secure) {
  return std::string(kSessionCookie) + "=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0" + (secure ? "; Secure" : "");
}

}  // namespace fk
