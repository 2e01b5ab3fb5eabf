#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

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
};

Response jsonResponse(int status, const nlohmann::json& body);
// {"error": {"code": codeName(e.code), "message": e.message, "details": e.details}} with httpStatus(e.code).
Response errorResponse(const Error& e);

}  // namespace fk
