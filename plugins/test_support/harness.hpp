#pragma once

// Test-only stand-ins for what the core lends a plugin's poll (sink, logger, HTTP client, clock),
// shared by the plugin tests. Not part of the plugin contract and never linked into fleetkeepd.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "api/source.hpp"

namespace fk::plugin_test {

// The contents of `dir`/`name`, "" when it cannot be read.
std::string readFile(const std::filesystem::path& dir, const std::string& name);

// Keeps what a poll emitted.
struct RecordingSink : api::ObservationSink {
  std::vector<api::Observation> seen;
  std::vector<api::PersonObservation> people;
  std::vector<std::string> skips;  // "origin: reason"
  void observe(api::Observation o) override;
  void observePerson(api::PersonObservation p) override;
  void skipped(std::string origin, std::string reason) override;
};

struct QuietLog : api::Logger {
  void debug(std::string_view) override {}
  void info(std::string_view) override {}
  void warn(std::string_view) override {}
};

// For plugins that read files: any request is a transport failure.
struct NoHttp : api::HttpClient {
  Outcome send(const api::HttpRequest&, api::TimePoint) override;
};

// A poll context whose clock reads `now` (settable between polls), reading files under `file_root`.
// The context refers to the harness itself, so a harness never moves.
template <class Http = NoHttp>
struct PollHarness {
  // Without a deadline, the poll has ten seconds of real time.
  PollHarness(api::TimePoint now_at, std::filesystem::path file_root,
              std::filesystem::path config_dir = "/etc/fleetkeep",
              std::optional<api::TimePoint> deadline = std::nullopt)
      : now(now_at),
        ctx{deadline.value_or(api::Clock::now() + std::chrono::seconds(10)),
            [this] { return now; },
            [] { return false; },
            log,
            http,
            std::move(file_root),
            std::move(config_dir)} {}
  PollHarness(const PollHarness&) = delete;
  PollHarness& operator=(const PollHarness&) = delete;

  QuietLog log;
  Http http;
  api::TimePoint now;
  api::PollContext ctx;
};

}  // namespace fk::plugin_test
