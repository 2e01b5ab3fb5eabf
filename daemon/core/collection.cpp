#include "core/collection.hpp"

#include <algorithm>
#include <cctype>

#include "core/audit.hpp"
#include "core/circulation.hpp"
#include "core/text.hpp"

namespace fk {

namespace {

std::string_view trimZeros(std::string_view s) {
  while (s.size() > 1 && s.front() == '0') s.remove_prefix(1);
  return s;
}

}  // namespace

bool sameGrade(std::string_view a, std::string_view b) {
  if (isAsciiDigits(a) && isAsciiDigits(b)) return trimZeros(a) == trimZeros(b);
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

bool inScope(const CollectionScope& scope, std::string_view person_location, std::string_view person_grade,
             std::string_view person_role) {
  if (!scope.location.empty() && !locationWithin(person_location, scope.location)) return false;
  if (!scope.grades.empty() &&
      std::none_of(scope.grades.begin(), scope.grades.end(),
                   [&](const std::string& g) { return sameGrade(g, person_grade); }))
    return false;
  if (!scope.roles.empty() && std::find(scope.roles.begin(), scope.roles.end(), person_role) == scope.roles.end())
    return false;
  return true;
}

std::string joinList(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ",") + i;
  return out;
}

std::vector<std::string> splitList(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    out.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

Status checkScope(const CollectionScope& scope) {
  if (!scope.location.empty()) {
    if (auto bad = checkLocation(scope.location, "location"))
      return std::unexpected(Error::invalid("location", "location " + bad->message));
  }
  for (std::size_t i = 0; i < scope.grades.size(); ++i) {
    const std::string field = "grades[" + std::to_string(i) + "]";
    const auto& g = scope.grades[i];
    if (g.empty() || g.size() > 20 || g.find(',') != std::string::npos ||
        std::any_of(g.begin(), g.end(), [](unsigned char c) { return c < 0x20; }))
      return std::unexpected(Error::invalid(field, field + " must be a grade like \"8\", \"08\" or \"KG\""));
  }
  for (std::size_t i = 0; i < scope.roles.size(); ++i) {
    if (scope.roles[i] != "student" && scope.roles[i] != "staff") {
      const std::string field = "roles[" + std::to_string(i) + "]";
      return std::unexpected(Error::invalid(field, field + " must be student or staff"));
    }
  }
  return {};
}

bool collectionBehind(long long expected, long long returned, double alert_below, const std::string& deadline,
                      const std::string& today) {
  if (expected <= 0) return false;
  if (today < addDays(deadline, -2)) return false;
  return static_cast<double>(returned) < alert_below * static_cast<double>(expected);
}

}  // namespace fk
