#include "http/web_desk.hpp"

#include <fstream>
#include <memory>
#include <sstream>

#include <spdlog/spdlog.h>

namespace fk {
namespace {

// The contract's headers (interfaces.md, "The web desk"): nothing loads from another origin, the
// desk is never framed, and the browser never guesses a type.
void addSecurityHeaders(Response& r) {
  r.headers.emplace_back("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "same-origin");
}

std::optional<std::string> readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

constexpr std::string_view kNotBuilt =
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>fleetkeep</title></head><body>"
    "<h1>The desk is not built</h1><p>Build it with <code>cmake --build build --target web</code> "
    "(or <code>scripts/run</code>), or point <code>web.root</code> at a built desk, and restart fleetkeepd. "
    "The API at <code>/api/v1</code> works without it.</p></body></html>";

}  // namespace

std::string assetContentType(std::string_view name) {
  auto ends = [&](std::string_view suffix) { return name.ends_with(suffix); };
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  if (ends(".woff2")) return "font/woff2";
  if (ends(".json") || ends(".map")) return "application/json";
  if (ends(".txt")) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

WebDeskFiles loadWebDesk(const std::filesystem::path& root) {
  WebDeskFiles files{.root = root, .index = readFile(root / "index.html"), .assets = {}};
  std::error_code ec;
  for (std::filesystem::directory_iterator it(root / "assets", ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    if (auto text = readFile(it->path())) files.assets.emplace(it->path().filename().string(), std::move(*text));
  }
  if (files.index)
    spdlog::info("web desk: {} ({} assets)", root.string(), files.assets.size());
  else
    spdlog::warn("web desk: no index.html in {}; / explains how to build it", root.string());
  return files;
}

std::filesystem::path defaultWebRoot(const std::filesystem::path& executable) {
  const auto bin = executable.parent_path();
  const std::filesystem::path candidates[] = {bin.parent_path() / "web",
                                              bin.parent_path() / "share" / "fleetkeep" / "web"};
  std::error_code ec;
  for (const auto& c : candidates)
    if (std::filesystem::exists(c / "index.html", ec)) return c.lexically_normal();
  return candidates[0].lexically_normal();
}

void registerWebRoutes(Router& router, WebDeskFiles loaded) {
  const RouteOptions open{.min_role = std::nullopt};
  auto files = std::make_shared<const WebDeskFiles>(std::move(loaded));

  // "/login" is the same page: the app reads its own path and shows the sign-in form.
  auto page = [files](Request&) {
    Response r;
    r.content_type = "text/html; charset=utf-8";
    if (files->index) {
      r.body = *files->index;
    } else {
      r.status = 503;
      r.body = std::string(kNotBuilt);
    }
    r.headers.emplace_back("Cache-Control", "no-store");
    addSecurityHeaders(r);
    return r;
  };
  router.add("GET", "/", open, page);
  router.add("GET", "/login", open, page);

  router.add("GET", "/assets/{name}", open, [files](Request& req) {
    Response r;
    auto found = files->assets.find(req.params.at("name"));
    if (found == files->assets.end()) {
      r.status = 404;
      r.content_type = "text/plain; charset=utf-8";
      r.body = "no such asset\n";
      r.headers.emplace_back("Cache-Control", "no-store");
    } else {
      r.content_type = assetContentType(found->first);
      r.body = found->second;
      // Names carry a hash of their contents, so a cached copy can never be stale.
      r.headers.emplace_back("Cache-Control", "public, max-age=31536000, immutable");
    }
    addSecurityHeaders(r);
    return r;
  });
}

}  // namespace fk
