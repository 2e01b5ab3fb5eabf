#include "http_client.hpp"

#include <curl/curl.h>

#include <cctype>
#include <memory>

namespace fkcli {
namespace {

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  ~CurlGlobal() { curl_global_cleanup(); }
};

void ensureGlobalInit() {
  static CurlGlobal global;
}

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct ListDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

// Where response bytes go: memory, or a sink file once the status is known to be 2xx.
struct BodyTarget {
  CURL* curl = nullptr;
  std::string* memory = nullptr;
  std::FILE* sink = nullptr;
  bool sink_failed = false;
};

size_t writeBody(char* data, size_t size, size_t count, void* user) {
  auto* target = static_cast<BodyTarget*>(user);
  const size_t bytes = size * count;
  if (target->sink != nullptr) {
    long status = 0;
    curl_easy_getinfo(target->curl, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300) {
      if (std::fwrite(data, 1, bytes, target->sink) != bytes) {
        target->sink_failed = true;
        return 0;  // aborts the transfer
      }
      return bytes;
    }
  }
  target->memory->append(data, bytes);
  return bytes;
}

size_t readFile(char* buffer, size_t size, size_t count, void* user) {
  return std::fread(buffer, 1, size * count, static_cast<std::FILE*>(user));
}

}  // namespace

HttpClient::HttpClient(std::string base_url, std::string token)
    : base_url_(std::move(base_url)), token_(std::move(token)) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

bool isSupportedUrl(const std::string& url) {
  return url.starts_with("http://") || url.starts_with("https://");
}

std::string encodeComponent(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == ':' || c == '@') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

namespace {

struct Call {
  std::unique_ptr<CURL, EasyDeleter> curl;
  std::unique_ptr<curl_slist, ListDeleter> headers;
  std::string body;
  BodyTarget target;
};

// Sets what every request shares: URL, schemes, auth, timeouts, the response sink.
void prepare(Call& call, const std::string& url, const std::string& token, const std::string& method,
             const std::string& content_type) {
  CURL* c = call.curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "fleetkeep-cli");
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "GET") curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);

  curl_slist* list = nullptr;
  const std::string auth = "Authorization: Bearer " + token;
  list = curl_slist_append(list, auth.c_str());
  list = curl_slist_append(list, "Accept: application/json, text/csv");
  // Without this, curl waits a second for "100 Continue" before sending a large upload.
  list = curl_slist_append(list, "Expect:");
  if (!content_type.empty()) list = curl_slist_append(list, ("Content-Type: " + content_type).c_str());
  call.headers.reset(list);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);

  call.target.curl = c;
  call.target.memory = &call.body;
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, writeBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &call.target);
}

std::expected<HttpResponse, ClientError> perform(Call& call) {
  CURL* c = call.curl.get();
  CURLcode rc = curl_easy_perform(c);
  if (call.target.sink_failed)
    return std::unexpected(ClientError{ClientError::Kind::local, "cannot write the output file"});
  if (rc != CURLE_OK) return std::unexpected(ClientError{ClientError::Kind::network, curl_easy_strerror(rc)});
  HttpResponse response;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  char* type = nullptr;
  curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &type);
  if (type != nullptr) response.content_type = type;
  response.body = std::move(call.body);
  return response;
}

std::expected<Call, ClientError> newCall() {
  ensureGlobalInit();
  Call call;
  call.curl.reset(curl_easy_init());
  if (!call.curl) return std::unexpected(ClientError{ClientError::Kind::local, "cannot initialise libcurl"});
  return call;
}

}  // namespace

std::expected<HttpResponse, ClientError> HttpClient::send(const std::string& method,
                                                          const std::string& target, const std::string& body,
                                                          const std::string& content_type) {
  auto call = newCall();
  if (!call) return std::unexpected(call.error());
  prepare(*call, base_url_ + target, token_, method, content_type);
  if (method != "GET") {
    curl_easy_setopt(call->curl.get(), CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(call->curl.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  return perform(*call);
}

std::expected<HttpResponse, ClientError> HttpClient::upload(const std::string& method,
                                                            const std::string& target,
                                                            const std::filesystem::path& file,
                                                            const std::string& content_type) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec)
    return std::unexpected(
        ClientError{ClientError::Kind::local, "cannot read " + file.string() + ": " + ec.message()});
  std::unique_ptr<std::FILE, FileCloser> in(std::fopen(file.c_str(), "rb"));
  if (!in) return std::unexpected(ClientError{ClientError::Kind::local, "cannot open " + file.string()});

  auto call = newCall();
  if (!call) return std::unexpected(call.error());
  prepare(*call, base_url_ + target, token_, method, content_type);
  CURL* c = call->curl.get();
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  // CURLOPT_UPLOAD implies PUT; the custom request line keeps the method we asked for.
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(c, CURLOPT_READFUNCTION, readFile);
  curl_easy_setopt(c, CURLOPT_READDATA, in.get());
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(size));
  return perform(*call);
}

std::expected<HttpResponse, ClientError> HttpClient::download(const std::string& target, std::FILE* sink) {
  auto call = newCall();
  if (!call) return std::unexpected(call.error());
  prepare(*call, base_url_ + target, token_, "GET", {});
  call->target.sink = sink;
  return perform(*call);
}

}  // namespace fkcli
