#include "network_neighbors/network_neighbors.hpp"

#include <net/if.h>

#include <fstream>
#include <sstream>

#include "api/config_keys.hpp"
#include "network_neighbors/netlink.hpp"
#include "network_neighbors/parse.hpp"

namespace fk::plugins {
namespace {

using namespace fk::network_neighbors;

constexpr const char* kDefaultPath = "/proc/net/arp";

std::string interfaceName(int index) {
  char name[IF_NAMESIZE] = {};
  if (index > 0 && ::if_indextoname(static_cast<unsigned>(index), name)) return name;
  return index > 0 ? "if" + std::to_string(index) : "";
}

class NetworkNeighbors : public api::Source {
 public:
  NetworkNeighbors(std::filesystem::path path, bool netlink) : path_(std::move(path)), netlink_(netlink) {}

  api::PollResult poll(api::PollContext& ctx, api::ObservationSink& sink) override {
    Parsed parsed;
    if (netlink_) {
      auto reply = dumpNeighbourTable(ctx.deadline);
      if (!reply) return api::PollResult::failure(api::FailureReason::io, reply.error());
      parsed = parseNeighbourDump(*reply, interfaceName);
    } else {
      const auto file = ctx.resolve(path_);
      std::ifstream in(file, std::ios::binary);
      if (!in) return api::PollResult::failure(api::FailureReason::io, "cannot read " + file.string());
      std::ostringstream text;
      text << in.rdbuf();
      if (in.bad()) return api::PollResult::failure(api::FailureReason::io, "error reading " + file.string());
      parsed = parseProcNetArp(text.str());
    }
    for (auto& problem : parsed.skipped) sink.skipped(std::move(problem.origin), std::move(problem.reason));
    const api::TimePoint now = ctx.now();
    for (std::size_t i = 0; i < parsed.neighbours.size(); ++i) {
      Neighbour& n = parsed.neighbours[i];
      api::Observation o;
      o.kind = api::ObservationKind::network;
      o.origin = (netlink_ ? "neighbour " : "entry ") + std::to_string(i + 1);
      o.macs.push_back(std::move(n.mac));
      o.observed_at = now;
      o.extra["ip"] = std::move(n.ip);
      if (!n.interface.empty()) o.extra["interface"] = std::move(n.interface);
      o.extra["state"] = std::move(n.state);
      sink.observe(std::move(o));
    }
    // Not a listing of every device: a MAC missing here has only left the network, not the fleet.
    return api::PollResult::success(false);
  }

 private:
  std::filesystem::path path_;
  bool netlink_;
};

class Factory : public api::SourceFactory {
 public:
  std::string name() const override { return "network_neighbors"; }

  std::vector<api::ConfigIssue> validate(const YAML::Node& entry) const override {
    api::ConfigKeys keys(entry);
    keys.optionalString("path", kDefaultPath);
    keys.optionalBool("netlink", false);
    return keys.finish();
  }

  std::unique_ptr<api::Source> create(const api::SourceSpec& spec) const override {
    api::ConfigKeys keys(spec.node);
    return std::make_unique<NetworkNeighbors>(
        keys.optionalString("path", kDefaultPath).value_or(kDefaultPath),
        keys.optionalBool("netlink", false).value_or(false));
  }
};

}  // namespace

std::unique_ptr<api::SourceFactory> makeNetworkNeighborsFactory() {
  return std::make_unique<Factory>();
}

}  // namespace fk::plugins
