#include "test_support/harness.hpp"

#include <fstream>
#include <sstream>

namespace fk::plugin_test {

std::string readFile(const std::filesystem::path& dir, const std::string& name) {
  std::ifstream in(dir / name, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void RecordingSink::observe(api::Observation o) {
  seen.push_back(std::move(o));
}

void RecordingSink::observePerson(api::PersonObservation p) {
  people.push_back(std::move(p));
}

void RecordingSink::skipped(std::string origin, std::string reason) {
  skips.push_back(origin + ": " + reason);
}

NoHttp::Outcome NoHttp::send(const api::HttpRequest&, api::TimePoint) {
  return {std::nullopt, "no network in tests"};
}

}  // namespace fk::plugin_test
