#include "http/api_helpers.hpp"

#include <algorithm>
#include <charconv>

namespace fk {

Status checkQueryParams(const Request& req, std::span<const std::string_view> allowed) {
  for (const auto& [key, value] : req.query) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      return std::unexpected(Error::invalid(key, "unknown query parameter \"" + key + "\""));
    if (req.query.count(key) > 1)
      return std::unexpected(Error::invalid(key, key + " is given more than once"));
  }
  return {};
}

std::optional<std::string> filterValue(const Request& req, std::string_view key) {
  auto v = req.queryValue(key);
  if (v && v->empty()) return std::nullopt;
  return v;
}

Result<std::optional<bool>> flagParam(const Request& req, std::string_view key) {
  auto v = filterValue(req, key);
  if (!v) return std::nullopt;
  if (*v == "true") return true;
  if (*v == "false") return false;
  return std::unexpected(Error::invalid(std::string(key), std::string(key) + " must be true or false"));
}

std::optional<std::int64_t> parseIntIn(std::string_view text, std::int64_t lo, std::int64_t hi) {
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < lo || n > hi) return std::nullopt;
  return n;
}

Response csvResponse(std::string body, std::string_view filename) {
  Response r;
  r.status = 200;
  r.content_type = "text/csv; charset=utf-8";
  r.body = std::move(body);
  r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + std::string(filename) + "\"");
  return r;
}

Status readLimit(const Request& req, int& limit) {
  auto text = filterValue(req, "limit");
  if (!text) return {};
  auto n = parseIntIn(*text, 1, 1000);
  if (!n) return std::unexpected(Error::invalid("limit", "limit must be an integer from 1 to 1000"));
  limit = static_cast<int>(*n);
  return {};
}

Status readCursor(const Request& req, std::int64_t& after_id) {
  auto text = filterValue(req, "cursor");
  if (!text) return {};
  auto after = decodeCursor(*text);
  if (!after) return std::unexpected(Error::invalid("cursor", "cursor is not one this server handed out"));
  after_id = *after;
  return {};
}

Result<CsvOptions> csvOptionsFromQuery(const Request& req) {
  CsvOptions options;
  if (auto v = filterValue(req, "encoding")) {
    auto encoding = parseTextEncoding(*v);
    if (!encoding) return std::unexpected(Error::invalid("encoding", "encoding must be utf-8 or windows-1252"));
    options.encoding = *encoding;
  }
  if (auto v = filterValue(req, "date_order")) {
    auto order = parseDateOrder(*v);
    if (!order) return std::unexpected(Error::invalid("date_order", "date_order must be mdy or dmy"));
    options.date_order = *order;
  }
  auto strict = flagParam(req, "strict");
  if (!strict) return std::unexpected(strict.error());
  options.strict = strict->value_or(false);
  return options;
}

}  // namespace fk
