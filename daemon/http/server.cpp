#include "http/server.hpp"

#include <algorithm>
#include <array>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <unordered_map>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include "http/browser.hpp"
#include "http/server_support.hpp"
#include "metrics/http_metrics.hpp"
#include "store/database.hpp"
#include "store/session_store.hpp"
#include "store/token_store.hpp"

namespace fk {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr std::uint32_t kHeaderLimit = 16 * 1024;
constexpr std::uint64_t kNoBodyLimit = 64 * 1024;
constexpr std::size_t kWorkerThreads = 4;
// After refusing a request whose body we never read, keep reading (and discarding) for a while before
// closing: closing with unread input makes the kernel send RST, and the client may lose our response.
constexpr std::chrono::seconds kLingerTime{5};
// Beast reads into whatever the buffer has spare (at least 512 bytes), and after a header that is
// little: a 20 MiB import then took ~40,000 reads, each with its own timer and strand hand-off.
constexpr std::size_t kBodyReadChunk = 64 * 1024;
// Connections over max_connections are still accepted up to this many more, to answer a probe or a
// scrape and tell the rest 503; past it, accepting stops until a connection closes.
constexpr std::size_t kOverflowConnections = 64;
// An over-the-cap connection gets this long to send its request header.
constexpr std::chrono::seconds kOverflowHeaderTime{5};
// Out of file descriptors (EMFILE/ENFILE): accepting pauses until a connection closes or this passes,
// and the log says so at most once per kAcceptLogEvery.
constexpr std::chrono::milliseconds kAcceptRetry{500};
constexpr std::chrono::seconds kAcceptLogEvery{10};

using namespace server_support;

class Session;

// Everything the sessions share. HttpServer::Impl derives from it so sessions can hold it without
// naming HttpServer's private type.
struct ServerCore : std::enable_shared_from_this<ServerCore> {
  ServerCore(net::io_context& io, ServerOptions opts, const Router& r, TokenStore& t, HttpMetrics* m)
      : io(io),
        options(std::move(opts)),
        router(r),
        tokens(t),
        metrics(m),
        acceptor(net::make_strand(io)),
        accept_retry(acceptor.get_executor()) {}

  void accept();
  void onAccept(beast::error_code ec, tcp::socket socket);
  void pauseAccepting(const beast::error_code& ec);
  void resumeAccepting();
  void forget(Session* s) {
    {
      std::lock_guard lock(mutex);
      sessions.erase(s);
      if (sessions.empty()) sessions_done.notify_all();
    }
    // A closed connection frees a descriptor and a place under the cap.
    if (accept_paused)
      net::post(acceptor.get_executor(), [self = shared_from_this()] { self->resumeAccepting(); });
  }

  net::io_context& io;
  ServerOptions options;
  const Router& router;
  TokenStore& tokens;
  HttpMetrics* metrics;
  tcp::acceptor acceptor;
  net::steady_timer accept_retry;  // on the acceptor's strand
  std::atomic<bool> accept_paused{false};
  std::chrono::steady_clock::time_point last_pause_log{};
  std::uint64_t pauses_unlogged = 0;
  net::thread_pool workers{kWorkerThreads};
  std::atomic<bool> stopping{false};
  std::atomic<bool> stopped{false};
  std::atomic<std::uint16_t> port{0};
  std::mutex mutex;
  std::condition_variable sessions_done;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, std::shared_ptr<ServerCore> server)
      : stream_(std::move(socket)), server_(std::move(server)) {}
  ~Session() { server_->forget(this); }

  // `over_capacity`: the server already serves max_connections; this one gets one answer and is closed.
  void start(bool over_capacity) {
    over_capacity_ = over_capacity;
    net::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::readHeader, shared_from_this()));
  }
  // Called on stop(): a connection waiting for its next request goes now, a busy one after its response.
  void closeIfIdle() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->idle_ && self->buffer_.size() == 0) self->close();
    });
  }
  void forceClose() {
    net::post(stream_.get_executor(), [self = shared_from_this()] { self->close(); });
  }

 private:
  const ServerOptions& options() const { return server_->options; }

  void readHeader() {
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    // The parser checks Content-Length against the body limit while parsing the header; the real
    // limit depends on the route, so it is set once the header is in (checkBody). Not boost::none:
    // Beast 1.74 compares `length > none`, which is always true.
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    request_ = Request{};
    match_ = Router::Match{};
    idle_ = true;
    if (server_->stopping && buffer_.size() == 0) return close();
    stream_.expires_after(over_capacity_ ? std::min(options().idle_timeout, kOverflowHeaderTime)
                                         : options().idle_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::onHeader, shared_from_this()));
  }

  void onHeader(beast::error_code ec, std::size_t) {
    idle_ = false;
    started_ = std::chrono::steady_clock::now();
    if (ec == http::error::header_limit)
      return send(refusal(431, "payload_too_large", "request header larger than 16 KiB"), false);
    if (ec && ec.category() == beast::http::make_error_code(http::error::bad_target).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message)
      return send(refusal(400, "invalid", "malformed HTTP request"), false);
    if (ec) return close();

    auto& req = parser_->get();
    request_.method = std::string(req.method_string());
    std::string_view target(req.target().data(), req.target().size());
    auto question = target.find('?');
    std::string_view raw_path = target.substr(0, question);
    if (question != std::string_view::npos) request_.query = parseQuery(target.substr(question + 1));
    request_.path = percentDecode(raw_path).value_or(std::string(raw_path));
    {
      beast::error_code peer_ec;
      auto peer = stream_.socket().remote_endpoint(peer_ec);
      if (!peer_ec) request_.client_address = peer.address().to_string();
    }
    for (const auto& field : req) {
      auto& slot = request_.headers[lower(std::string_view(field.name_string().data(), field.name_string().size()))];
      std::string_view value(field.value().data(), field.value().size());
      slot = slot.empty() ? std::string(value) : slot + ", " + std::string(value);
    }

    match_ = server_->router.match(request_.method, std::string(raw_path));
    // Over the cap only a probe or a scrape is answered: monitoring must see an overloaded server.
    const bool probe = match_.handler && match_.options.on_io_thread && !match_.options.min_role;
    if (over_capacity_ && !probe) return refuse(overCapacity());
    if (!match_.handler) {
      if (!match_.path_known) return refuse(refusal(Errc::not_found, "no such path"));
      std::string allow;
      for (const auto& m : match_.allowed) allow += (allow.empty() ? "" : ", ") + m;
      // fk::Errc has no 405; "invalid" keeps the error codes to the documented set.
      Response r = jsonResponse(405, {{"error",
                                       {{"code", "invalid"},
                                        {"message", request_.method + " is not allowed here; allowed: " + allow},
                                        {"details", {{"allowed", match_.allowed}}}}}});
      r.headers.emplace_back("Allow", allow);
      return refuse(std::move(r));
    }
    request_.route = match_.route;
    request_.params = match_.params;
    if (match_.options.min_role) return authenticate();
    checkBody();
  }

  // The caller, nullopt for an unknown or expired credential, or the answer to send instead (503 while
  // the database is busy).
  using Checked = std::expected<std::optional<Principal>, Response>;
  Checked checkCredentials(const std::string& token, const std::string& session) {
    try {
      return lookUp(token, session);
    } catch (const std::exception& e) {
      if (isBusy(e)) return std::unexpected(errorResponse(Error::busy()));
      spdlog::error("credential check failed: {}", describe(e));
      return std::optional<Principal>();
    }
  }

  // Who presents `token` or `session`; nullopt for neither. Throws what the store throws.
  std::optional<Principal> lookUp(const std::string& token, const std::string& session) {
    // The reserved connections: a credential check never waits for a pool connection that writers
    // queued on the write lock are holding.
    Database::ReservedScope reserved;
    if (!token.empty()) {
      if (auto info = server_->tokens.authenticate(token))
        return Principal{Principal::Kind::token, info->name, info->role, info->scope, {}};
      return std::nullopt;
    }
    return options().session_auth(session);
  }

  void authenticate() {
    const std::string header = request_.header("authorization");
    std::string_view auth = trim(header);
    std::string token;
    if (auth.size() > 7 && lower(auth.substr(0, 7)) == "bearer ") token = std::string(trim(auth.substr(7)));
    // A bearer token wins over a cookie: scripts never carry CSRF tokens, and a cookie they happen to
    // hold must not make their calls need one.
    std::string session = token.empty() && options().session_auth ? sessionCookie(request_) : std::string();
    if (token.empty() && session.empty()) return unauthorized();
    // A route that runs on the I/O thread checks its caller there too: one short indexed read on a
    // reserved connection costs less than two hops through the worker pool.
    if (match_.options.on_io_thread) return afterAuth(checkCredentials(token, session));
    net::post(server_->workers, [self = shared_from_this(), token = std::move(token), session = std::move(session)] {
      auto who = self->checkCredentials(token, session);
      net::post(self->stream_.get_executor(), [self, who = std::move(who)]() mutable {
        self->afterAuth(std::move(who));
      });
    });
  }

  void unauthorized() {
    Response r = refusal(Errc::unauthorized, "not signed in: missing or invalid bearer token or session");
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
    refuse(std::move(r));
  }

  // Cross-site request forgery: a session cookie rides along on requests other sites' pages make, so a
  // session call that changes something must prove it comes from our own page.
  bool csrfOk(const Principal& who) {
    if (who.kind != Principal::Kind::user) return true;
    if (!sameOrigin(request_)) return false;
    const std::string& m = request_.method;
    if (m == "GET" || m == "HEAD" || m == "OPTIONS") return true;
    return csrfMatches(who.session_id, request_.header("x-csrf-token"));
  }

  void afterAuth(Checked checked) {
    if (!checked) return refuse(std::move(checked.error()));
    std::optional<Principal> who = std::move(*checked);
    if (!who) return unauthorized();
    if (!csrfOk(*who))
      return refuse(refusal(403, "csrf",
                          "this request needs the session's X-CSRF-Token header and must come from this site's own pages"));
    Role needed = *match_.options.min_role;
    if (static_cast<int>(who->role) < static_cast<int>(needed))
      return refuse(refusal(Errc::forbidden, "this call needs the " + std::string(toString(needed)) + " role"));
    if (match_.options.district_only && !who->scope.districtWide())
      return refuse(refusal(Errc::forbidden, "this call covers the whole district; your access is limited to " +
                                                 std::to_string(who->scope.prefixes.size()) + " location(s)"));
    request_.principal = std::move(who);
    checkBody();
  }

  void checkBody() {
    using Body = RouteOptions::Body;
    const Body kind = match_.options.body;
    const std::uint64_t limit = kind == Body::json  ? options().json_body_bytes
                                : kind == Body::csv ? options().import_body_bytes
                                                    : kNoBodyLimit;
    auto length = parser_->content_length();
    const bool has_body = parser_->chunked() || (length && *length > 0);
    const std::string media = mediaType(request_.header("content-type"));
    if (kind == Body::json && has_body && media != "application/json")
      return refuse(refusal(Errc::unsupported_media, "request body must be application/json"));
    if (kind == Body::csv && media != "text/csv" && media != "application/csv")
      return refuse(refusal(Errc::unsupported_media, "request body must be text/csv"));
    if (length && *length > limit)
      return send(tooLarge(limit), false);

    body_limit_ = limit;
    parser_->body_limit(limit);
    if (parser_->is_done()) return dispatch();
    if (lower(request_.header("expect")) == "100-continue") {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
      outgoing_ = cont;
      stream_.expires_after(options().request_timeout);
      return http::async_write(stream_, *cont, [self = shared_from_this()](beast::error_code ec, std::size_t) {
        self->outgoing_.reset();
        if (ec) return self->close();
        self->readBody();
      });
    }
    readBody();
  }

  static Response tooLarge(std::uint64_t limit) {
    return refusal(Errc::payload_too_large, "request body larger than " + std::to_string(limit) + " bytes");
  }

  void readBody() {
    stream_.expires_after(options().request_timeout);
    buffer_.reserve(kBodyReadChunk);
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&Session::onBody, shared_from_this()));
  }

  void onBody(beast::error_code ec, std::size_t) {
    if (ec == http::error::body_limit) return send(tooLarge(body_limit_), false);
    if (ec) return close();
    request_.body = std::move(parser_->get().body());
    dispatch();
  }

  Response handle() {
    try {
      return (*match_.handler)(request_);
    } catch (const std::exception& e) {
      // A store call outside Database::with that met another writer's lock: retry, not a fault.
      if (isBusy(e)) return errorResponse(Error::busy());
      spdlog::error("{} {}: handler failed: {}", request_.method, match_.route, describe(e));
    } catch (...) {
      spdlog::error("{} {}: handler failed", request_.method, match_.route);
    }
    return internalError();
  }

  void dispatch() {
    if (match_.options.on_io_thread) {
      Database::ReservedScope reserved;  // a read here never waits for a pool connection
      return send(handle(), parser_->get().keep_alive());
    }
    if (server_->metrics) server_->metrics->handlerStarted();
    net::post(server_->workers, [self = shared_from_this()] {
      Response r = self->handle();
      if (self->server_->metrics) self->server_->metrics->handlerFinished();
      net::post(self->stream_.get_executor(), [self, r = std::move(r)]() mutable {
        self->send(std::move(r), self->parser_->get().keep_alive());
      });
    });
  }

  // An early refusal (404, 401, 415...) while the request's body is still on the wire: a small body is
  // read and dropped so the connection stays open for the next request (a client retries on it after a
  // 401); a large one, or one the client holds back until a 100 Continue, is not worth it: close.
  void refuse(Response r) {
    if (parser_->is_done()) return send(std::move(r), parser_->get().keep_alive());
    auto length = parser_->content_length();
    const bool small = length && *length <= kNoBodyLimit;
    if (!small || over_capacity_ || lower(request_.header("expect")) == "100-continue")
      return send(std::move(r), false);
    parser_->body_limit(kNoBodyLimit);
    stream_.expires_after(options().idle_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this(), r = std::move(r)](beast::error_code ec, std::size_t) mutable {
                       if (ec) return self->close();
                       self->send(std::move(r), self->parser_->get().keep_alive());
                     });
  }

  void send(Response r, bool keep_alive) {
    if (server_->stopping || over_capacity_) keep_alive = false;
    const auto& req = parser_->get();
    unsigned version = req.version() == 10 ? 10 : 11;
    auto res = std::make_shared<http::response<http::string_body>>();
    res->version(version);
    res->result(static_cast<unsigned>(r.status));
    if (!r.content_type.empty()) res->set(http::field::content_type, r.content_type);
    for (auto& [name, value] : r.headers) res->insert(name, value);  // insert: Set-Cookie may repeat
    res->keep_alive(keep_alive);
    res->body() = std::move(r.body);
    res->prepare_payload();

    const std::string route = match_.route.empty() ? "unmatched" : match_.route;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    if (server_->metrics) server_->metrics->observe(route, r.status, seconds);
    spdlog::debug("{} {} {} {:.1f}ms", request_.method.empty() ? "-" : request_.method, route, r.status,
                  seconds * 1000);

    const bool unread_body = !parser_->is_done();
    outgoing_ = res;
    stream_.expires_after(options().request_timeout);
    http::async_write(stream_, *res,
                      [self = shared_from_this(), keep_alive, unread_body](beast::error_code ec, std::size_t) {
                        self->outgoing_.reset();
                        if (ec) return self->close();
                        if (!keep_alive) return unread_body ? self->linger() : self->close();
                        self->readHeader();
                      });
  }

  void linger() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(kLingerTime);
    drain_ = std::make_unique<std::array<char, 16384>>();
    drain();
  }

  void drain() {
    stream_.async_read_some(net::buffer(*drain_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->close();
      self->drain();
    });
  }

  void close() {
    if (!stream_.socket().is_open()) return;
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::shared_ptr<ServerCore> server_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Router::Match match_;
  Request request_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  bool idle_ = false;
  bool over_capacity_ = false;
  std::uint64_t body_limit_ = kNoBodyLimit;
  std::shared_ptr<void> outgoing_;  // the message being written
  std::unique_ptr<std::array<char, 16384>> drain_;
};

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
  auto session = std::make_shared<Session>(std::move(socket), shared_from_this());
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

}  // namespace

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
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard lock(core.mutex);
      for (auto& [ptr, weak] : core.sessions)
        if (auto s = weak.lock()) live.push_back(std::move(s));
    }
    for (auto& s : live) fn(*s);
  };
  each([](Session& s) { s.closeIfIdle(); });

  std::unique_lock lock(core.mutex);
  if (!core.sessions_done.wait_for(lock, grace, [&] { return core.sessions.empty(); })) {
    spdlog::warn("{} connection(s) still busy after the shutdown grace period; closing them", core.sessions.size());
    lock.unlock();
    each([](Session& s) { s.forceClose(); });
    lock.lock();
    core.sessions_done.wait_for(lock, std::chrono::seconds(1), [&] { return core.sessions.empty(); });
  }
  lock.unlock();
  core.workers.join();
}

std::uint16_t HttpServer::port() const { return impl_->port; }

}  // namespace fk
