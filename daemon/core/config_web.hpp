#pragma once

#include <filesystem>

#include "core/config.hpp"
#include "core/config_reader.hpp"

namespace fk::config_detail {

// The `web:` block: the desk, browser sessions and OpenID Connect sign-in. Relative paths are resolved
// against `base` (the config file's folder).
void readWeb(Reader& r, const Entry& web, Config::Web& out, const std::filesystem::path& base);

}  // namespace fk::config_detail
