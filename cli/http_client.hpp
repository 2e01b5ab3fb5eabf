#pragma once

#include <cstdio>
#include <expected>
#include <filesystem>
#include <string>

namespace fkcli {

struct HttpResponse {
  long status = 0;
  std::string content_type;
  std::string body;  // empty when the body was streamed into a sink
};

// Why a request got no HTTP answer: a local problem (file unreadable or unwritable) or the network.
struct ClientError {
  enum class Kind { local, network } kind = Kind::network;
  std::string message;
};

// A thin libcurl wrapper: one request at a time, bearer token on every call, http:// and https:// only.
// Transport failures (refused connection, DNS, TLS) come back as a ClientError; any HTTP status,
// including 4xx/5xx, is a response.
class HttpClient {
 public:
  HttpClient(std::string base_url, std::string token);

  std::expected<HttpResponse, ClientError> send(const std::string& method, const std::string& target,
                                                const std::string& body = {},
                                                const std::string& content_type = {});
  // Streams `file` as the request body, so a large import never sits in memory.
  std::expected<HttpResponse, ClientError> upload(const std::string& method, const std::string& target,
                                                  const std::filesystem::path& file,
                                                  const std::string& content_type);
  // Streams a 2xx body into `sink`; other statuses keep their body in the response for the error message.
  std::expected<HttpResponse, ClientError> download(const std::string& target, std::FILE* sink);

  const std::string& baseUrl() const { return base_url_; }

 private:
  std::string base_url_;
  std::string token_;
};

// True for http:// and https:// URLs: the only schemes the client will talk to.
bool isSupportedUrl(const std::string& url);

// Percent-encodes one path segment or query value. Keeps ':' and '@' so refs like "tag:CB-1" stay readable.
std::string encodeComponent(const std::string& text);

}  // namespace fkcli
