#include "oneroster/oneroster.hpp"

#include "api/config_keys.hpp"
#include "api/path_source.hpp"
#include "oneroster/bundle.hpp"
#include "oneroster/parse.hpp"

namespace fk::oneroster {
namespace {

using api::FailureReason;
using api::PollResult;

class OneRosterSource : public api::Source {
 public:
  explicit OneRosterSource(std::string path) : path_(std::move(path)) {}

  PollResult poll(api::PollContext& ctx, api::ObservationSink& sink) override {
    // The whole bundle is read and parsed before anything is emitted: a bundle that fails half-way
    // must not pass as a shorter roster.
    BundleFiles bundle = readBundle(ctx.resolve(path_));
    if (!bundle.error.empty()) return PollResult::failure(FailureReason::io, bundle.error);
    if (ctx.cancelled()) return PollResult::failure(FailureReason::cancelled, "poll cancelled");
    Roster roster = parseBundle(bundle.files);
    if (!roster.error.empty()) return PollResult::failure(FailureReason::bad_response, roster.error);
    if (roster.no_changes) {
      ctx.log.info("the bundle's manifest lists users.csv as absent: no changes to people");
      return PollResult::success(false);
    }
    for (auto& [origin, reason] : roster.skipped) sink.skipped(origin, reason);
    for (auto& person : roster.people) sink.observePerson(std::move(person));
    return PollResult::success(roster.complete);
  }

 private:
  std::string path_;
};

}  // namespace
}  // namespace fk::oneroster

namespace fk::plugins {

std::unique_ptr<api::SourceFactory> makeOneRosterFactory() {
  return std::make_unique<api::PathSourceFactory<oneroster::OneRosterSource>>("oneroster");
}

}  // namespace fk::plugins
