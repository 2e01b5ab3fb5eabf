#include "http/request.hpp"

#include <spdlog/spdlog.h>

namespace fk {

std::optional<std::string> Request::queryValue(std::string_view key) const {
  auto it = query.find(std::string(key));
  if (it == query.end()) return std::nullopt;
  return it->second;
}

std::string Request::header(std::string_view lower_name) const {
  auto it = headers.find(std::string(lower_name));
  return it == headers.end() ? std::string() : it->second;
}

Response jsonResponse(int status, const nlohmann::json& body) {
  Response r;
  r.status = status;
  r.content_type = "application/json";
  // Replace rather than throw on invalid UTF-8 that slipped into stored text: a response must always render.
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.body += '\n';
  return r;
}

Response errorResponse(const Error& e) {
  // An internal error's message may carry a library's text (SQLite's, a path): it goes to the log,
  // and the caller gets a message that tells nothing about the inside.
  if (e.code == Errc::internal) {
    spdlog::error("internal error: {}", e.message);
    return jsonResponse(500, {{"error", {{"code", "internal"},
                                         {"message", "internal error; the server log has the detail"},
                                         {"details", nlohmann::json::object()}}}});
  }
  nlohmann::json error = {{"code", codeName(e.code)}, {"message", e.message}};
  error["details"] = e.details.is_null() ? nlohmann::json::object() : e.details;
  Response r = jsonResponse(httpStatus(e.code), {{"error", std::move(error)}});
  if (e.code == Errc::unavailable)
    r.headers.emplace_back("Retry-After", std::to_string(kBusyRetryAfterSeconds));
  return r;
}

}  // namespace fk

namespace fk {

const Scope& Request::scope() const {
  static const Scope kDistrict;
  return principal ? principal->scope : kDistrict;
}

}  // namespace fk
