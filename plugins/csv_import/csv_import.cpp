// csv_import: an inventory CSV (fleetkeep's own or Snipe-IT columns) as a source. See README.md.

#include "csv_import.hpp"

#include <sys/stat.h>

#include <cstring>
#include <nlohmann/json.hpp>
#include <sstream>

#include "api/config_keys.hpp"
#include "api/path_source.hpp"
#include "api/stable_read.hpp"
#include "core/device_csv.hpp"
#include "core/device_fields.hpp"

namespace fk::csv_import {
namespace {

constexpr std::size_t kMaxReportedErrors = 20;

// What the file was when it was last read in full: unchanged size and mtime skip the read, an
// unchanged content hash skips the parse (a `touch` or a copy of the same file).
struct Fingerprint {
  std::int64_t mtime_ns = -1;
  std::int64_t size = -1;
  std::uint64_t hash = 0;

  static Fingerprint fromState(const std::string& state) {
    Fingerprint f;
    auto j = nlohmann::json::parse(state, nullptr, false);
    if (!j.is_object()) return f;
    f.mtime_ns = j.value("mtime_ns", std::int64_t{-1});
    f.size = j.value("size", std::int64_t{-1});
    f.hash = std::stoull(j.value("hash", std::string("0")), nullptr, 16);
    return f;
  }
  std::string toState() const {
    std::ostringstream hex;
    hex << std::hex << hash;
    return nlohmann::json{{"mtime_ns", mtime_ns}, {"size", size}, {"hash", hex.str()}}.dump();
  }
};

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

class CsvImportSource : public api::Source {
 public:
  explicit CsvImportSource(std::filesystem::path path) : path_(std::move(path)) {}

  api::PollResult poll(api::PollContext& ctx, api::ObservationSink& sink) override {
    const std::filesystem::path file = ctx.resolve(path_);
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0)
      return api::PollResult::failure(api::FailureReason::io,
                                      "cannot read " + path_.string() + ": " + std::strerror(errno));
    if (!S_ISREG(st.st_mode))
      return api::PollResult::failure(api::FailureReason::io, path_.string() + " is not a regular file");
    const Fingerprint before = Fingerprint::fromState(ctx.state);
    Fingerprint now;
    now.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    now.size = static_cast<std::int64_t>(st.st_size);
    if (!ctx.full_sync && now.mtime_ns == before.mtime_ns && now.size == before.size) {
      return api::PollResult::success();  // nothing to read: the registry already has this file
    }

    // A file caught mid-write must not pass for the whole inventory: what it leaves out would be marked
    // as having left the listing.
    auto snapshot = api::readStable(file);
    if (!snapshot) return api::PollResult::failure(api::FailureReason::io, snapshot.error());
    const std::string content = std::move(snapshot->text);
    // Not even a header: an export caught between truncating the file and writing it, not an
    // inventory that lost every device.
    if (content.find_first_not_of(" \t\r\n") == std::string::npos)
      return api::PollResult::failure(api::FailureReason::io,
                                      path_.string() + " is empty (not even a header line)");
    now.mtime_ns = snapshot->mtime_ns;
    now.size = static_cast<std::int64_t>(content.size());
    now.hash = fnv1a(content);
    ctx.next_state = now.toState();
    if (!ctx.full_sync && now.hash == before.hash) return api::PollResult::success();
    if (ctx.cancelled()) return api::PollResult::failure(api::FailureReason::cancelled, "cancelled");

    ParsedImport parsed = parseDeviceCsv(content);
    if (!parsed.errors.empty()) return refused(parsed.errors);
    const auto mtime = api::TimePoint(
        std::chrono::duration_cast<api::Clock::duration>(std::chrono::nanoseconds(now.mtime_ns)));
    for (const ImportRow& row : parsed.rows) sink.observe(toObservation(row, mtime));
    ctx.log.info("read " + std::to_string(parsed.rows.size()) + " rows from " + path_.string());
    return api::PollResult::success(/*complete_listing=*/true);
  }

 private:
  // The whole file or nothing, like the import endpoint: a half-applied inventory is worse than a late one.
  api::PollResult refused(const FieldErrors& errors) const {
    std::string message =
        path_.string() + ": " + std::to_string(errors.count()) + " problem(s), nothing applied:";
    for (std::size_t i = 0; i < errors.size() && i < kMaxReportedErrors; ++i) {
      const FieldError& e = errors[i];
      message += " line " + std::to_string(e.line) + (e.field.empty() ? "" : " (" + e.field + ")") + ": " +
                 e.message + (i + 1 < errors.count() ? ";" : "");
    }
    if (errors.count() > kMaxReportedErrors) message += " ...";
    return api::PollResult::failure(api::FailureReason::bad_response, message);
  }

  std::filesystem::path path_;
};

}  // namespace

api::Observation toObservation(const ImportRow& row, api::TimePoint file_time) {
  const DeviceDraft& d = row.draft;
  api::Observation o;
  o.origin = "line " + std::to_string(row.line);
  o.observed_at = file_time;
  for (const DeviceField& f : kDeviceFields) {
    if (auto text = draftText(d, f)) o.fields[std::string(f.name)] = std::move(*text);
  }
  if (d.macs) o.macs = *d.macs;
  return o;
}

std::unique_ptr<api::SourceFactory> makeFactory() {
  return std::make_unique<api::PathSourceFactory<CsvImportSource>>("csv_import");
}

}  // namespace fk::csv_import

// The name daemon/sources/builtin.cpp lists.
namespace fk::plugins {
std::unique_ptr<api::SourceFactory> makeCsvImportFactory() {
  return csv_import::makeFactory();
}
}  // namespace fk::plugins
