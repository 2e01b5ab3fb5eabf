#include "core/error.hpp"

#include <algorithm>

namespace fk {

Error Error::invalid(std::string field, std::string message) {
  Error e{Errc::invalid, std::move(message), nlohmann::json::object()};
  e.details["field"] = std::move(field);
  return e;
}

Error Error::notFound(std::string message) { return {Errc::not_found, std::move(message), nlohmann::json::object()}; }

Error Error::conflict(std::string message, nlohmann::json details) {
  return {Errc::conflict, std::move(message), std::move(details)};
}

Error Error::internal(std::string message) { return {Errc::internal, std::move(message), nlohmann::json::object()}; }

Error Error::busy() {
  return {Errc::unavailable, "the database is busy with another write; retry shortly",
          {{"retry_after_seconds", kBusyRetryAfterSeconds}}};
}

std::string_view codeName(Errc code) {
  switch (code) {
    case Errc::invalid: return "invalid";
    case Errc::unauthorized: return "unauthorized";
    case Errc::forbidden: return "forbidden";
    case Errc::not_found: return "not_found";
    case Errc::conflict: return "conflict";
    case Errc::hold: return "hold";
    case Errc::payload_too_large: return "payload_too_large";
    case Errc::unsupported_media: return "unsupported_media_type";
    case Errc::too_many_requests: return "too_many_requests";
    case Errc::unavailable: return "unavailable";
    case Errc::internal: return "internal";
    case Errc::storage_full: return "insufficient_storage";
    case Errc::storage_fault: return "storage_unavailable";
  }
  return "internal";
}

int httpStatus(Errc code) {
  switch (code) {
    case Errc::invalid: return 400;
    case Errc::unauthorized: return 401;
    case Errc::forbidden: return 403;
    case Errc::not_found: return 404;
    case Errc::conflict: return 409;
    case Errc::hold: return 409;
    case Errc::payload_too_large: return 413;
    case Errc::unsupported_media: return 415;
    case Errc::too_many_requests: return 429;
    case Errc::unavailable: return 503;
    case Errc::internal: return 500;
    case Errc::storage_full: return 507;
    case Errc::storage_fault: return 503;
  }
  return 500;
}

void FieldErrors::append(FieldErrors&& other) {
  for (auto& e : other.items_) {
    if (items_.size() < cap_) items_.push_back(std::move(e));
  }
  count_ += other.count_;
  other.items_.clear();
  other.count_ = 0;
}

void FieldErrors::sortByLine() {
  std::stable_sort(items_.begin(), items_.end(), [](const FieldError& a, const FieldError& b) { return a.line < b.line; });
}

namespace {

Error importRefusal(const std::vector<FieldError>& kept, std::size_t n) {
  Error e{Errc::invalid, std::to_string(n) + (n == 1 ? " error" : " errors") + "; nothing was imported",
          nlohmann::json::object()};
  nlohmann::json list = nlohmann::json::array();
  for (std::size_t i = 0; i < kept.size() && i < kMaxReportedImportErrors; ++i) {
    list.push_back({{"line", kept[i].line}, {"field", kept[i].field}, {"message", kept[i].message}});
  }
  const bool truncated = n > list.size();
  e.details["errors"] = std::move(list);
  e.details["error_count"] = n;
  if (truncated) e.details["truncated"] = true;
  return e;
}

}  // namespace

Error importRefused(const std::vector<FieldError>& errors) {
  return importRefusal(errors, errors.size());
}

Error importRefused(const FieldErrors& errors) {
  return importRefusal(errors.kept(), errors.count());
}

}  // namespace fk
