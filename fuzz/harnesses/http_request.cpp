// The HTTP request as the server reads it: Beast's request parser with the server's header limit
// (16 KiB) and JSON body limit, fed in the pieces a socket delivers, then the target split into path
// and query and both percent-decoded, and the path matched against route templates of every shape
// the router holds (literal, {param}, colon actions).
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "http/circulation_json.hpp"
#include "http/router.hpp"
#include "../harness.hpp"

namespace http = boost::beast::http;

namespace {

constexpr std::uint32_t kHeaderLimit = 16 * 1024;  // http/session.hpp
constexpr std::uint64_t kJsonBodyBytes = 64 * 1024;  // smaller than the default, so the limit is reached

const fk::Router& router() {
  static const fk::Router r = [] {
    fk::Router r;
    auto ok = [](fk::Request&) { return fk::Response{}; };
    for (const char* t : {"/api/v1/devices", "/api/v1/devices/{ref}", "/api/v1/devices/{ref}/events",
                          "/api/v1/devices:import", "/api/v1/models/{model}", "/api/v1/people/{external_id}/checkouts",
                          "/api/v1/checkouts", "/health", "/metrics"}) {
      r.add("GET", t, {}, ok);
      r.add("POST", t, {.min_role = fk::Role::technician, .body = fk::RouteOptions::Body::json}, ok);
    }
    return r;
  }();
  return r;
}

void readTarget(std::string_view target) {
  fk::Request request;
  const auto question = target.find('?');
  const std::string_view raw_path = target.substr(0, question);
  if (question != std::string_view::npos) {
    std::string_view query = target.substr(question + 1);
    while (!query.empty()) {  // the server's parseQuery
      const auto amp = query.find('&');
      const std::string_view pair = query.substr(0, amp);
      query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
      const auto eq = pair.find('=');
      const std::string_view key = pair.substr(0, eq);
      const std::string_view value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
      request.query.emplace(fk::percentDecode(key, true).value_or(std::string(key)),
                            fk::percentDecode(value, true).value_or(std::string(value)));
    }
  }
  request.path = fk::percentDecode(raw_path).value_or(std::string(raw_path));
  const auto match = router().match("GET", std::string(raw_path));
  request.params = match.params;
  (void)fk::checkoutFilterFrom(request, match.params.count("external_id") > 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(kHeaderLimit);
  parser.body_limit(kJsonBodyBytes);
  parser.eager(true);
  // The first byte sets the piece size, as reads of different sizes split the message differently.
  const std::size_t piece = size ? 1 + data[0] % 64 : 1;
  std::string input = size ? fk::fuzz::text(data + 1, size - 1) : std::string();
  boost::beast::flat_buffer buffer;
  std::size_t offset = 0;
  boost::beast::error_code ec;
  while (!parser.is_done()) {
    if (offset < input.size()) {
      const std::size_t n = std::min(piece, input.size() - offset);
      auto space = buffer.prepare(n);
      std::memcpy(space.data(), input.data() + offset, n);
      buffer.commit(n);
      offset += n;
    } else if (buffer.size() == 0) {
      break;
    }
    const std::size_t used = parser.put(buffer.data(), ec);
    buffer.consume(used);
    if (ec == http::error::need_more) {
      ec = {};
      if (offset >= input.size()) break;
      continue;
    }
    if (ec) break;
    if (parser.is_header_done() && used == 0 && offset >= input.size()) break;
  }
  if (parser.is_header_done()) {
    const auto& req = parser.get();
    readTarget(std::string_view(req.target().data(), req.target().size()));
    for (const auto& field : req) (void)field.value().size();
  }
  return 0;
}
