#pragma once

#include <cstddef>
#include <functional>
#include <mutex>
#include <vector>

#include "api/source.hpp"

namespace fk {

// The HTTP client the daemon lends source plugins, over libcurl. Thread-safe: sources poll on their own
// threads. Idle easy handles are pooled so connections and TLS sessions are reused between the pages
// of a listing. Redirects are not followed (a token or API endpoint that redirects is misconfigured,
// and following would resend the Authorization header), TLS peers are verified, only http and https
// are spoken, and nothing about a request or response is logged here.
class CurlHttpClient : public api::HttpClient {
 public:
  struct Options {
    std::size_t max_response_bytes = 256u << 20;  // a bigger body is an error, not an allocation
    long connect_timeout_ms = 10000;              // capped by the deadline
    std::size_t pool_size = 4;
  };
  CurlHttpClient();
  explicit CurlHttpClient(Options options);
  ~CurlHttpClient() override;
  CurlHttpClient(const CurlHttpClient&) = delete;
  CurlHttpClient& operator=(const CurlHttpClient&) = delete;

  Outcome send(const api::HttpRequest& request, api::TimePoint deadline) override;
  // Checks `cancelled` several times a second while the transfer runs (libcurl's progress callback).
  Outcome sendCancellable(const api::HttpRequest& request, api::TimePoint deadline,
                          const std::function<bool()>& cancelled) override;

 private:
  void* take();
  void give(void* handle);

  Options options_;
  std::mutex mutex_;
  std::vector<void*> idle_;  // CURL*, kept opaque so the header needs no curl include
};

}  // namespace fk
