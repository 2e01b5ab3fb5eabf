#pragma once

// Shared helpers for the metrics tests (test-only; compiled into metrics_test).

#include <prometheus/registry.h>

#include <map>
#include <string>

namespace fk::test {

// "name{labels}" -> value for every sample line of a text exposition.
std::map<std::string, double> samples(const std::string& exposition);
// The same for everything the registry exports now.
std::map<std::string, double> samples(prometheus::Registry& registry);

}  // namespace fk::test
