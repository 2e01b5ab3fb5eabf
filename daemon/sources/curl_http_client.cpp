#include "sources/curl_http_client.hpp"

#include <curl/curl.h>

#include <boost/algorithm/string/case_conv.hpp>
#include <boost/algorithm/string/classification.hpp>
#include <boost/algorithm/string/trim.hpp>

#include <algorithm>
#include <memory>
#include <string>

namespace fk {

namespace {

struct Received {
  api::HttpResponse response;
  std::size_t limit = 0;
  bool too_large = false;
};

size_t onBody(char* data, size_t size, size_t count, void* user) {
  auto* r = static_cast<Received*>(user);
  std::size_t n = size * count;
  if (r->response.body.size() + n > r->limit) {
    r->too_large = true;
    return 0;  // makes curl abort the transfer with CURLE_WRITE_ERROR
  }
  r->response.body.append(data, n);
  return n;
}

size_t onHeader(char* data, size_t size, size_t count, void* user) {
  auto* r = static_cast<Received*>(user);
  std::size_t n = size * count;
  std::string_view line(data, n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (line.starts_with("HTTP/")) {
    r->response.headers.clear();  // a new status line (100 Continue, proxy CONNECT): start over
    return n;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string name = boost::algorithm::to_lower_copy(std::string(line.substr(0, colon)), std::locale::classic());
  std::string_view value = boost::algorithm::trim_copy_if(line.substr(colon + 1), boost::algorithm::is_any_of(" \t"));
  r->response.headers.emplace_back(std::move(name), std::string(value));
  return n;
}

int onProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto& cancelled = *static_cast<const std::function<bool()>*>(user);
  return cancelled() ? 1 : 0;  // non-zero aborts the transfer
}

struct SlistFree {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

}  // namespace

CurlHttpClient::CurlHttpClient() : CurlHttpClient(Options{}) {}

CurlHttpClient::CurlHttpClient(Options options) : options_(options) {
  // Not thread-safe in every libcurl build, so once, before any source thread sends.
  static const CURLcode init = curl_global_init(CURL_GLOBAL_DEFAULT);
  (void)init;
}

CurlHttpClient::~CurlHttpClient() {
  for (void* h : idle_) curl_easy_cleanup(static_cast<CURL*>(h));
}

void* CurlHttpClient::take() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      void* h = idle_.back();
      idle_.pop_back();
      return h;
    }
  }
  return curl_easy_init();
}

void CurlHttpClient::give(void* handle) {
  // Drops this request's options (which point at its buffers and header list) but keeps the live
  // connections and TLS session cache, which is what the pool is for.
  curl_easy_reset(static_cast<CURL*>(handle));
  std::lock_guard lock(mutex_);
  if (idle_.size() < options_.pool_size) {
    idle_.push_back(handle);
    return;
  }
  curl_easy_cleanup(static_cast<CURL*>(handle));
}

api::HttpClient::Outcome CurlHttpClient::send(const api::HttpRequest& request, api::TimePoint deadline) {
  return sendCancellable(request, deadline, {});
}

api::HttpClient::Outcome CurlHttpClient::sendCancellable(const api::HttpRequest& request,
                                                         api::TimePoint deadline,
                                                         const std::function<bool()>& cancelled) {
  using namespace std::chrono;
  long remaining_ms = static_cast<long>(duration_cast<milliseconds>(deadline - api::Clock::now()).count());
  if (remaining_ms <= 0) return {std::nullopt, "deadline passed before the request was sent"};

  // Returns the handle to the pool on every path out of here.
  struct Lease {
    CurlHttpClient* client;
    CURL* handle;
    ~Lease() {
      if (handle) client->give(handle);
    }
  } lease{this, static_cast<CURL*>(take())};
  CURL* h = lease.handle;
  if (!h) return {std::nullopt, "cannot create an HTTP handle"};

  Received received;
  received.limit = options_.max_response_bytes;
  char error_text[CURL_ERROR_SIZE] = {0};
  std::unique_ptr<curl_slist, SlistFree> headers;
  for (const auto& [name, value] : request.headers) {
    std::string line = name + ": " + value;
    curl_slist* grown = curl_slist_append(headers.get(), line.c_str());
    if (!grown) return {std::nullopt, "out of memory"};
    (void)headers.release();
    headers.reset(grown);
  }
  // No "Expect: 100-continue" round trip for small POST bodies.
  if (curl_slist* grown = curl_slist_append(headers.get(), "Expect:")) {
    (void)headers.release();
    headers.reset(grown);
  }

  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for DNS timeouts
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, remaining_ms);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, std::min(remaining_ms, options_.connect_timeout_ms));
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");  // gzip: device listings compress ~10x
  curl_easy_setopt(h, CURLOPT_USERAGENT, "fleetkeepd");
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_text);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, onBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &received);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, onHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &received);
  if (cancelled) {
    curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, onProgress);
    curl_easy_setopt(h, CURLOPT_XFERINFODATA, &cancelled);
  }
  if (request.method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "POST") {
    curl_easy_setopt(h, CURLOPT_POST, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
      request.method == "PATCH") {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }

  CURLcode code = curl_easy_perform(h);
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);

  if (code != CURLE_OK) {
    if (received.too_large)
      return {std::nullopt, "response larger than " + std::to_string(options_.max_response_bytes) + " bytes"};
    // curl's messages name the host and port at most; the URL's query and the headers never appear.
    if (code == CURLE_ABORTED_BY_CALLBACK) return {std::nullopt, "cancelled"};
    std::string why = error_text[0] ? error_text : curl_easy_strerror(code);
    return {std::nullopt, code == CURLE_OPERATION_TIMEDOUT ? "timed out: " + why : why};
  }
  received.response.status = static_cast<int>(status);
  return {std::move(received.response), ""};
}

}  // namespace fk
