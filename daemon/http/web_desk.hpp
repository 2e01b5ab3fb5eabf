#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "http/router.hpp"

namespace fk {

// The built web desk (build/web: index.html and assets/ with content-hashed names), read into memory
// once at start: the files never change while the daemon runs, and the whole bundle is a few hundred KiB.
struct WebDeskFiles {
  std::filesystem::path root;
  std::optional<std::string> index;            // index.html; nullopt when the desk is not built
  std::map<std::string, std::string> assets;   // file name under assets/ -> contents
};

WebDeskFiles loadWebDesk(const std::filesystem::path& root);

// Where the desk is when the config names none: build/web beside build/bin, or share/fleetkeep/web
// beside bin/ of an installed tree. The first that has an index.html; else the first candidate.
std::filesystem::path defaultWebRoot(const std::filesystem::path& executable);

// GET /, /login (the app's page, `no-store`) and /assets/{name} (`immutable`), every answer with the
// desk's security headers. Routes need no token: the page signs in through /auth/login.
void registerWebRoutes(Router& router, WebDeskFiles files);

// Content type by file extension, for the assets.
std::string assetContentType(std::string_view name);

}  // namespace fk
