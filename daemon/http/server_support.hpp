#pragma once

#include <boost/system/error_code.hpp>
#include <exception>
#include <map>
#include <string>
#include <string_view>

#include "http/request.hpp"

// Small pieces of the HTTP server (server.cpp): header text, query strings, the refusals it writes itself.
namespace fk::server_support {

std::string_view trim(std::string_view s);
// "Application/JSON; charset=utf-8" -> "application/json"
std::string mediaType(std::string_view content_type);
// "a=1&b=x%20y" -> {a: 1, b: "x y"}; a malformed escape is kept as it came.
std::multimap<std::string, std::string> parseQuery(std::string_view query);

Response refusal(Errc code, std::string message);
// For statuses outside fk::Errc (431, 400 from the parser): same body shape.
Response refusal(int status, std::string_view code, std::string message);
// A handler that threw: the detail is logged by the caller, never sent.
Response internalError();
// 503 to a connection over limits.max_connections.
Response overCapacity();
// accept() failed for want of descriptors or kernel memory: accepting again at once fails again.
bool outOfDescriptors(const boost::system::error_code& ec);
// Exception text from a JSON parse may quote the request body, which must not reach the log.
std::string describe(const std::exception& e);

}  // namespace fk::server_support
