// Bodies in pieces: a request body handed to its handler as it arrives (an import of hundreds of MiB
// is never held whole), and a response written with chunked transfer encoding as its handler's
// producer makes it (an export of a million devices never built as one string).

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "http/server_support.hpp"
#include "http/session.hpp"
#include "metrics/http_metrics.hpp"

namespace fk {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
// Named, not `using namespace`: a unity build pastes the next file after this one.
using server_support::describe;
using session_limits::kBodyPiecesWaiting, session_limits::kBodyReadChunk;

// The handler starts now and reads the body from pipe_ while this side fills it. Both must end before
// the answer goes out: the handler's answer waits for the rest of the body (so the connection can carry
// the next request), and a body that fails decides the answer itself (413, or none to a closed one).
void HttpSession::startBodyStream() {
  stream_parser_.emplace(std::move(*parser_));
  parser_.reset();  // a moved-from parser may only be destroyed
  stream_parser_->body_limit(body_limit_);
  const auto length = stream_parser_->content_length();
  pipe_ = std::make_shared<BodyPipe>(kBodyPiecesWaiting, length ? static_cast<std::size_t>(*length) : 0);
  request_.body_stream = pipe_;
  // The request timeout bounds the time spent waiting for the client, not the time the handler takes
  // to catch up: a paused read (pipe full) does not count.
  body_time_left_ = options().request_timeout;
  buffer_.reserve(kBodyReadChunk);
  dispatch();
  readBodyPiece();
}

void HttpSession::readBodyPiece() {
  if (piece_.capacity() < kBodyReadChunk) piece_ = pipe_->spare();
  piece_.resize(kBodyReadChunk);
  auto& body = stream_parser_->get().body();
  body.data = piece_.data();
  body.size = piece_.size();
  read_started_ = std::chrono::steady_clock::now();
  stream_.expires_after(std::max(body_time_left_, std::chrono::steady_clock::duration::zero()));
  http::async_read(stream_, buffer_, *stream_parser_,
                   beast::bind_front_handler(&HttpSession::onBodyPiece, shared_from_this()));
}

void HttpSession::onBodyPiece(error_code ec, std::size_t) {
  body_time_left_ -= std::chrono::steady_clock::now() - read_started_;
  if (ec == http::error::need_buffer) ec = {};  // the piece is full
  if (ec == http::error::body_limit) return bodyFailed(BodyFailure::too_large);
  if (ec) return bodyFailed(BodyFailure::broken);
  piece_.resize(kBodyReadChunk - stream_parser_->get().body().size);
  bool room = true;
  // Once the handler has answered, the rest of the body is read and dropped.
  if (!handled_ && !piece_.empty()) {
    room = pipe_->put(std::move(piece_));
    piece_ = {};
  }
  if (stream_parser_->is_done()) {
    body_complete_ = true;
    pipe_->finish();
    return respondWhenReady();
  }
  if (!room) {
    body_paused_ = true;
    std::weak_ptr<HttpSession> weak = shared_from_this();
    const bool waiting = pipe_->whenRoom([weak] {
      if (auto self = weak.lock()) net::post(self->stream_.get_executor(), [self] { self->resumeBody(); });
    });
    if (waiting) return;
    body_paused_ = false;
  }
  readBodyPiece();
}

void HttpSession::resumeBody() {
  if (!body_paused_ || body_failure_ != BodyFailure::none) return;
  body_paused_ = false;
  readBodyPiece();
}

void HttpSession::bodyFailed(BodyFailure failure) {
  body_failure_ = failure;
  pipe_->abort(failure == BodyFailure::too_large ? "larger than " + std::to_string(body_limit_) + " bytes"
                                                 : "the connection closed or timed out");
  if (failure == BodyFailure::broken) close();
  respondWhenReady();
}

void HttpSession::onHandled(Response r) {
  if (!pipe_) return send(std::move(r), wants_keep_alive_);
  handled_ = std::move(r);
  request_.body_stream.reset();
  // The handler stopped reading before the end (a refusal): read on, dropping what comes.
  if (body_paused_ && body_failure_ == BodyFailure::none) {
    body_paused_ = false;
    readBodyPiece();
  }
  respondWhenReady();
}

void HttpSession::respondWhenReady() {
  if (!handled_) return;
  switch (body_failure_) {
    case BodyFailure::too_large: return send(tooLarge(body_limit_), false);
    case BodyFailure::broken: return close();
    case BodyFailure::none: break;
  }
  if (!body_complete_) return;
  Response r = std::move(*handled_);
  handled_.reset();
  send(std::move(r), wants_keep_alive_);
}

void HttpSession::sendStream(Response r, bool keep_alive) {
  using Message = http::response<http::buffer_body>;
  auto res = std::make_shared<Message>();
  res->version(version_);
  res->result(static_cast<unsigned>(r.status));
  if (!r.content_type.empty()) res->set(http::field::content_type, r.content_type);
  for (auto& [name, value] : r.headers) res->insert(name, value);
  // HTTP/1.0 has no chunked encoding: there the body ends where the connection does.
  if (version_ == 11) {
    res->chunked(true);
  } else {
    keep_alive = false;
  }
  res->keep_alive(keep_alive);
  auto serializer = std::make_shared<http::response_serializer<http::buffer_body>>(*res);
  outgoing_ = res;
  serializer_ = serializer;
  producer_ = std::move(r.stream);
  stream_status_ = r.status;
  stream_keep_alive_ = keep_alive;
  stream_.expires_after(options().request_timeout);
  http::async_write_header(stream_, *serializer, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec) return self->close();
    self->producePiece();
  });
}

// The producer reads the store: it runs on the worker pool, one piece at a time, between writes.
void HttpSession::producePiece() {
  net::post(server_->workers, [self = shared_from_this()] {
    std::string piece = std::move(self->out_piece_);
    piece.clear();
    bool more = false;
    try {
      more = self->producer_(piece);
    } catch (const std::exception& e) {
      spdlog::error("{} {}: streamed body failed: {}", self->request_.method, self->match_.route, describe(e));
      return net::post(self->stream_.get_executor(), [self] { self->close(); });
    }
    net::post(self->stream_.get_executor(), [self, piece = std::move(piece), more]() mutable {
      self->writePiece(std::move(piece), more);
    });
  });
}

void HttpSession::writePiece(std::string piece, bool more) {
  if (piece.empty() && more) return producePiece();
  out_piece_ = std::move(piece);
  auto& res = *std::static_pointer_cast<http::response<http::buffer_body>>(outgoing_);
  auto& serializer = *std::static_pointer_cast<http::response_serializer<http::buffer_body>>(serializer_);
  res.body().data = out_piece_.empty() ? nullptr : out_piece_.data();
  res.body().size = out_piece_.size();
  res.body().more = more;
  stream_.expires_after(options().request_timeout);
  http::async_write(stream_, serializer, [self = shared_from_this(), more](beast::error_code ec, std::size_t) {
    if (ec == http::error::need_buffer) ec = {};  // the piece is out; the serializer wants the next
    if (ec) return self->close();
    if (more) return self->producePiece();
    self->observe(self->stream_status_);
    self->producer_ = nullptr;
    self->serializer_.reset();
    self->outgoing_.reset();
    if (!self->stream_keep_alive_) return self->close();
    self->readHeader();
  });
}

}  // namespace fk
