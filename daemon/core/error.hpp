#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace fk {

// The error kinds the API distinguishes; each maps to one HTTP status (http/errors).
enum class Errc {
  invalid,            // 400: validation; details name the field(s)
  unauthorized,       // 401
  forbidden,          // 403
  not_found,          // 404
  conflict,           // 409: duplicate, invalid transition, stale version
  hold,               // 409: the person owes at least fees.hold_at (details.balance)
  payload_too_large,  // 413
  unsupported_media,  // 415
  too_many_requests,  // 429
  unavailable,        // 503 with Retry-After: the database is busy with another write; try again
  internal,           // 500: never for bad input
};

struct Error {
  Errc code = Errc::internal;
  std::string message;
  nlohmann::json details = nlohmann::json::object();

  static Error invalid(std::string field, std::string message);
  static Error notFound(std::string message);
  static Error conflict(std::string message, nlohmann::json details = nlohmann::json::object());
  static Error internal(std::string message);
  // 503: a write could not get the database's write lock within the busy timeout (a long import holds it).
  static Error busy();
};

// Seconds a client is told to wait (Retry-After) after Errc::unavailable.
inline constexpr int kBusyRetryAfterSeconds = 2;

template <class T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

// Stable machine-readable code for the JSON error body, e.g. "invalid", "not_found".
std::string_view codeName(Errc code);
int httpStatus(Errc code);

// A problem with one field, e.g. in a CSV row or a JSON body. `line` is 0 when it has none.
struct FieldError {
  std::size_t line = 0;
  std::string field;
  std::string message;
};

// A refused file import (devices, people): 400 with details.errors = [{line, field, message}] in
// file order, the first kMaxReportedImportErrors of them, details.error_count and, when there were
// more, details.truncated. Nothing of the file was applied.
inline constexpr std::size_t kMaxReportedImportErrors = 1000;
Error importRefused(const std::vector<FieldError>& errors);

}  // namespace fk
