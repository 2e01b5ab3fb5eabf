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
  storage_full,       // 507: the disk is full; nothing of the request was saved
  storage_fault,      // 503: the database file cannot be read or written (I/O error, corruption)
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

// An import's problems (or warnings) as they are found: the first kMaxReportedImportErrors are kept
// and the rest only counted, so a file of a million bad rows holds no more memory than one of a
// thousand while its reply still says how many there were.
class FieldErrors {
 public:
  explicit FieldErrors(std::size_t cap = kMaxReportedImportErrors) : cap_(cap) {}

  void push_back(FieldError e) {
    ++count_;
    if (items_.size() < cap_) items_.push_back(std::move(e));
  }
  // Takes `other`'s kept items (as far as the cap allows) and its count.
  void append(FieldErrors&& other);
  // Orders the kept items by line, stably: problems found by different passes read in file order.
  void sortByLine();

  bool empty() const { return count_ == 0; }
  std::size_t count() const { return count_; }  // every one found, kept or not
  std::size_t size() const { return items_.size(); }  // the ones kept
  bool truncated() const { return count_ > items_.size(); }
  using value_type = FieldError;
  using const_iterator = std::vector<FieldError>::const_iterator;
  const FieldError& operator[](std::size_t i) const { return items_[i]; }
  const FieldError& at(std::size_t i) const { return items_.at(i); }
  const FieldError& front() const { return items_.front(); }
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }
  const std::vector<FieldError>& kept() const { return items_; }

 private:
  std::size_t cap_;
  std::size_t count_ = 0;
  std::vector<FieldError> items_;
};

Error importRefused(const std::vector<FieldError>& errors);
Error importRefused(const FieldErrors& errors);

}  // namespace fk
