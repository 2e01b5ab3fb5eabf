// The `notifications:` block of the config (core/notify_config.hpp), read with the config's Reader so
// every problem is FILE:LINE:COL like the rest of the file.

#include <algorithm>
#include <cstdio>
#include <set>

#include "core/circulation.hpp"
#include "core/config_reader.hpp"
#include "core/secret_file.hpp"
#include "core/time_zone.hpp"
#include "core/values.hpp"

namespace fk::config_detail {

namespace {

constexpr const char* kDayNames[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

int dayIndex(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  if (text.size() > 3) text.resize(3);  // "monday" -> "mon"
  for (int i = 0; i < 7; ++i)
    if (text == kDayNames[i]) return i;
  return -1;
}

// "mon-fri", "mon,wed,fri", "sat-sun"; a range may wrap ("fri-mon").
std::optional<std::array<bool, 7>> parseDays(const std::string& text) {
  std::array<bool, 7> days{};
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    part.erase(0, part.find_first_not_of(' '));
    part.erase(part.find_last_not_of(' ') + 1);
    const auto dash = part.find('-');
    const int a = dayIndex(part.substr(0, dash));
    const int b = dash == std::string::npos ? a : dayIndex(part.substr(dash + 1));
    if (a < 0 || b < 0) return std::nullopt;
    for (int d = a;; d = (d + 1) % 7) {
      days[static_cast<std::size_t>(d)] = true;
      if (d == b) break;
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return days;
}

std::optional<int> parseClock(const std::string& text) {
  unsigned h = 0, m = 0;
  char extra = 0;
  if (text.size() != 5 || std::sscanf(text.c_str(), "%2u:%2u%c", &h, &m, &extra) != 2 || m > 59 ||
      h > 24 || (h == 24 && m != 0))
    return std::nullopt;
  return static_cast<int>(h * 60 + m);
}

// The bare address of "Name <addr@host>" or "addr@host".
std::optional<std::string> bareAddress(const std::string& from) {
  std::string addr = from;
  const auto lt = from.rfind('<');
  if (lt != std::string::npos) {
    const auto gt = from.find('>', lt);
    if (gt == std::string::npos || gt + 1 != from.size()) return std::nullopt;
    addr = from.substr(lt + 1, gt - lt - 1);
  }
  const auto at = addr.find('@');
  if (at == std::string::npos || at == 0 || at + 1 == addr.size() ||
      addr.find_first_of(" <>\r\n\t") != std::string::npos)
    return std::nullopt;
  return addr;
}

std::optional<std::vector<int>> dayList(Reader& r, const Entry& e) {
  if (!e.value.IsSequence()) {
    r.problem(e, "expected a list of whole days, e.g. [7, 1]");
    return std::nullopt;
  }
  std::vector<int> out;
  std::set<int> seen;
  for (const auto& item : e.value) {
    Entry one{e.name, e.path, e.key, item};
    auto v = r.integer(one, 1, 365);
    if (!v) return std::nullopt;
    if (!seen.insert(static_cast<int>(*v)).second) {
      r.problem(item.Mark(), e.path + ": " + std::to_string(*v) + " is listed twice");
      return std::nullopt;
    }
    out.push_back(static_cast<int>(*v));
  }
  std::sort(out.begin(), out.end());
  return out;
}

void readSmtp(Reader& r, const Entry& smtp, SmtpConfig& s, const std::filesystem::path& base, bool& has_url) {
  std::optional<YAML::Mark> username_at;
  r.forEach(smtp.value, smtp.key.Mark(), smtp.path, [&](const Entry& e) {
    if (e.name == "url") {
      if (auto v = r.string(e)) {
        if (v->rfind("smtp://", 0) != 0 && v->rfind("smtps://", 0) != 0)
          r.problem(e, "\"" + *v + "\" is not an smtp:// or smtps:// URL (e.g. smtp://mail.example.org:587)");
        s.url = *v;
        has_url = true;
      }
    } else if (e.name == "from") {
      if (auto v = r.string(e)) {
        if (auto addr = bareAddress(*v)) {
          s.from = *v;
          s.from_address = *addr;
        } else {
          r.problem(e, "\"" + *v + "\" is not an address (\"Library <library@example.org>\" or library@example.org)");
        }
      }
    } else if (e.name == "username") {
      if (auto v = r.string(e, true)) s.username = *v;
      username_at = e.key.Mark();
    } else if (e.name == "password_file") {
      if (auto v = r.string(e)) {
        s.password_file = (std::filesystem::path(*v).is_absolute() ? std::filesystem::path(*v) : base / *v);
        std::error_code ec;
        if (!std::filesystem::is_regular_file(secretSource(s.password_file), ec))
          r.problem(e, "cannot read " + s.password_file.string());
      }
    } else if (e.name == "starttls") {
      if (auto v = r.oneOf(e, {"required", "optional", "never"}))
        s.starttls = *v == "required" ? StartTls::required : *v == "optional" ? StartTls::optional : StartTls::never;
    } else if (e.name == "timeout") {
      if (auto d = r.duration(e)) s.timeout = *d;
    } else if (e.name == "rate_per_minute") {
      if (auto v = r.integer(e, 1, 100000)) s.rate_per_minute = static_cast<int>(*v);
    } else if (e.name == "retry_initial") {
      if (auto d = r.duration(e)) s.retry_initial = *d;
    } else if (e.name == "retry_max") {
      if (auto d = r.duration(e)) s.retry_max = *d;
    } else if (e.name == "max_attempts") {
      if (auto v = r.integer(e, 1, 100)) s.max_attempts = static_cast<int>(*v);
    } else {
      return false;
    }
    return true;
  });
  if (username_at && !s.username.empty() && s.password_file.empty())
    r.problem(*username_at, smtp.path + ": username needs password_file");
}

void readWindow(Reader& r, const Entry& window, SendWindow& w) {
  r.forEach(window.value, window.key.Mark(), window.path, [&](const Entry& e) {
    if (e.name == "days") {
      if (auto v = r.string(e)) {
        if (auto days = parseDays(*v))
          w.days = *days;
        else
          r.problem(e, "\"" + *v + "\" is not a list of weekdays (e.g. mon-fri or mon,wed,fri)");
      }
    } else if (e.name == "hours") {
      if (auto v = r.string(e)) {
        const auto dash = v->find('-');
        auto open = parseClock(v->substr(0, dash));
        auto close = dash == std::string::npos ? std::nullopt : parseClock(v->substr(dash + 1));
        if (!open || !close || *open >= *close)
          r.problem(e, "\"" + *v + "\" is not a range of hours HH:MM-HH:MM within one day (e.g. 07:00-18:00)");
        else {
          w.open_minute = *open;
          w.close_minute = *close;
        }
      }
    } else if (e.name == "timezone") {
      if (auto v = r.string(e)) {
        if (auto zone = TimeZone::locate(*v))
          w.timezone = *v;
        else
          r.problem(e, zone.error().message);
      }
    } else {
      return false;
    }
    return true;
  });
}

void readClosed(Reader& r, const Entry& e, std::vector<ClosedRange>& out) {
  if (!e.value.IsSequence()) {
    r.problem(e, "expected a list of dates or ranges, e.g. [\"2026-12-21..2027-01-01\"]");
    return;
  }
  for (const auto& item : e.value) {
    const std::string text = item.IsScalar() ? item.Scalar() : "";
    const auto dots = text.find("..");
    ClosedRange c{text.substr(0, dots), dots == std::string::npos ? text.substr(0, dots) : text.substr(dots + 2)};
    if (!isValidDate(c.first) || !isValidDate(c.last) || c.last < c.first)
      r.problem(item.Mark(), e.path + ": \"" + text +
                                 "\" is not a date or a range FIRST..LAST (e.g. 2026-12-21..2027-01-01)");
    else
      out.push_back(c);
  }
}

}  // namespace

void readNotifications(Reader& r, const Entry& block, NotificationsConfig& n, const std::filesystem::path& base) {
  bool has_url = false;
  r.forEach(block.value, block.key.Mark(), block.path, [&](const Entry& e) {
    if (e.name == "smtp")
      readSmtp(r, e, n.smtp, base, has_url);
    else if (e.name == "due_soon_days") {
      if (auto v = dayList(r, e)) n.due_soon_days = *v;
    } else if (e.name == "overdue_days") {
      if (auto v = dayList(r, e)) n.overdue_days = *v;
    } else if (e.name == "send_window")
      readWindow(r, e, n.send_window);
    else if (e.name == "closed")
      readClosed(r, e, n.closed);
    else if (e.name == "repair_ready") {
      if (auto v = r.oneOf(e, {"true", "false"})) n.repair_ready = *v == "true";
    } else if (e.name == "weekly_digest") {
      if (auto v = r.string(e)) {
        if (*v == "off" || *v == "false")
          n.weekly_digest.reset();
        else if (int d = dayIndex(*v); d >= 0 && v->size() >= 3)
          n.weekly_digest = d;
        else
          r.problem(e, "\"" + *v + "\" is not a weekday (monday ... sunday) or off");
      }
    } else if (e.name == "templates_dir") {
      if (auto v = r.string(e, true)) {
        if (!v->empty()) {
          n.templates_dir = std::filesystem::path(*v).is_absolute() ? std::filesystem::path(*v) : base / *v;
          std::error_code ec;
          if (!std::filesystem::is_directory(n.templates_dir, ec))
            r.problem(e, n.templates_dir.string() + " is not a directory");
        }
      }
    } else if (e.name == "building_contacts") {
      r.forEach(e.value, e.key.Mark(), e.path, [&](const Entry& c) {
        if (auto v = r.string(c)) {
          if (bareAddress(*v) && v->find('<') == std::string::npos)
            n.building_contacts[c.name] = *v;
          else
            r.problem(c, "\"" + *v + "\" is not an email address");
        }
        return true;
      });
    } else if (e.name == "plan_interval") {
      if (auto d = r.duration(e)) n.plan_interval = *d;
    } else {
      return false;
    }
    return true;
  });
  if (!has_url && block.value.IsMap()) r.problem(block.key.Mark(), block.path + ": missing required key \"smtp.url\"");
  if (n.smtp.from.empty() && block.value.IsMap()) r.problem(block.key.Mark(), block.path + ": missing required key \"smtp.from\"");
}

}  // namespace fk::config_detail
