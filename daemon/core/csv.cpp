#include "core/csv.hpp"

#include <cstring>

namespace fk {
namespace {

// Stores `value` in slot `index`, reusing the string already there so that reading row after row
// into the same vector allocates only when a field outgrows its slot.
std::string& slot(std::vector<std::string>& fields, std::size_t index) {
  if (index < fields.size()) return fields[index];
  return fields.emplace_back();
}

}  // namespace

CsvReader::CsvReader(std::string_view text, char delimiter) : text_(text), delimiter_(delimiter) {
  if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
}

bool CsvReader::next(std::vector<std::string>& fields) {
  if (!error_.empty() || pos_ >= text_.size()) return false;
  record_line_ = current_line_;
  const char* const data = text_.data();
  const std::size_t size = text_.size();
  const char delim = delimiter_;
  std::size_t count = 0;

  while (true) {
    std::string& field = slot(fields, count++);
    if (pos_ < size && data[pos_] == '"') {
      const std::size_t open_line = current_line_;
      ++pos_;
      field.clear();
      while (true) {
        const void* hit = std::memchr(data + pos_, '"', size - pos_);
        if (hit == nullptr) {
          record_line_ = open_line;
          error_ = "unterminated quoted field";
          return false;
        }
        const std::size_t quote = static_cast<const char*>(hit) - data;
        const std::string_view chunk(data + pos_, quote - pos_);
        // A line end inside quotes still moves the line count: LF or CRLF once, a lone CR once.
        for (std::size_t i = 0; i < chunk.size(); ++i) {
          current_line_ += chunk[i] == '\n' || (chunk[i] == '\r' && (i + 1 == chunk.size() || chunk[i + 1] != '\n'));
        }
        field.append(chunk);
        pos_ = quote + 1;
        if (pos_ < size && data[pos_] == '"') {  // "" is one literal quote
          field += '"';
          ++pos_;
          continue;
        }
        break;
      }
      if (pos_ < size && data[pos_] != delim && data[pos_] != '\r' && data[pos_] != '\n') {
        record_line_ = current_line_;
        error_ = "unexpected character after a closing quote";
        return false;
      }
    } else {
      const std::size_t start = pos_;
      while (pos_ < size) {
        const char c = data[pos_];
        if (c == delim || c == '\r' || c == '\n') break;
        if (c == '"') {
          record_line_ = current_line_;
          error_ = "stray quote in an unquoted field (quote the whole field and double the quote)";
          return false;
        }
        ++pos_;
      }
      field.assign(data + start, pos_ - start);
    }

    if (pos_ >= size) break;
    if (data[pos_] == delim) {
      ++pos_;
      continue;
    }
    // Line end: CRLF, LF, or a lone CR from old spreadsheet exports.
    if (data[pos_] == '\r') ++pos_;
    if (pos_ < size && data[pos_] == '\n') ++pos_;
    ++current_line_;
    break;
  }
  fields.resize(count);
  return true;
}

std::string csvEscape(std::string_view field) {
  const bool needs_quotes = field.find_first_of(",\"\r\n") != std::string_view::npos ||
                            (!field.empty() && (field.front() == ' ' || field.back() == ' ' ||
                                                field.front() == '\t' || field.back() == '\t'));
  if (!needs_quotes) return std::string(field);
  std::string out;
  out.reserve(field.size() + 2);
  out += '"';
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

void appendCsvRow(std::string& out, const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    const auto& field = fields[i];
    if (field.find_first_of(",\"\r\n \t") == std::string::npos) {
      out += field;  // the common case, without a temporary string
    } else {
      out += csvEscape(field);
    }
  }
  out += "\r\n";
}

}  // namespace fk
