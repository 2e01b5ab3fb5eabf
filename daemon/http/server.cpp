// The listener: accepting connections under the cap, pausing when descriptors run out, and stopping.
// Each connection is an HttpSession (http/session.hpp).
#include "http/server.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "http/server_core.hpp"
#include "http/server_support.hpp"
#include "http/session.hpp"

namespace fk {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;
// Named, not `using namespace`: a unity build pastes the next file after this one.
using server_support::outOfDescriptors;

namespace {

// Connections over max_connections are still accepted up to this many more, to answer a probe or a
// scrape and tell the rest 503; past it, accepting stops until a connection closes.
constexpr std::size_t kOverflowConnections = 64;
// Out of file descriptors (EMFILE/ENFILE): accepting pauses until a connection closes or this passes,
// and the log says so at most once per kAcceptLogEvery.
constexpr std::chrono::milliseconds kAcceptRetry{500};
constexpr std::chrono::seconds kAcceptLogEvery{10};

}  // namespace

void ServerCore::accept() {
  acceptor.async_accept(net::make_strand(io), beast::bind_front_handler(&ServerCore::onAccept, shared_from_this()));
}

void ServerCore::onAccept(beast::error_code ec, tcp::socket socket) {
  if (stopping || ec == net::error::operation_aborted) return;
  if (ec) {
    // Accepting again at once would fail again at once: a busy loop that floods the log.
    if (outOfDescriptors(ec)) return pauseAccepting(ec);
    spdlog::warn("accept failed: {}", ec.message());
    return accept();
  }
  auto session = std::make_shared<HttpSession>(std::move(socket), shared_from_this());
  std::size_t open = 0;
  {
    std::lock_guard lock(mutex);
    sessions.emplace(session.get(), session);
    open = sessions.size();
  }
  session->start(open > options.max_connections);
  if (open >= options.max_connections + kOverflowConnections) {
    // Resumed by forget() when a connection closes; the kernel's backlog holds the rest meanwhile.
    accept_paused = true;
    std::lock_guard lock(mutex);
    // One may have closed before the flag was up, and its forget() saw nothing to resume.
    if (sessions.size() >= options.max_connections + kOverflowConnections) return;
    accept_paused = false;
  }
  accept();
}

void ServerCore::pauseAccepting(const beast::error_code& ec) {
  accept_paused = true;
  ++pauses_unlogged;
  const auto now = std::chrono::steady_clock::now();
  if (last_pause_log == std::chrono::steady_clock::time_point{} || now - last_pause_log >= kAcceptLogEvery) {
    spdlog::warn(
        "accepting paused: {} ({} time(s) since the last such line); resuming when a connection closes",
        ec.message(), pauses_unlogged);
    last_pause_log = now;
    pauses_unlogged = 0;
  }
  accept_retry.expires_after(kAcceptRetry);
  accept_retry.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
    if (!wait_ec) self->resumeAccepting();
  });
}

void ServerCore::resumeAccepting() {
  if (stopping || !accept_paused.exchange(false)) return;
  accept_retry.cancel();
  accept();
}

struct HttpServer::Impl : ServerCore {
  using ServerCore::ServerCore;
};

HttpServer::HttpServer(boost::asio::io_context& io, ServerOptions options, const Router& router, TokenStore& tokens,
                       HttpMetrics* metrics)
    : impl_(std::make_shared<Impl>(io, std::move(options), router, tokens, metrics)) {}

HttpServer::~HttpServer() {
  if (!impl_->stopped) stop(std::chrono::milliseconds(0));
}

Result<std::uint16_t> HttpServer::start() {
  std::string host = impl_->options.host;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string where = host + ":" + std::to_string(impl_->options.port);
  beast::error_code ec;
  auto address = net::ip::make_address(host, ec);
  if (ec) return std::unexpected(Error::invalid("listen", "listen address is not an IP literal: " + host));
  tcp::endpoint endpoint(address, impl_->options.port);
  auto& acceptor = impl_->acceptor;
  auto fail = [&](const char* what) {
    beast::error_code ignored;
    acceptor.close(ignored);
    return std::unexpected(Error::internal(std::string("cannot listen on ") + where + ": " + what + ": " + ec.message()));
  };
  if (acceptor.open(endpoint.protocol(), ec); ec) return fail("open");
  if (acceptor.set_option(net::socket_base::reuse_address(true), ec); ec) return fail("reuse_address");
  if (acceptor.bind(endpoint, ec); ec) return fail("bind");
  if (acceptor.listen(net::socket_base::max_listen_connections, ec); ec) return fail("listen");
  impl_->port = acceptor.local_endpoint(ec).port();
  net::dispatch(acceptor.get_executor(), [core = impl_] { core->accept(); });
  return impl_->port.load();
}

void HttpServer::stop(std::chrono::milliseconds grace) {
  auto& core = *impl_;
  if (core.stopped.exchange(true)) return;
  core.stopping = true;
  net::post(core.acceptor.get_executor(), [impl = impl_] {
    beast::error_code ignored;
    impl->acceptor.close(ignored);
    impl->accept_retry.cancel();
  });

  auto each = [&core](auto&& fn) {
    std::vector<std::shared_ptr<HttpSession>> live;
    {
      std::lock_guard lock(core.mutex);
      for (auto& [ptr, weak] : core.sessions)
        if (auto s = weak.lock()) live.push_back(std::move(s));
    }
    for (auto& s : live) fn(*s);
  };
  each([](HttpSession& s) { s.closeIfIdle(); });

  std::unique_lock lock(core.mutex);
  if (!core.sessions_done.wait_for(lock, grace, [&] { return core.sessions.empty(); })) {
    spdlog::warn("{} connection(s) still busy after the shutdown grace period; closing them", core.sessions.size());
    lock.unlock();
    each([](HttpSession& s) { s.forceClose(); });
    lock.lock();
    core.sessions_done.wait_for(lock, std::chrono::seconds(1), [&] { return core.sessions.empty(); });
  }
  lock.unlock();
  core.workers.join();
}

std::uint16_t HttpServer::port() const { return impl_->port; }

}  // namespace fk
