#include "snipeit/parse.hpp"
#include "core/text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

namespace fk::snipeit {
namespace {

using nlohmann::json;

std::string text(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return htmlUnescape(it->get<std::string>());
}

// {"id", "name"} relations, null when unset.
std::string nameOf(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_object()) return {};
  return text(*it, "name");
}

// {"date": "YYYY-MM-DD", "formatted": ...}: only `date` is parsed, `formatted` follows display settings.
std::string dateOf(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_object()) return {};
  return text(*it, "date");
}

void appendUtf8(std::string& out, unsigned long cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// `notes` is Markdown rendered to HTML: keep the text, line breaks for paragraph and <br> ends.
std::string plainNotes(const std::string& html) {
  std::string out;
  for (std::size_t i = 0; i < html.size(); ++i) {
    if (html[i] != '<') {
      out += html[i];
      continue;
    }
    const auto close = html.find('>', i);
    if (close == std::string::npos) {
      out += html.substr(i);
      break;
    }
    const std::string tag = lowerAscii(html.substr(i + 1, close - i - 1));
    if (tag.starts_with("br") || tag == "/p") out += '\n';
    i = close;
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return htmlUnescape(out);
}

}  // namespace

std::string htmlUnescape(const std::string& s) {
  if (s.find('&') == std::string::npos) return s;
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    const auto semi = s.find(';', i);
    if (semi == std::string::npos || semi - i > 10) {
      out += s[i];
      continue;
    }
    const std::string entity = s.substr(i + 1, semi - i - 1);
    unsigned long cp = 0;
    bool known = true;
    if (entity == "amp") cp = '&';
    else if (entity == "lt") cp = '<';
    else if (entity == "gt") cp = '>';
    else if (entity == "quot") cp = '"';
    else if (entity == "apos") cp = '\'';
    else if (entity == "nbsp") cp = 0xA0;
    else if (entity.size() > 1 && entity[0] == '#') {
      const bool hex = entity[1] == 'x' || entity[1] == 'X';
      const std::string digits = entity.substr(hex ? 2 : 1);
      known = !digits.empty() && digits.size() <= 7 &&
              std::all_of(digits.begin(), digits.end(), [hex](char c) {
                return hex ? std::isxdigit(static_cast<unsigned char>(c)) : std::isdigit(static_cast<unsigned char>(c));
              });
      if (known) cp = std::stoul(digits, nullptr, hex ? 16 : 10);
      known = known && cp > 0 && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    } else {
      known = false;
    }
    if (!known) {
      out += s[i];
      continue;
    }
    appendUtf8(out, cp);
    i = semi;
  }
  return out;
}

std::string kindOfCategory(const std::string& category) {
  const std::string c = lowerAscii(category);
  const auto has = [&](const char* word) { return c.find(word) != std::string::npos; };
  if (has("chromebook")) return "chromebook";
  if (has("laptop") || has("notebook")) return "laptop";
  if (has("tablet") || has("ipad")) return "tablet";
  if (has("desktop")) return "desktop";
  return "other";
}

std::string normaliseCost(const std::string& text) {
  // The last '.' or ',' followed by exactly two digits is the decimal mark; the other is grouping.
  std::string digits;
  const auto mark = text.find_last_of(".,");
  const bool has_decimals = mark != std::string::npos && text.size() - mark - 1 == 2;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      digits += c;
    } else if (has_decimals && i == mark) {
      digits += '.';
    } else if (c != ',' && c != '.' && c != ' ' && c != '\'') {
      return {};
    }
  }
  if (digits.empty() || digits == ".") return {};
  return digits;
}

std::string statusOfLabel(const std::string& name, const std::string& meta) {
  const std::string n = lowerAscii(name);
  if (n == "lost" || n == "lost/stolen") return "lost";
  if (n == "stolen") return "stolen";
  if (n == "broken" || n == "out for repair" || n == "out for diagnostics") return "in_repair";
  const std::string m = lowerAscii(meta);
  if (m == "deployed") return "deployed";
  if (m == "pending") return "on_order";
  if (m == "archived") return "retired";
  if (m == "undeployable") return "in_repair";
  return "in_stock";
}

std::expected<Page, std::string> parsePage(const std::string& body, int page_number) {
  const std::string where = "page " + std::to_string(page_number);
  json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded()) return std::unexpected(where + " is not JSON (truncated, or an HTML page?)");
  if (!doc.is_object()) return std::unexpected(where + " is not a JSON object");
  if (doc.contains("status") && doc["status"] == "error") {
    return std::unexpected(where + ": Snipe-IT says " + doc.value("messages", json("error")).dump());
  }
  auto total = doc.find("total");
  auto rows = doc.find("rows");
  if (total == doc.end() || !total->is_number_integer() || rows == doc.end() || !rows->is_array()) {
    return std::unexpected(where + " has no \"total\" and \"rows\"");
  }
  Page page;
  page.total = total->get<long long>();
  page.rows = rows->size();
  std::size_t index = 0;
  for (const json& row : *rows) {
    ++index;
    const std::string origin = where + " row " + std::to_string(index);
    if (!row.is_object() || !row.contains("id") || !row["id"].is_number_integer()) {
      page.skipped.emplace_back(origin, "not an asset with an id");
      continue;
    }
    api::Observation o;
    o.source_id = std::to_string(row["id"].get<long long>());
    o.origin = origin;
    auto set = [&o](const char* field, std::string value) {
      if (!value.empty()) o.fields[field] = std::move(value);
    };
    set("asset_tag", text(row, "asset_tag"));
    set("serial", text(row, "serial"));
    set("name", text(row, "name"));
    set("model", nameOf(row, "model"));
    set("model_number", text(row, "model_number"));
    set("manufacturer", nameOf(row, "manufacturer"));
    const std::string category = nameOf(row, "category");
    if (!category.empty()) set("kind", kindOfCategory(category));
    set("purchase_date", dateOf(row, "purchase_date"));
    set("purchase_price", normaliseCost(text(row, "purchase_cost")));
    set("po_number", text(row, "order_number"));
    set("vendor", nameOf(row, "supplier"));
    set("location", nameOf(row, "location"));
    set("warranty_end", dateOf(row, "warranty_expires"));
    set("replacement_date", dateOf(row, "asset_eol_date"));
    if (auto notes = row.find("notes"); notes != row.end() && notes->is_string()) {
      set("notes", plainNotes(notes->get<std::string>()));
    }
    if (auto label = row.find("status_label"); label != row.end() && label->is_object()) {
      set("status", statusOfLabel(text(*label, "name"), text(*label, "status_meta")));
      o.extra["status_label"] = text(*label, "name");
    }
    if (auto to = row.find("assigned_to"); to != row.end() && to->is_object()) {
      const std::string who = text(*to, "username").empty() ? text(*to, "name") : text(*to, "username");
      if (!who.empty()) o.extra["assigned_to"] = who;
    }
    if (o.fields.find("asset_tag") == o.fields.end() && o.fields.find("serial") == o.fields.end()) {
      page.skipped.emplace_back(origin, "asset " + o.source_id + " has neither an asset tag nor a serial");
      continue;
    }
    page.devices.push_back(std::move(o));
  }
  return page;
}

}  // namespace fk::snipeit
