#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.hpp"
#include "store/token_store.hpp"

namespace fk {

using Handler = std::function<Response(Request&)>;

// Which requests a route takes: the minimum role for /api/ routes (nullopt = no token needed) and the
// body it accepts, so the server can pick the body limit and the content type before reading the body.
struct RouteOptions {
  std::optional<Role> min_role = Role::viewer;
  enum class Body { none, json, csv } body = Body::none;
  // Refused (403) to a caller with a scope: the route reads or changes what no building owns (imports
  // that may touch any row, the catalog, sources, the network's unknown devices).
  bool district_only = false;
  // Runs on the I/O thread instead of the worker pool: for handlers that never touch SQLite nor wait on
  // a lock (health, /metrics), so they answer while slow requests fill the pool, and skip the hop.
  bool on_io_thread = false;
  // The handler starts once the header is accepted and reads the body as it arrives
  // (Request::body_stream), instead of after the whole body was read into Request::body: for
  // uploads too large to hold. The body limit, 100-continue and the refusals before it are the same.
  bool stream_body = false;
};

// `path` given to match() is the raw, still percent-encoded request path: it is split on '/' first and
// each segment decoded after, so a model name containing "%2F" stays one segment. Params come out decoded.
// Templates use {name} for one path segment: "/api/v1/devices/{ref}/events". A literal suffix after a
// parameter such as "/api/v1/devices:import" is a literal segment (colon actions are part of the text).
// Decodes %XX escapes (and '+' as space when `plus_as_space`, for query strings); nullopt when an
// escape is malformed.
std::optional<std::string> percentDecode(std::string_view text, bool plus_as_space = false);

class Router {
 public:
  void add(std::string method, std::string path_template, RouteOptions options, Handler handler);

  struct Match {
    const Handler* handler = nullptr;
    RouteOptions options;
    std::string route;  // the template, for metrics labels
    std::map<std::string, std::string> params;
    bool path_known = false;  // path matched some route but not this method (405)
    std::vector<std::string> allowed;  // methods the path takes, for the Allow header of a 405
  };
  Match match(const std::string& method, const std::string& path) const;

  struct Listed {
    std::string method;
    std::string path_template;
    RouteOptions options;
  };
  // Every route, in registration order (the `routes` admin command; tests walk it).
  std::vector<Listed> list() const;

 private:
  struct Entry {
    std::string method;
    std::string path_template;
    std::vector<std::string> segments;
    RouteOptions options;
    Handler handler;
  };
  std::vector<Entry> entries_;
};

}  // namespace fk
