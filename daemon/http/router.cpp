#include "http/router.hpp"

#include <algorithm>
#include <stdexcept>

namespace fk {
namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "/a/b/c" -> {"a", "b", "c"}; "/" -> {""}. A trailing slash yields an empty last segment, which no
// template matches, so "/api/v1/devices/" is a 404 rather than an alias.
std::vector<std::string> splitPath(std::string_view path) {
  std::vector<std::string> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (true) {
    auto slash = path.find('/');
    out.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool isParam(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Number of literal segments, so "/x/export" beats "/x/{id}" when both match.
int literalCount(const std::vector<std::string>& segments) {
  return static_cast<int>(std::count_if(segments.begin(), segments.end(), [](auto& s) { return !isParam(s); }));
}

bool matchSegments(const std::vector<std::string>& pattern, const std::vector<std::string>& decoded,
                   std::map<std::string, std::string>* params) {
  if (pattern.size() != decoded.size()) return false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (isParam(pattern[i])) {
      if (decoded[i].empty()) return false;
      if (params) (*params)[pattern[i].substr(1, pattern[i].size() - 2)] = decoded[i];
    } else if (pattern[i] != decoded[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::optional<std::string> percentDecode(std::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int hi = hexValue(text[i + 1]);
      int lo = hexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void Router::add(std::string method, std::string path_template, RouteOptions options, Handler handler) {
  auto segments = splitPath(path_template);
  for (const auto& e : entries_) {
    if (e.method == method && e.path_template == path_template)
      throw std::logic_error("route registered twice: " + method + " " + path_template);
  }
  entries_.push_back(
      Entry{std::move(method), std::move(path_template), std::move(segments), options, std::move(handler)});
}

Router::Match Router::match(const std::string& method, const std::string& path) const {
  Match result;
  std::vector<std::string> decoded;
  for (auto& raw : splitPath(path)) {
    auto d = percentDecode(raw);
    if (!d) return result;  // malformed escape: no route can claim it
    decoded.push_back(std::move(*d));
  }

  const Entry* best = nullptr;
  int best_literals = -1;
  for (const auto& e : entries_) {
    if (!matchSegments(e.segments, decoded, nullptr)) continue;
    result.path_known = true;
    if (std::find(result.allowed.begin(), result.allowed.end(), e.method) == result.allowed.end())
      result.allowed.push_back(e.method);
    if (e.method != method) continue;
    int literals = literalCount(e.segments);
    if (literals > best_literals) {
      best = &e;
      best_literals = literals;
    }
  }
  std::sort(result.allowed.begin(), result.allowed.end());
  if (!best) return result;

  matchSegments(best->segments, decoded, &result.params);
  result.handler = &best->handler;
  result.options = best->options;
  result.route = best->path_template;
  return result;
}

}  // namespace fk

namespace fk {

std::vector<Router::Listed> Router::list() const {
  std::vector<Listed> out;
  for (const auto& e : entries_) out.push_back({e.method, e.path_template, e.options});
  return out;
}

}  // namespace fk
