#pragma once

/// @file
/// A poll's HTTP calls, paced by the core: retries of 429 and 5xx with one back-off schedule inside the
/// poll's deadline, Retry-After in both of its forms, URL encoding and a cached bearer token. A plugin
/// keeps only what is particular to its API (which extra answers are worth a retry, how to read errors).
///
/// @code
/// api::RetryOptions retry{.max_retries = 3, .what = "device list page 2"};
/// auto sent = api::sendPaced(context, request, retry);
/// if (!sent) return sent.error();            // transport failure, deadline or cancellation
/// if (sent->response.status != 200)          // not retried, or retried until the pacing gave up
///   return api::PollResult::failure(reasonFor(sent->response), describe(sent->response) + sent->gave_up,
///                                   sent->retry_after);
/// @endcode

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "api/source.hpp"

namespace fk::api {

/// RFC 3986 percent-encoding of a URL component or form value: unreserved characters (letters, digits,
/// `-._~`) kept, every other byte as %XX.
inline std::string urlEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                            c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

/// Retry-After as delta-seconds ("120") or an HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT", counted from
/// `now`, never negative); at most a day. nullopt when absent or unreadable.
inline std::optional<std::chrono::seconds> parseRetryAfter(std::string_view value, TimePoint now) {
  constexpr std::chrono::seconds kMax{86400};
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  const auto number = [](std::string_view digits, std::int64_t& out) {
    if (digits.empty() || digits.size() > 9) return false;
    out = 0;
    for (const char c : digits) {
      if (c < '0' || c > '9') return false;
      out = out * 10 + (c - '0');
    }
    return true;
  };
  if (std::int64_t s = 0; number(value, s)) return std::min(std::chrono::seconds{s}, kMax);
  // IMF-fixdate, the one form RFC 9110 lets a server send.
  static constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (value.size() != 29 || value.substr(25) != " GMT") return std::nullopt;
  std::int64_t day = 0, year = 0, h = 0, m = 0, s = 0;
  const auto* month = std::find(kMonths.begin(), kMonths.end(), value.substr(8, 3));
  if (month == kMonths.end() || !number(value.substr(5, 2), day) || !number(value.substr(12, 4), year) ||
      !number(value.substr(17, 2), h) || !number(value.substr(20, 2), m) || !number(value.substr(23, 2), s))
    return std::nullopt;
  const std::chrono::year_month_day ymd{
      std::chrono::year{static_cast<int>(year)},
      std::chrono::month{static_cast<unsigned>(month - kMonths.begin() + 1)},
      std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok() || h > 23 || m > 59 || s > 60) return std::nullopt;
  // Compared in whole seconds: a date past 2262 converted to the clock's nanoseconds would overflow.
  const std::chrono::sys_seconds at =
      std::chrono::sys_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{m} + std::chrono::seconds{s};
  const auto wait = at - std::chrono::floor<std::chrono::seconds>(now);
  return std::clamp(std::chrono::duration_cast<std::chrono::seconds>(wait), std::chrono::seconds{0}, kMax);
}

/// The one back-off schedule for retries inside a poll: 1, 2, 4, 8, 16 s (plus the context's jitter),
/// never more than kCeiling. A wait longer than the ceiling (a long Retry-After) is not sat out inside
/// the poll: the poll fails and the core's scheduler honours the wait instead.
struct BackOff {
  static constexpr std::chrono::milliseconds kFirst{1000};
  static constexpr std::chrono::milliseconds kCeiling{30'000};
  static std::chrono::milliseconds step(int retry, std::chrono::milliseconds jitter) {
    const auto doubled = retry >= 5 ? kCeiling : kFirst * (1 << retry);
    return std::min(doubled + jitter, kCeiling);
  }
};

/// How one request is retried.
struct RetryOptions {
  /// Retries after the first attempt; 0 sends once.
  int max_retries = 3;
  /// Answers worth a retry besides 429, 500, 502, 503 and 504 (Google's quota 403s, say).
  std::function<bool(const HttpResponse&)> also_retry;
  /// Names the request in log lines and failure messages ("token request", "device list page 2").
  std::string what = "request";
};

/// The answer sendPaced() ended with: a 2xx, an answer it does not retry, or the last retryable answer
/// once retrying would exceed max_retries, the back-off ceiling or the poll's deadline.
struct PacedResponse {
  HttpResponse response;
  /// Set when the pacing gave up on a retryable answer: the pause the core's scheduler should honour.
  std::optional<std::chrono::seconds> retry_after;
  /// "" or, when the pacing gave up, why (" (gave up after 3 retries)"), to append to a failure message.
  std::string gave_up;
};

/// True for the answers every source retries: 429 and the transient 5xx.
inline bool isRetryableStatus(int status) {
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

/// Sends `request` through the context's client and retries what is retryable (see RetryOptions) on
/// the BackOff schedule or the server's Retry-After, inside the poll's deadline, sleeping with
/// PollContext::sleep(). A transport failure is a network failure; the deadline and a cancellation end
/// it as timeout and cancelled.
inline std::expected<PacedResponse, PollResult> sendPaced(PollContext& context, const HttpRequest& request,
                                                          const RetryOptions& options = {}) {
  using std::chrono::milliseconds;
  const auto stopped = [&]() -> std::optional<PollResult> {
    // The deadline first: the core's cancelled() also turns true at the deadline, and a timeout is the
    // truer name for that.
    if (context.now() >= context.deadline)
      return PollResult::failure(FailureReason::timeout, options.what + ": poll deadline reached");
    if (context.cancelled && context.cancelled())
      return PollResult::failure(FailureReason::cancelled, "poll cancelled");
    return std::nullopt;
  };
  const auto inSeconds = [](milliseconds d) {
    const auto tenths = (d.count() + 50) / 100;
    return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " s";
  };
  for (int retry = 0;; ++retry) {
    if (auto stop = stopped()) return std::unexpected(std::move(*stop));
    auto outcome = context.http.send(request, context.deadline);
    if (!outcome.response) {
      if (auto stop = stopped()) return std::unexpected(std::move(*stop));
      return std::unexpected(
          PollResult::failure(FailureReason::network, options.what + ": " + outcome.error));
    }
    PacedResponse paced{std::move(*outcome.response), std::nullopt, ""};
    const HttpResponse& r = paced.response;
    const bool retryable = isRetryableStatus(r.status) || (options.also_retry && options.also_retry(r));
    if (r.status / 100 == 2 || !retryable) return paced;

    const auto retry_after = parseRetryAfter(r.header("retry-after"), context.now());
    if (retry >= options.max_retries) {
      paced.retry_after = retry_after;
      paced.gave_up = " (gave up after " + std::to_string(retry) + " retries)";
      return paced;
    }
    const milliseconds wait = retry_after
                                  ? milliseconds(*retry_after)
                                  : BackOff::step(retry, context.jitter ? context.jitter() : milliseconds(0));
    if (wait > BackOff::kCeiling || context.now() + wait >= context.deadline) {
      paced.retry_after = std::chrono::ceil<std::chrono::seconds>(wait);
      paced.gave_up =
          " (retry in " + inSeconds(wait) +
          (wait > BackOff::kCeiling ? " is longer than a poll waits)" : " would pass the poll deadline)");
      return paced;
    }
    context.log.warn(options.what + ": HTTP " + std::to_string(r.status) + "; retry " +
                     std::to_string(retry + 1) + " in " + inSeconds(wait));
    if (!context.sleep(wait)) {
      if (auto stop = stopped()) return std::unexpected(std::move(*stop));
      return std::unexpected(PollResult::failure(FailureReason::cancelled, "poll cancelled"));
    }
  }
}

/// A bearer token kept in memory across polls (never in the saved state: it is a secret) and renewed a
/// margin before it expires, so it never dies in the middle of a listing.
struct BearerToken {
  std::string value;
  TimePoint expires_at;
  TimePoint renew_at;
  bool usable(TimePoint now) const { return !value.empty() && now < renew_at; }
  static BearerToken issued(std::string value, TimePoint now, std::chrono::seconds expires_in,
                            std::chrono::seconds margin) {
    return {std::move(value), now + expires_in, now + expires_in - margin};
  }
};

}  // namespace fk::api
