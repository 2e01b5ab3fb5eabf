#pragma once

// What the /api/v1 handlers share: binding to the router, query parameters of the list routes
// (filters, limit, cursor) and the {"items", "next_cursor"} page they answer with.

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/csv_input.hpp"
#include "core/error.hpp"
#include "http/api.hpp"
#include "http/json_mapping.hpp"
#include "http/request.hpp"
#include "http/router.hpp"

namespace fk {

// The fee policy in force, or none when fees are off: what the fee-aware stores take.
inline const FeePolicy* feesOf(const std::shared_ptr<const Config>& config) {
  return config->fees ? &*config->fees : nullptr;
}

inline constexpr RouteOptions kReadRoute{.min_role = Role::viewer, .body = RouteOptions::Body::none};
// A read of one row by key (a few indexed lookups, one small JSON): the token check and the handler run
// on the I/O thread, on the database's reserved connections, instead of hopping to the worker pool and
// back twice. Only for reads that never scan and never write.
inline constexpr RouteOptions kCheapReadRoute{
    .min_role = Role::viewer, .body = RouteOptions::Body::none, .on_io_thread = true};
inline constexpr RouteOptions kWriteRoute{.min_role = Role::technician, .body = RouteOptions::Body::json};
// An import may touch any row of the registry or roster, so a scoped caller cannot run one.
inline constexpr RouteOptions kCsvUploadRoute{
    .min_role = Role::technician, .body = RouteOptions::Body::csv, .district_only = true};
// The same, parsed as it arrives: the body is never held whole.
inline constexpr RouteOptions kCsvStreamRoute{
    .min_role = Role::technician, .body = RouteOptions::Body::csv, .district_only = true, .stream_body = true};

// Audits, collections and the fee ledger are not filtered by building yet: a scoped caller is refused
// (403) rather than shown another school's students or stock.
inline constexpr RouteOptions kDistrictReadRoute{
    .min_role = Role::viewer, .body = RouteOptions::Body::none, .district_only = true};
inline constexpr RouteOptions kDistrictWriteRoute{
    .min_role = Role::technician, .body = RouteOptions::Body::json, .district_only = true};

using ApiHandler = Response (*)(ApiContext&, Request&);

// The router's Handler for a handler that also takes the context.
inline Handler bindHandler(ApiContext& ctx, ApiHandler fn) {
  return [&ctx, fn](Request& req) { return fn(ctx, req); };
}

// A CSV import's ?encoding= (utf-8, windows-1252), ?date_order= (mdy, dmy) and ?strict= (true, false).
Result<CsvOptions> csvOptionsFromQuery(const Request& req);

// Refuses a query parameter that is not in `allowed`, or one given twice: 400 naming it.
Status checkQueryParams(const Request& req, std::span<const std::string_view> allowed);

// A query parameter's value; an empty one counts as absent, so clients can build URLs from blank form fields.
std::optional<std::string> filterValue(const Request& req, std::string_view key);

// A filter flag: "true" or "false", nullopt when absent or blank.
Result<std::optional<bool>> flagParam(const Request& req, std::string_view key);

// `text` as a whole decimal integer from `lo` to `hi`; nullopt for anything else (empty, sign-only, junk).
std::optional<std::int64_t> parseIntIn(std::string_view text, std::int64_t lo,
                                       std::int64_t hi = std::numeric_limits<std::int64_t>::max());

// ?limit= (1 to 1000) into `limit`, which keeps its value when the parameter is absent or blank.
Status readLimit(const Request& req, int& limit);
// ?cursor= (as encodeCursor wrote it) into `after_id`, likewise.
Status readCursor(const Request& req, std::int64_t& after_id);

// limit, then cursor, into a list filter's `limit` and `after_id`.
template <class Filter>
Status readPaging(const Request& req, Filter& filter) {
  if (auto st = readLimit(req, filter.limit); !st) return st;
  return readCursor(req, filter.after_id);
}

// A CSV download: 200, text/csv, and Content-Disposition naming `filename`.
Response csvResponse(std::string body, std::string_view filename);

// A list page as {"items": [toJson(item)...], "next_cursor": cursor or null}; errors as errorResponse.
template <class Page, class ToJson>
Response pageResponse(const Result<Page>& page, ToJson&& toJson) {
  if (!page) return errorResponse(page.error());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& item : page->items) items.push_back(toJson(item));
  nlohmann::json next =
      page->next_after_id ? nlohmann::json(encodeCursor(*page->next_after_id)) : nlohmann::json(nullptr);
  return jsonResponse(200, {{"items", std::move(items)}, {"next_cursor", std::move(next)}});
}

}  // namespace fk
