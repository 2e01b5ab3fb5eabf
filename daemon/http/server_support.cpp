#include "http/server_support.hpp"

#include <boost/algorithm/string/classification.hpp>
#include <boost/algorithm/string/trim.hpp>
#include <nlohmann/json.hpp>

#include "core/text.hpp"
#include "http/router.hpp"

namespace fk::server_support {

std::string_view trim(std::string_view s) {
  return boost::algorithm::trim_copy_if(s, boost::algorithm::is_any_of(" \t"));
}

std::string mediaType(std::string_view content_type) {
  return lowerAscii(trim(content_type.substr(0, content_type.find(';'))));
}

std::multimap<std::string, std::string> parseQuery(std::string_view query) {
  std::multimap<std::string, std::string> out;
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    out.emplace(percentDecode(key, true).value_or(std::string(key)),
                percentDecode(value, true).value_or(std::string(value)));
  }
  return out;
}

Response refusal(Errc code, std::string message) {
  return errorResponse(Error{code, std::move(message), {}});
}

Response internalError() {
  return jsonResponse(500, {{"error",
                             {{"code", "internal"},
                              {"message", "internal error; the server log has the detail"},
                              {"details", nlohmann::json::object()}}}});
}

Response overCapacity() {
  Response r = jsonResponse(503, {{"error",
                                   {{"code", "unavailable"},
                                    {"message", "the server has too many connections open; retry shortly"},
                                    {"details", nlohmann::json::object()}}}});
  r.headers.emplace_back("Retry-After", "1");
  return r;
}

bool outOfDescriptors(const boost::system::error_code& ec) {
  return ec == boost::system::errc::too_many_files_open ||
         ec == boost::system::errc::too_many_files_open_in_system ||
         ec == boost::system::errc::no_buffer_space || ec == boost::system::errc::not_enough_memory;
}

Response refusal(int status, std::string_view code, std::string message) {
  return jsonResponse(
      status, {{"error", {{"code", code}, {"message", message}, {"details", nlohmann::json::object()}}}});
}

std::string describe(const std::exception& e) {
  if (auto* je = dynamic_cast<const nlohmann::json::exception*>(&e))
    return "json exception " + std::to_string(je->id);
  return e.what();
}

}  // namespace fk::server_support
