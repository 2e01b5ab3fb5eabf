#pragma once

// The factory of a source whose whole configuration is one `path` (a file or folder the poll reads):
// csv_import and oneroster. The source class takes the path as written; the poll resolves it.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "api/config_keys.hpp"
#include "api/source.hpp"

namespace fk::api {

template <class SourceT>
class PathSourceFactory : public SourceFactory {
 public:
  explicit PathSourceFactory(std::string name) : name_(std::move(name)) {}

  std::string name() const override { return name_; }

  std::vector<ConfigIssue> validate(const YAML::Node& entry) const override {
    ConfigKeys keys(entry);
    keys.requiredString("path");
    return keys.finish();
  }

  std::unique_ptr<Source> create(const SourceSpec& spec) const override {
    ConfigKeys keys(spec.node);
    return std::make_unique<SourceT>(keys.requiredString("path").value_or(""));
  }

 private:
  std::string name_;
};

}  // namespace fk::api
