#include "sources/curl_http_client.hpp"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

namespace fk {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

// A one-connection-at-a-time HTTP server on 127.0.0.1 that answers every request with `reply`
// (or stays silent when it is empty) and keeps the raw requests it read.
class TinyServer {
 public:
  explicit TinyServer(std::string reply) : reply_(std::move(reply)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 8) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      throw std::runtime_error("cannot listen");
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~TinyServer() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::string url(const std::string& path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::vector<std::string> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void run() {
    while (!stop_) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string in;
      char buf[4096];
      while (true) {
        auto head_end = in.find("\r\n\r\n");
        if (head_end != std::string::npos) {
          auto cl = in.find("Content-Length: ");
          std::size_t need = cl == std::string::npos ? 0 : std::stoul(in.substr(cl + 16));
          if (in.size() >= head_end + 4 + need) break;
        }
        ssize_t n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        in.append(buf, static_cast<std::size_t>(n));
      }
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(in);
      }
      if (reply_.empty()) {
        while (!stop_) std::this_thread::sleep_for(10ms);  // never answers
      } else {
        ::send(c, reply_.data(), reply_.size(), MSG_NOSIGNAL);
      }
      ::close(c);
    }
  }

  std::string reply_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::string> requests_;
};

api::TimePoint in(std::chrono::milliseconds d) {
  return api::Clock::now() + d;
}

TEST(CurlHttpClient, GetReturnsStatusLowercaseHeadersAndBody) {
  TinyServer server(
      "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\nContent-Type: application/json\r\n"
      "Content-Length: 11\r\nConnection: close\r\n\r\n{\"a\":\"b c\"}");
  CurlHttpClient client;
  api::HttpRequest request;
  request.url = server.url("/admin/directory/v1/x?maxResults=3");
  request.headers = {{"authorization", "Bearer ya29.test"}, {"accept", "application/json"}};
  auto out = client.send(request, in(5s));
  ASSERT_TRUE(out.response) << out.error;
  EXPECT_EQ(out.response->status, 429);
  EXPECT_EQ(out.response->header("retry-after"), "7");
  EXPECT_EQ(out.response->header("content-type"), "application/json");
  EXPECT_EQ(out.response->body, "{\"a\":\"b c\"}");
  ASSERT_EQ(server.requests().size(), 1u);
  std::string seen = server.requests()[0];
  EXPECT_THAT(seen, ::testing::StartsWith("GET /admin/directory/v1/x?maxResults=3 HTTP/1.1\r\n"));
  EXPECT_THAT(seen, HasSubstr("authorization: Bearer ya29.test\r\n"));
}

TEST(CurlHttpClient, PostSendsTheBody) {
  TinyServer server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
  CurlHttpClient client;
  api::HttpRequest request;
  request.method = "POST";
  request.url = server.url("/token");
  request.headers = {{"content-type", "application/x-www-form-urlencoded"}};
  request.body = "grant_type=x&assertion=a.b.c";
  auto out = client.send(request, in(5s));
  ASSERT_TRUE(out.response) << out.error;
  EXPECT_EQ(out.response->status, 200);
  std::string seen = server.requests().at(0);
  EXPECT_THAT(seen, ::testing::StartsWith("POST /token HTTP/1.1\r\n"));
  EXPECT_THAT(seen, HasSubstr("Content-Length: 28\r\n"));
  EXPECT_THAT(seen, ::testing::EndsWith("\r\n\r\ngrant_type=x&assertion=a.b.c"));
  EXPECT_THAT(seen, ::testing::Not(HasSubstr("Expect:")));
}

TEST(CurlHttpClient, RedirectsAreReturnedNotFollowed) {
  TinyServer server(
      "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/elsewhere\r\nContent-Length: 0\r\n\r\n");
  CurlHttpClient client;
  api::HttpRequest request;
  request.url = server.url();
  auto out = client.send(request, in(5s));
  ASSERT_TRUE(out.response) << out.error;
  EXPECT_EQ(out.response->status, 302);
  EXPECT_EQ(out.response->header("location"), "http://127.0.0.1:1/elsewhere");
}

TEST(CurlHttpClient, StopsAtTheDeadline) {
  TinyServer server("");  // accepts, never answers
  CurlHttpClient client;
  api::HttpRequest request;
  request.url = server.url();
  auto started = std::chrono::steady_clock::now();
  auto out = client.send(request, in(300ms));
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_FALSE(out.response);
  EXPECT_THAT(out.error, HasSubstr("timed out"));
  EXPECT_LT(took, 3s);
  EXPECT_GE(took, 250ms);
}

TEST(CurlHttpClient, CancellationStopsAWaitingRequest) {
  TinyServer server("");
  CurlHttpClient client;
  api::HttpRequest request;
  request.url = server.url();
  auto started = std::chrono::steady_clock::now();
  auto out = client.sendCancellable(request, in(30s),
                                    [&] { return std::chrono::steady_clock::now() - started > 200ms; });
  EXPECT_FALSE(out.response);
  EXPECT_EQ(out.error, "cancelled");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST(CurlHttpClient, PassedDeadlineSendsNothing) {
  TinyServer server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
  CurlHttpClient client;
  api::HttpRequest request;
  request.url = server.url();
  auto out = client.send(request, api::Clock::now() - 1s);
  EXPECT_FALSE(out.response);
  EXPECT_TRUE(server.requests().empty());
}

TEST(CurlHttpClient, RefusedConnectionIsATransportError) {
  int port = 0;
  {
    TinyServer gone("x");
    port = std::stoi(gone.url().substr(17));
  }
  CurlHttpClient client;
  api::HttpRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(port) + "/";
  auto out = client.send(request, in(5s));
  EXPECT_FALSE(out.response);
  EXPECT_FALSE(out.error.empty());
}

TEST(CurlHttpClient, OversizedBodyIsAnError) {
  std::string body(10000, 'x');
  TinyServer server("HTTP/1.1 200 OK\r\nContent-Length: 10000\r\nConnection: close\r\n\r\n" + body);
  CurlHttpClient client(CurlHttpClient::Options{.max_response_bytes = 1000});
  api::HttpRequest request;
  request.url = server.url();
  auto out = client.send(request, in(5s));
  EXPECT_FALSE(out.response);
  EXPECT_THAT(out.error, HasSubstr("larger than 1000 bytes"));
}

TEST(CurlHttpClient, OnlyHttpAndHttps) {
  CurlHttpClient client;
  api::HttpRequest request;
  request.url = "file:///etc/hostname";
  auto out = client.send(request, in(5s));
  EXPECT_FALSE(out.response);
}

TEST(CurlHttpClient, PooledHandlesServeManyRequests) {
  TinyServer server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
  CurlHttpClient client;
  for (int i = 0; i < 6; ++i) {
    api::HttpRequest request;
    request.url = server.url("/" + std::to_string(i));
    if (i % 2) {
      request.method = "POST";
      request.body = "n=" + std::to_string(i);
    }
    auto out = client.send(request, in(5s));
    ASSERT_TRUE(out.response) << out.error;
    EXPECT_EQ(out.response->body, "ok");
  }
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 6u);
  EXPECT_THAT(seen[2], ::testing::StartsWith("GET /2 "));  // a pooled handle forgets the last POST
  EXPECT_THAT(seen[3], ::testing::EndsWith("n=3"));
}

}  // namespace
}  // namespace fk
