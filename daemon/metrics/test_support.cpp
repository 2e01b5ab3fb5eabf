#include "metrics/test_support.hpp"

#include <sstream>

#include "metrics/fleet_metrics.hpp"

namespace fk::test {

std::map<std::string, double> samples(const std::string& exposition) {
  std::map<std::string, double> out;
  std::istringstream in(exposition);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto space = line.rfind(' ');
    out[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return out;
}

std::map<std::string, double> samples(prometheus::Registry& registry) {
  return samples(renderMetrics(registry));
}

}  // namespace fk::test
