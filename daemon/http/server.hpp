#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "http/router.hpp"
#include "store/principal.hpp"

namespace fk {

class TokenStore;
class HttpMetrics;

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 9470;  // 0 = any free port
  std::uint64_t json_body_bytes = 10ull << 20;
  std::uint64_t import_body_bytes = 256ull << 20;
  std::chrono::seconds idle_timeout{30};     // keep-alive connection idle
  std::chrono::seconds request_timeout{300}; // whole request read (large imports)
  // Connections served at once; one over it gets a 503 (a probe or /metrics is still answered) and,
  // past a margin, the server stops accepting until a connection closes.
  std::size_t max_connections = 1024;
  // Checks the value of an fk_session cookie (on the worker pool, or the I/O thread for an on_io_thread
  // route). Unset: bearer tokens only.
  std::function<std::optional<Principal>(std::string_view session_id)> session_auth;
};

// HTTP/1.1 over Boost.Beast on the given io_context: keep-alive, per-connection timeouts, body limits
// chosen per route (413 over them), bearer-token auth and role checks for /api/, JSON errors, and
// request metrics by route template. A browser session (fk_session cookie) authenticates like a
// token; with it, unsafe methods need the session's X-CSRF-Token and a same-origin Origin/Referer.
// Handlers run on a worker pool so a slow import never blocks I/O, except routes marked on_io_thread
// (probes, /metrics, reads by key), which answer even when the pool is full. At most max_connections
// are served; out of descriptors, accepting pauses rather than spins.
class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, ServerOptions options, const Router& router, TokenStore& tokens,
             HttpMetrics* metrics);
  ~HttpServer();

  // Binds and starts accepting. Returns the bound port.
  Result<std::uint16_t> start();
  // Stops accepting, lets in-flight requests finish (up to `grace`), then closes connections.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(10));
  std::uint16_t port() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace fk
