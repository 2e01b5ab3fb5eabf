#include "notify/templates.hpp"

#include <mstch/mstch.hpp>

#include <fstream>
#include <mutex>
#include <sstream>

namespace fk {

std::string htmlEscape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// The HTML body's context carries values escaped already: one rule for both formats, whatever tags an
// override uses.
void useIdentityEscape() {
  static std::once_flag once;
  std::call_once(once, [] { mstch::config::escape = [](const std::string& s) { return s; }; });
}

namespace {

mstch::node toNode(const nlohmann::json& j, bool html) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      mstch::map m;
      for (auto it = j.begin(); it != j.end(); ++it) m.emplace(it.key(), toNode(it.value(), html));
      return m;
    }
    case nlohmann::json::value_t::array: {
      mstch::array a;
      for (const auto& v : j) a.push_back(toNode(v, html));
      return a;
    }
    case nlohmann::json::value_t::string:
      return html ? htmlEscape(j.get<std::string>()) : j.get<std::string>();
    case nlohmann::json::value_t::boolean:
      return j.get<bool>();
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      // mstch has no 64-bit integer; counts and days fit in int, anything else is shown as text.
      if (j.get<std::int64_t>() >= INT32_MIN && j.get<std::int64_t>() <= INT32_MAX)
        return static_cast<int>(j.get<std::int64_t>());
      return std::to_string(j.get<std::int64_t>());
    case nlohmann::json::value_t::number_float:
      return j.dump();
    default:
      return std::string();
  }
}

Result<std::string> templateFor(NoticeKind kind, const std::string& part, const std::filesystem::path& dir) {
  if (!dir.empty()) {
    const auto file = dir / (std::string(toString(kind)) + "." + part + ".mustache");
    std::error_code ec;
    if (std::filesystem::exists(file, ec)) {
      std::ifstream in(file, std::ios::binary);
      std::ostringstream text;
      if (!in || !(text << in.rdbuf()))
        return std::unexpected(Error::internal("cannot read template " + file.string()));
      return text.str();
    }
  }
  return builtinTemplate(kind, part);
}

// A subject is one header line: line breaks in it become spaces, and surrounding blanks go.
std::string oneLine(std::string s) {
  for (char& c : s)
    if (c == '\r' || c == '\n' || c == '\t') c = ' ';
  const auto first = s.find_first_not_of(' ');
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(' ') - first + 1);
}

}  // namespace

Result<RenderedMail> renderMail(NoticeKind kind, const nlohmann::json& context,
                                const std::filesystem::path& templates_dir) {
  useIdentityEscape();
  auto subject = templateFor(kind, "subject", templates_dir);
  auto text = templateFor(kind, "txt", templates_dir);
  auto html = templateFor(kind, "html", templates_dir);
  if (!subject) return std::unexpected(subject.error());
  if (!text) return std::unexpected(text.error());
  if (!html) return std::unexpected(html.error());
  const mstch::node plain = toNode(context, false);
  const mstch::node escaped = toNode(context, true);
  try {
    RenderedMail mail;
    mail.subject = oneLine(mstch::render(*subject, plain));
    mail.text = mstch::render(*text, plain);
    mail.html = mstch::render(*html, escaped);
    return mail;
  } catch (const std::exception& e) {
    return std::unexpected(Error::internal(std::string("rendering the ") + std::string(toString(kind)) +
                                           " template failed: " + e.what()));
  }
}

}  // namespace fk
