#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/byte_source.hpp"
#include "core/error.hpp"
#include "store/principal.hpp"

namespace fk {

// What a handler sees of an HTTP request; the server fills it after authentication.
struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // decoded path without query, e.g. "/api/v1/devices/tag:CB-1"
  std::multimap<std::string, std::string> query;  // decoded
  std::map<std::string, std::string> headers;     // lower-case names
  std::string body;
  // A route with RouteOptions::stream_body: the body as it arrives (`body` stays empty). Reading it
  // blocks until the client sends more; it throws InputAborted when the body will not complete.
  std::shared_ptr<ByteSource> body_stream;
  std::map<std::string, std::string> params;      // from the route template, e.g. {"ref": "tag:CB-1"}
  std::optional<Principal> principal;             // who calls: set on routes that need a role
  std::string route;                              // matched template, e.g. "/api/v1/devices/{ref}"
  std::string client_address;                     // the peer's IP address, for sign-in throttling

  std::optional<std::string> queryValue(std::string_view key) const;
  std::string header(std::string_view lower_name) const;
  std::string actor() const { return principal ? principal->actor() : "anonymous"; }
  // The caller's scope; district-wide when nobody is signed in (open routes).
  const Scope& scope() const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // A body written in pieces (chunked transfer encoding) instead of `body`: called on a worker thread
  // again and again, each call appending the next piece to `out`, until it returns false (after its
  // last piece). Memory then stays at a piece or two, whatever the size of the whole. A throw after
  // the status line went out can only cut the body short: the connection is closed.
  std::function<bool(std::string& out)> stream;
};

Response jsonResponse(int status, const nlohmann::json& body);
// {"error": {"code": codeName(e.code), "message": e.message, "details": e.details}} with httpStatus(e.code).
Response errorResponse(const Error& e);

}  // namespace fk
