#pragma once

// What the HTTP server's connections share (http/server.cpp accepts them, http/session.cpp serves
// them). Beast and Asio are heavy to compile: only the server's own files include this.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <unordered_map>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/error.hpp>

#include "http/router.hpp"
#include "http/server.hpp"

namespace fk {

class HttpSession;

// HttpServer::Impl derives from it so sessions can hold it without naming HttpServer's private type.
struct ServerCore : std::enable_shared_from_this<ServerCore> {
  static constexpr std::size_t kWorkerThreads = 4;

  ServerCore(boost::asio::io_context& io, ServerOptions opts, const Router& r, TokenStore& t, HttpMetrics* m)
      : io(io),
        options(std::move(opts)),
        router(r),
        tokens(t),
        metrics(m),
        acceptor(boost::asio::make_strand(io)),
        accept_retry(acceptor.get_executor()) {}

  void accept();
  void onAccept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);
  void pauseAccepting(const boost::beast::error_code& ec);
  void resumeAccepting();
  void forget(HttpSession* s) {
    {
      std::lock_guard lock(mutex);
      sessions.erase(s);
      if (sessions.empty()) sessions_done.notify_all();
    }
    // A closed connection frees a descriptor and a place under the cap.
    if (accept_paused)
      boost::asio::post(acceptor.get_executor(), [self = shared_from_this()] { self->resumeAccepting(); });
  }

  boost::asio::io_context& io;
  ServerOptions options;
  const Router& router;
  TokenStore& tokens;
  HttpMetrics* metrics;
  boost::asio::ip::tcp::acceptor acceptor;
  boost::asio::steady_timer accept_retry;  // on the acceptor's strand
  std::atomic<bool> accept_paused{false};
  std::chrono::steady_clock::time_point last_pause_log{};
  std::uint64_t pauses_unlogged = 0;
  boost::asio::thread_pool workers{kWorkerThreads};
  std::atomic<bool> stopping{false};
  std::atomic<bool> stopped{false};
  std::atomic<std::uint16_t> port{0};
  std::mutex mutex;
  std::condition_variable sessions_done;
  std::unordered_map<HttpSession*, std::weak_ptr<HttpSession>> sessions;
};

}  // namespace fk
