#include "dhcp_leases/dhcp_leases.hpp"

#include "api/config_keys.hpp"
#include "api/stable_read.hpp"
#include "dhcp_leases/parse.hpp"

namespace fk::plugins {
namespace {

using namespace fk::dhcp_leases;

std::string instant(TimePoint t) {
  const auto secs = std::chrono::floor<std::chrono::seconds>(t);
  const auto days = std::chrono::floor<std::chrono::days>(secs);
  const std::chrono::year_month_day ymd{days};
  const std::chrono::hh_mm_ss hms{secs - days};
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02ld:%02ld:%02lldZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                static_cast<long long>(hms.seconds().count()));
  return text;
}

class DhcpLeases : public api::Source {
 public:
  DhcpLeases(Format format, std::filesystem::path path) : format_(format), path_(std::move(path)) {}

  api::PollResult poll(api::PollContext& ctx, api::ObservationSink& sink) override {
    auto file = api::readStable(ctx.resolve(path_));
    if (!file) return api::PollResult::failure(api::FailureReason::io, file.error());
    // Parse only when the file changed; the leases are still emitted every poll, because which of them
    // are in force depends on the time, and presence must not lapse while nothing renews.
    if (!parsed_ || file->fingerprint != fingerprint_) {
      parsed_ = parseLeases(format_, file->text);
      fingerprint_ = file->fingerprint;
    } else {
      ctx.log.debug("lease file unchanged since the last poll");
    }
    if (!parsed_->error.empty())
      return api::PollResult::failure(api::FailureReason::bad_response, parsed_->error);
    for (const auto& p : parsed_->skipped) sink.skipped(p.origin, p.reason);
    ctx.next_state = file->fingerprint;

    const TimePoint now = ctx.now();
    for (const Lease& lease : parsed_->leases) {
      if (!inForce(lease, now)) continue;
      api::Observation o;
      o.kind = api::ObservationKind::network;
      o.origin = lease.origin;
      o.macs.push_back(lease.mac);
      // The last time the client talked to the server, when the format records it (ISC cltt, Kea
      // expire - valid_lifetime); dnsmasq keeps only the expiry, so a held lease counts as seen now.
      o.observed_at = lease.last_contact && *lease.last_contact < now ? *lease.last_contact : now;
      o.extra["ip"] = lease.ip;
      if (!lease.hostname.empty()) o.extra["hostname"] = lease.hostname;
      if (lease.starts) o.extra["lease_start"] = instant(*lease.starts);
      o.extra["lease_end"] = lease.ends ? instant(*lease.ends) : "never";
      sink.observe(std::move(o));
    }
    // Not a listing of every device: a MAC missing here has only left the network, not the fleet.
    return api::PollResult::success(false);
  }

 private:
  Format format_;
  std::filesystem::path path_;
  std::optional<Parsed> parsed_;
  std::string fingerprint_;
};

class Factory : public api::SourceFactory {
 public:
  std::string name() const override { return "dhcp_leases"; }

  std::vector<api::ConfigIssue> validate(const YAML::Node& entry) const override {
    api::ConfigKeys keys(entry);
    if (auto format = keys.requiredString("format"); format && !parseFormat(*format))
      keys.problem("format", "\"" + *format + "\" is not one of dnsmasq, isc, kea");
    keys.requiredString("path");
    return keys.finish();
  }

  std::unique_ptr<api::Source> create(const api::SourceSpec& spec) const override {
    api::ConfigKeys keys(spec.node);
    const auto format = parseFormat(keys.requiredString("format").value_or(""));
    return std::make_unique<DhcpLeases>(format.value_or(Format::dnsmasq),
                                        keys.requiredString("path").value_or(""));
  }
};

}  // namespace

std::unique_ptr<api::SourceFactory> makeDhcpLeasesFactory() {
  return std::make_unique<Factory>();
}

}  // namespace fk::plugins
