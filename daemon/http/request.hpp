#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "store/token_store.hpp"

namespace fk {

// What a handler sees of an HTTP request; the server fills it after authentication.
struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // decoded path without query, e.g. "/api/v1/devices/tag:CB-1"
  std::multimap<std::string, std::string> query;  // decoded
  std::map<std::string, std::string> headers;     // lower-case names
  std::string body;
  std::map<std::string, std::string> params;      // from the route template, e.g. {"ref": "tag:CB-1"}
  std::optional<TokenInfo> token;                 // set on /api/ routes
  std::string route;                              // matched template, e.g. "/api/v1/devices/{ref}"

  std::optional<std::string> queryValue(std::string_view key) const;
  std::string header(std::string_view lower_name) const;
  std::string actor() const { return token ? "token:" + token->name : "anonymous"; }
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
