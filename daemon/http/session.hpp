#pragma once

// One HTTP connection: reads requests one after another, checks the caller and the body, runs the
// handler (on the worker pool, or on the I/O thread for on_io_thread routes) and writes the answer.
// session.cpp has the request cycle; session_stream.cpp the bodies read and written in pieces.

#include <array>
#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "http/body_pipe.hpp"
#include "http/request.hpp"
#include "http/router.hpp"
#include "http/server_core.hpp"
#include "store/token_store.hpp"

namespace fk {

namespace session_limits {
inline constexpr std::uint32_t kHeaderLimit = 16 * 1024;
inline constexpr std::uint64_t kNoBodyLimit = 64 * 1024;
// After refusing a request whose body we never read, keep reading (and discarding) for a while before
// closing: closing with unread input makes the kernel send RST, and the client may lose our response.
inline constexpr std::chrono::seconds kLingerTime{5};
// Beast reads into whatever the buffer has spare (at least 512 bytes), and after a header that is
// little: a 20 MiB import then took ~40,000 reads, each with its own timer and strand hand-off.
inline constexpr std::size_t kBodyReadChunk = 64 * 1024;
// Pieces of a streamed body waiting for the handler: enough to keep both sides busy, little memory.
inline constexpr std::size_t kBodyPiecesWaiting = 4;
// An over-the-cap connection gets this long to send its request header.
inline constexpr std::chrono::seconds kOverflowHeaderTime{5};
}  // namespace session_limits

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<ServerCore> server)
      : stream_(std::move(socket)), server_(std::move(server)) {}
  ~HttpSession() { server_->forget(this); }

  // `over_capacity`: the server already serves max_connections; this one gets one answer and is closed.
  void start(bool over_capacity);
  // Called on stop(): a connection waiting for its next request goes now, a busy one after its response.
  void closeIfIdle();
  void forceClose();

 private:
  using error_code = boost::beast::error_code;
  // The caller, nullopt for an unknown or expired credential, or the answer to send instead (503 while
  // the database is busy).
  using Checked = std::expected<std::optional<Principal>, Response>;
  // How a body read in pieces ended, when it did not simply end.
  enum class BodyFailure { none, too_large, broken };

  const ServerOptions& options() const { return server_->options; }

  // session.cpp: the request cycle.
  void readHeader();
  void onHeader(error_code ec, std::size_t);
  Checked checkCredentials(const std::string& token, const std::string& session);
  std::optional<Principal> lookUp(const std::string& token, const std::string& session);
  void authenticate();
  void unauthorized();
  bool csrfOk(const Principal& who);
  void afterAuth(Checked checked);
  void checkBody();
  void readBody();
  void onBody(error_code ec, std::size_t);
  Response handle();
  void dispatch();
  void refuse(Response r);
  void send(Response r, bool keep_alive);
  // Request metrics and the debug line, once the answer is out (or, streamed, all of it).
  void observe(int status);
  bool bodyDone() const;
  void linger();
  void drain();
  void close();
  static Response tooLarge(std::uint64_t limit);

  // session_stream.cpp: a body read as it arrives (RouteOptions::stream_body) ...
  void startBodyStream();
  void readBodyPiece();
  void onBodyPiece(error_code ec, std::size_t);
  void resumeBody();
  void bodyFailed(BodyFailure failure);
  void onHandled(Response r);
  void respondWhenReady();
  // ... and an answer written in pieces (Response::stream).
  void sendStream(Response r, bool keep_alive);
  void producePiece();
  void writePiece(std::string piece, bool more);

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<ServerCore> server_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  Router::Match match_;
  Request request_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  unsigned version_ = 11;       // the request's HTTP version, 10 or 11
  bool wants_keep_alive_ = true;  // what the request's header asks for
  bool idle_ = false;
  bool over_capacity_ = false;
  std::uint64_t body_limit_ = 0;
  std::shared_ptr<void> outgoing_;  // the message being written
  // The bearer token this connection last proved (TokenStore::authenticate): a script or a desk sends
  // the same one on every request of a keep-alive connection.
  ProvenToken proven_;
  std::unique_ptr<std::array<char, 16384>> drain_;

  // A streamed request body (all on the connection's strand).
  std::optional<boost::beast::http::request_parser<boost::beast::http::buffer_body>> stream_parser_;
  std::shared_ptr<BodyPipe> pipe_;
  std::string piece_;                        // being filled from the socket
  std::chrono::steady_clock::duration body_time_left_{};  // request_timeout, less the time spent reading
  std::chrono::steady_clock::time_point read_started_{};
  bool body_paused_ = false;                 // waiting for the handler to take a piece
  bool body_complete_ = false;
  BodyFailure body_failure_ = BodyFailure::none;
  std::optional<Response> handled_;          // the handler's answer, once it has one

  // A streamed response.
  std::shared_ptr<void> serializer_;
  std::function<bool(std::string&)> producer_;
  std::string out_piece_;  // being written
  int stream_status_ = 0;
  bool stream_keep_alive_ = false;
};

}  // namespace fk
