// ISC dhcpd.leases: a log of `lease IP { ... }` blocks; the last block written for an address wins.
#include <arpa/inet.h>

#include <charconv>
#include <map>

#include "api/instant.hpp"
#include "dhcp_leases/parse.hpp"

namespace fk::dhcp_leases {
namespace {

struct Token {
  enum Type { word, string, open, close, semicolon } type;
  std::string text;
  int line;
};

// Words, quoted strings (with backslash escapes), braces and semicolons; '#' comments to the line end.
std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> out;
  int line = 1;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      ++i;
    } else if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
    } else if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (c == '{' || c == '}' || c == ';') {
      out.push_back({c == '{'   ? Token::open
                     : c == '}' ? Token::close
                                : Token::semicolon,
                     std::string(1, c), line});
      ++i;
    } else if (c == '"') {
      Token t{Token::string, "", line};
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\' && i + 1 < text.size()) ++i;
        if (text[i] == '\n') ++line;
        t.text += text[i];
      }
      ++i;  // the closing quote (or the end of a truncated file)
      out.push_back(std::move(t));
    } else {
      Token t{Token::word, "", line};
      while (i < text.size() && std::string_view(" \t\r\n{};\"#").find(text[i]) == std::string_view::npos)
        t.text += text[i++];
      out.push_back(std::move(t));
    }
  }
  return out;
}

std::optional<int> number(std::string_view text) {
  int v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

// "<weekday> YYYY/MM/DD HH:MM:SS" (UTC) or "epoch N"; `never` is handled by the caller.
std::optional<TimePoint> readDate(const std::vector<std::string>& args) {
  if (args.size() == 2 && args[0] == "epoch") {
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(args[1].data(), args[1].data() + args[1].size(), v);
    if (ec != std::errc() || end != args[1].data() + args[1].size()) return std::nullopt;
    return leaseTime(v);
  }
  if (args.size() != 3 || args[1].size() != 10 || args[2].size() != 8) return std::nullopt;
  const std::string& d = args[1];
  const std::string& t = args[2];
  if (d[4] != '/' || d[7] != '/' || t[2] != ':' || t[5] != ':') return std::nullopt;
  auto y = number(d.substr(0, 4)), mo = number(d.substr(5, 2)), da = number(d.substr(8, 2));
  auto h = number(t.substr(0, 2)), mi = number(t.substr(3, 2)), s = number(t.substr(6, 2));
  if (!y || !mo || !da || !h || !mi || !s || *h > 23 || *mi > 59 || *s > 60) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year(*y), std::chrono::month(static_cast<unsigned>(*mo)),
                                        std::chrono::day(static_cast<unsigned>(*da))};
  return api::instantFromCivil(ymd, std::chrono::hours(*h) + std::chrono::minutes(*mi) + std::chrono::seconds(*s));
}

class IscParser {
 public:
  explicit IscParser(std::string_view text) : tokens_(tokenize(text)) {}

  Parsed run() {
    while (pos_ < tokens_.size()) {
      const Token& first = tokens_[pos_];
      if (first.type == Token::word && first.text == "lease") {
        lease();
      } else {
        skipStatement();
      }
    }
    for (auto& [ip, lease] : by_ip_) out_.leases.push_back(std::move(lease));
    return std::move(out_);
  }

 private:
  // One statement up to its ';', or a whole (nested) block such as `failover peer ... { }`.
  void skipStatement() {
    int depth = 0;
    while (pos_ < tokens_.size()) {
      const Token& t = tokens_[pos_++];
      if (t.type == Token::open) ++depth;
      if (t.type == Token::close && --depth <= 0) return;
      if (t.type == Token::semicolon && depth == 0) return;
    }
  }

  void lease() {
    const int line = tokens_[pos_].line;
    const std::string origin = "line " + std::to_string(line);
    ++pos_;
    if (pos_ + 1 >= tokens_.size() || tokens_[pos_].type != Token::word ||
        tokens_[pos_ + 1].type != Token::open) {
      out_.skipped.push_back({origin, "expected \"lease ADDRESS {\""});
      skipStatement();
      return;
    }
    Lease lease;
    lease.ip = tokens_[pos_].text;
    lease.origin = origin;
    pos_ += 2;
    std::string problem;
    unsigned char buffer[16];
    if (inet_pton(AF_INET, lease.ip.c_str(), buffer) != 1)
      problem = "\"" + lease.ip + "\" is not an IPv4 address";
    bool closed = false;
    while (pos_ < tokens_.size()) {
      if (tokens_[pos_].type == Token::close) {
        ++pos_;
        closed = true;
        break;
      }
      if (tokens_[pos_].type == Token::word && tokens_[pos_].text == "lease") break;  // a block cut short
      // Collect one statement's words; nested blocks (`on commit { ... }`) are skipped whole.
      std::vector<std::string> words;
      bool block = false;
      while (pos_ < tokens_.size() && tokens_[pos_].type != Token::semicolon) {
        if (tokens_[pos_].type == Token::open) {
          block = true;
          skipStatement();
          break;
        }
        if (tokens_[pos_].type == Token::close) break;
        words.push_back(tokens_[pos_++].text);
      }
      if (!block && pos_ < tokens_.size() && tokens_[pos_].type == Token::semicolon) ++pos_;
      if (block || words.empty()) continue;
      const std::string& key = words[0];
      const std::vector<std::string> args(words.begin() + 1, words.end());
      if (key == "starts" || key == "ends" || key == "cltt") {
        std::optional<TimePoint> when;
        if (!(args.size() == 1 && args[0] == "never")) {
          when = readDate(args);
          if (!when && problem.empty()) problem = key + ": unreadable date, or not between 1970 and 2200";
        }
        if (key == "starts") lease.starts = when;
        if (key == "ends") lease.ends = when;
        if (key == "cltt") lease.last_contact = when;
      } else if (key == "binding" && args.size() == 2 && args[0] == "state") {
        lease.active = args[1] == "active";
      } else if (key == "hardware" && args.size() == 2) {
        auto mac = readMac(args[1]);
        if (mac) {
          lease.mac = *mac;
        } else if (problem.empty()) {
          problem = "\"" + args[1] + "\" is not a MAC address";
        }
      } else if (key == "client-hostname" && args.size() == 1) {
        lease.hostname = args[0];
      }
    }
    if (!closed && problem.empty()) problem = "lease block is not closed";
    if (!problem.empty()) {
      out_.skipped.push_back({origin, problem});
      return;
    }
    if (!lease.last_contact) lease.last_contact = lease.starts;
    by_ip_[lease.ip] = std::move(lease);
  }

  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  std::map<std::string, Lease> by_ip_;
  Parsed out_;
};

}  // namespace

Parsed parseIsc(std::string_view text) {
  return IscParser(text).run();
}

}  // namespace fk::dhcp_leases
