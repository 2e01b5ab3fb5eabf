#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"
#include "core/fees.hpp"

namespace fk::config_detail {

// One key of a YAML mapping, with the path used in messages ("planning.aue_warning_days").
struct Entry {
  std::string name;
  std::string path;
  YAML::Node key;
  YAML::Node value;
};

// Typed reads of YAML values that record a positioned problem instead of throwing, so that one
// pass over a config file reports everything wrong with it.
// A value as a problem message quotes it: "abc".
std::string inQuotes(const std::string& s);

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  void problem(const YAML::Mark& mark, std::string message);
  void problem(const Entry& e, std::string message);  // at the value, or the key when the value is empty
  std::vector<ConfigProblem> take() { return std::move(problems_); }
  bool ok() const { return problems_.empty(); }

  // Calls `handle` for each key of `map` (at `path`); `handle` returns false for a key it does not
  // know. Unknown and repeated keys are problems. A non-mapping is a problem named by `path`.
  void forEach(const YAML::Node& map, const YAML::Mark& where, const std::string& path,
               const std::function<bool(const Entry&)>& handle);

  std::optional<std::string> string(const Entry& e, bool allow_empty = false);
  std::optional<std::int64_t> integer(const Entry& e, std::int64_t min, std::int64_t max = INT32_MAX);
  std::optional<double> number(const Entry& e);
  std::optional<std::chrono::seconds> duration(const Entry& e);
  std::optional<bool> boolean(const Entry& e);  // the same spellings as a plugin key (api/config_syntax.hpp)
  std::optional<std::uint64_t> byteSize(const Entry& e);
  std::optional<std::string> oneOf(const Entry& e, const std::vector<std::string_view>& choices);

 private:
  std::string file_;
  std::vector<ConfigProblem> problems_;
};

// notify_config_read.cpp: the `notifications:` block; relative paths resolve against `base`.
void readNotifications(Reader& r, const Entry& block, NotificationsConfig& n, const std::filesystem::path& base);
// The `fees:` block (config_fees.cpp); relative templates_dir is taken from `base`, the config's folder.
void readFees(Reader& r, const Entry& fees, const std::filesystem::path& base, std::optional<FeePolicy>& out);
// A source's `write_back:` block into `out` (core/config_write_back.cpp).
void readWriteBack(Reader& r, const Entry& block, WriteBackConfig& out);

}  // namespace fk::config_detail
