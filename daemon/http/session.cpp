#include "http/session.hpp"

#include <algorithm>
#include <limits>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "core/text.hpp"
#include "http/browser.hpp"
#include "http/server_support.hpp"
#include "metrics/http_metrics.hpp"
#include "store/database.hpp"
#include "store/session_store.hpp"
#include "store/token_store.hpp"

namespace fk {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
// Named, not `using namespace`: a unity build pastes the next file after this one.
using server_support::describe, server_support::internalError, server_support::mediaType,
    server_support::overCapacity, server_support::parseQuery,
    server_support::refusal, server_support::trim;
using session_limits::kBodyReadChunk, session_limits::kHeaderLimit, session_limits::kLingerTime,
    session_limits::kNoBodyLimit, session_limits::kOverflowHeaderTime;

void HttpSession::start(bool over_capacity) {
  over_capacity_ = over_capacity;
  net::dispatch(stream_.get_executor(), beast::bind_front_handler(&HttpSession::readHeader, shared_from_this()));
}

void HttpSession::closeIfIdle() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    if (self->idle_ && self->buffer_.size() == 0) self->close();
  });
}

void HttpSession::forceClose() {
  net::post(stream_.get_executor(), [self = shared_from_this()] { self->close(); });
}

void HttpSession::readHeader() {
  parser_.emplace();
  stream_parser_.reset();
  pipe_.reset();
  handled_.reset();
  body_paused_ = body_complete_ = false;
  body_failure_ = BodyFailure::none;
  parser_->header_limit(kHeaderLimit);
  // The parser checks Content-Length against the body limit while parsing the header; the real
  // limit depends on the route, so it is set once the header is in (checkBody). Not boost::none:
  // Beast 1.74 compares `length > none`, which is always true.
  parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
  request_ = Request{};
  match_ = Router::Match{};
  version_ = 11;
  wants_keep_alive_ = true;
  idle_ = true;
  if (server_->stopping && buffer_.size() == 0) return close();
  stream_.expires_after(over_capacity_ ? std::min(options().idle_timeout, kOverflowHeaderTime)
                                       : options().idle_timeout);
  http::async_read_header(stream_, buffer_, *parser_, beast::bind_front_handler(&HttpSession::onHeader, shared_from_this()));
}

void HttpSession::onHeader(error_code ec, std::size_t) {
  idle_ = false;
  started_ = std::chrono::steady_clock::now();
  if (ec == http::error::header_limit)
    return send(refusal(431, "payload_too_large", "request header larger than 16 KiB"), false);
  if (ec && ec.category() == beast::http::make_error_code(http::error::bad_target).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message)
    return send(refusal(400, "invalid", "malformed HTTP request"), false);
  if (ec) return close();

  auto& req = parser_->get();
  version_ = req.version() == 10 ? 10 : 11;
  wants_keep_alive_ = req.keep_alive();
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
    auto& slot = request_.headers[lowerAscii(std::string_view(field.name_string().data(), field.name_string().size()))];
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

HttpSession::Checked HttpSession::checkCredentials(const std::string& token, const std::string& session) {
  try {
    return lookUp(token, session);
  } catch (const std::exception& e) {
    if (isBusy(e)) return std::unexpected(errorResponse(Error::busy()));
    spdlog::error("credential check failed: {}", describe(e));
    return std::optional<Principal>();
  }
}

std::optional<Principal> HttpSession::lookUp(const std::string& token, const std::string& session) {
  // The reserved connections: a credential check never waits for a pool connection that writers
  // queued on the write lock are holding.
  Database::ReservedScope reserved;
  if (!token.empty()) {
    if (auto info = server_->tokens.authenticate(token, &proven_))
      return Principal{Principal::Kind::token, info->name, info->role, info->scope, {}};
    return std::nullopt;
  }
  return options().session_auth(session);
}

void HttpSession::authenticate() {
  const std::string header = request_.header("authorization");
  std::string_view auth = trim(header);
  std::string token;
  if (auth.size() > 7 && lowerAscii(auth.substr(0, 7)) == "bearer ") token = std::string(trim(auth.substr(7)));
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

void HttpSession::unauthorized() {
  Response r = refusal(Errc::unauthorized, "not signed in: missing or invalid bearer token or session");
  r.headers.emplace_back("WWW-Authenticate", "Bearer");
  refuse(std::move(r));
}

// Cross-site request forgery: a session cookie rides along on requests other sites' pages make, so a
// session call that changes something must prove it comes from our own page.
bool HttpSession::csrfOk(const Principal& who) {
  if (who.kind != Principal::Kind::user) return true;
  if (!sameOrigin(request_)) return false;
  const std::string& m = request_.method;
  if (m == "GET" || m == "HEAD" || m == "OPTIONS") return true;
  return csrfMatches(who.session_id, request_.header("x-csrf-token"));
}

void HttpSession::afterAuth(Checked checked) {
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

void HttpSession::checkBody() {
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
  if (length && *length > limit) return send(tooLarge(limit), false);

  body_limit_ = limit;
  parser_->body_limit(limit);
  if (parser_->is_done()) return dispatch();
  const bool streamed = match_.options.stream_body;
  if (lowerAscii(request_.header("expect")) == "100-continue") {
    auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
    outgoing_ = cont;
    stream_.expires_after(options().request_timeout);
    return http::async_write(stream_, *cont, [self = shared_from_this(), streamed](beast::error_code ec, std::size_t) {
      self->outgoing_.reset();
      if (ec) return self->close();
      streamed ? self->startBodyStream() : self->readBody();
    });
  }
  streamed ? startBodyStream() : readBody();
}

Response HttpSession::tooLarge(std::uint64_t limit) {
  return refusal(Errc::payload_too_large, "request body larger than " + std::to_string(limit) + " bytes");
}

void HttpSession::readBody() {
  stream_.expires_after(options().request_timeout);
  buffer_.reserve(kBodyReadChunk);
  http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&HttpSession::onBody, shared_from_this()));
}

void HttpSession::onBody(error_code ec, std::size_t) {
  if (ec == http::error::body_limit) return send(tooLarge(body_limit_), false);
  if (ec) return close();
  request_.body = std::move(parser_->get().body());
  dispatch();
}

Response HttpSession::handle() {
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

void HttpSession::dispatch() {
  if (match_.options.on_io_thread) {
    Database::ReservedScope reserved;  // a read here never waits for a pool connection
    return send(handle(), wants_keep_alive_);
  }
  if (server_->metrics) server_->metrics->handlerStarted();
  net::post(server_->workers, [self = shared_from_this()] {
    Response r = self->handle();
    if (self->server_->metrics) self->server_->metrics->handlerFinished();
    net::post(self->stream_.get_executor(), [self, r = std::move(r)]() mutable { self->onHandled(std::move(r)); });
  });
}

// An early refusal (404, 401, 415...) while the request's body is still on the wire: a small body is
// read and dropped so the connection stays open for the next request (a client retries on it after a
// 401); a large one, or one the client holds back until a 100 Continue, is not worth it: close.
void HttpSession::refuse(Response r) {
  if (parser_->is_done()) return send(std::move(r), wants_keep_alive_);
  auto length = parser_->content_length();
  const bool small = length && *length <= kNoBodyLimit;
  if (!small || over_capacity_ || lowerAscii(request_.header("expect")) == "100-continue")
    return send(std::move(r), false);
  parser_->body_limit(kNoBodyLimit);
  stream_.expires_after(options().idle_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this(), r = std::move(r)](beast::error_code ec, std::size_t) mutable {
                     if (ec) return self->close();
                     self->send(std::move(r), self->wants_keep_alive_);
                   });
}

bool HttpSession::bodyDone() const { return stream_parser_ ? stream_parser_->is_done() : parser_->is_done(); }

void HttpSession::observe(int status) {
  const std::string route = match_.route.empty() ? "unmatched" : match_.route;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  if (server_->metrics) server_->metrics->observe(route, status, seconds);
  spdlog::debug("{} {} {} {:.1f}ms", request_.method.empty() ? "-" : request_.method, route, status, seconds * 1000);
}

void HttpSession::send(Response r, bool keep_alive) {
  if (server_->stopping || over_capacity_) keep_alive = false;
  if (r.stream) return sendStream(std::move(r), keep_alive);
  auto res = std::make_shared<http::response<http::string_body>>();
  res->version(version_);
  res->result(static_cast<unsigned>(r.status));
  if (!r.content_type.empty()) res->set(http::field::content_type, r.content_type);
  for (auto& [name, value] : r.headers) res->insert(name, value);  // insert: Set-Cookie may repeat
  res->keep_alive(keep_alive);
  res->body() = std::move(r.body);
  res->prepare_payload();
  observe(r.status);

  const bool unread_body = !bodyDone();
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

void HttpSession::linger() {
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream_.expires_after(kLingerTime);
  drain_ = std::make_unique<std::array<char, 16384>>();
  drain();
}

void HttpSession::drain() {
  stream_.async_read_some(net::buffer(*drain_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec) return self->close();
    self->drain();
  });
}

void HttpSession::close() {
  // A handler still reading the body must not wait for pieces that will never come.
  if (pipe_ && !body_complete_) pipe_->abort("the connection closed");
  if (!stream_.socket().is_open()) return;
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.close();
}

}  // namespace fk
