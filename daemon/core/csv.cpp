#include "core/csv.hpp"

#include <algorithm>
#include <cstring>

#include "core/csv_input.hpp"
#include "core/csv_stream.hpp"

namespace fk {
namespace {

// Stores `value` in slot `index`, reusing the string already there so that reading row after row
// into the same vector allocates only when a field outgrows its slot.
std::string& slot(std::vector<std::string>& fields, std::size_t index) {
  if (index < fields.size()) return fields[index];
  return fields.emplace_back();
}

bool isFormulaLead(char c) { return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r'; }

// A sign, digits and at most one dot with digits on both sides: what a spreadsheet takes as a number.
bool isPlainNumber(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  const auto digits = [&] {
    const std::size_t from = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > from;
  };
  if (!digits()) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

// "'", "''", ... followed by a formula lead: the shape of a neutralised cell.
bool looksNeutralised(std::string_view s) {
  const std::size_t quotes = s.find_first_not_of('\'');
  return quotes != 0 && quotes != std::string_view::npos && isFormulaLead(s[quotes]);
}

bool needsQuotes(std::string_view field) {
  return field.find_first_of(",\"\r\n") != std::string_view::npos ||
         (!field.empty() && (field.front() == ' ' || field.back() == ' ' || field.front() == '\t' ||
                             field.back() == '\t'));
}

void appendQuoted(std::string& out, std::string_view field) {
  out += '"';
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

}  // namespace

bool csvCellNeedsNeutralising(std::string_view field) {
  if (field.empty()) return false;
  if (isFormulaLead(field.front())) return !isPlainNumber(field);
  return field.front() == '\'' && looksNeutralised(field);
}

std::string neutraliseCsvCell(std::string_view field) {
  if (!csvCellNeedsNeutralising(field)) return std::string(field);
  std::string out;
  out.reserve(field.size() + 1);
  out += '\'';
  out += field;
  return out;
}

void restoreCsvCell(std::string& field) {
  if (!field.empty() && field.front() == '\'' && looksNeutralised(field)) field.erase(0, 1);
}

CsvReader::CsvReader(std::string_view text, char delimiter) : text_(text), delimiter_(delimiter) {
  if (text_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
}

CsvReader::CsvReader(TextSource& source, char delimiter) : delimiter_(delimiter), source_(&source), at_end_(false) {
  if (delimiter_ != 0) return;
  // The delimiter is the header line's: read until the window holds all of it.
  for (;;) {
    if (auto found = headerDelimiter(window_)) {
      delimiter_ = *found;
      return;
    }
    if (window_.size() > kMaxStreamedRecord || !refill()) break;
  }
  delimiter_ = detectDelimiter(window_);
}

bool CsvReader::refill() {
  if (source_ == nullptr || at_end_) return false;
  window_.erase(0, pos_);
  pos_ = 0;
  // At least double what is waiting, so a long record is scanned again only a few times in all.
  const std::size_t want = std::max(window_.size() * 2, window_.size() + 1);
  bool grew = false;
  while (window_.size() < want) {
    if (!source_->more(window_)) {
      at_end_ = true;
      break;
    }
    grew = true;
  }
  text_ = window_;
  if (at_end_ && source_->failure()) {
    record_line_ = source_->failure()->line;
    error_ = source_->failure()->message;
  }
  return grew;
}

bool CsvReader::next(std::vector<std::string>& fields) {
  while (error_.empty()) {
    if (pos_ >= text_.size()) {
      if (at_end_) return false;
      refill();
      continue;
    }
    const std::size_t start = pos_;
    const std::size_t start_line = current_line_;
    const Outcome outcome = parse(fields);
    if (outcome == Outcome::record) return true;
    if (outcome == Outcome::error) return false;
    // The record runs past the window: read it again from its start once more text is in.
    pos_ = start;
    current_line_ = start_line;
    if (text_.size() - start > kMaxStreamedRecord) {
      record_line_ = start_line;
      error_ = "a record longer than " + std::to_string(kMaxStreamedRecord >> 20) + " MiB (is a quote not closed?)";
      return false;
    }
    refill();
  }
  return false;
}

CsvReader::Outcome CsvReader::parse(std::vector<std::string>& fields) {
  record_line_ = current_line_;
  const char* const data = text_.data();
  const std::size_t size = text_.size();
  const char delim = delimiter_;
  // Running out of text is the record's end only when there is no more; otherwise it needs more.
  const bool final = at_end_;
  std::size_t count = 0;

  while (true) {
    std::string& field = slot(fields, count++);
    if (pos_ >= size && !final) return Outcome::need_more;
    if (pos_ < size && data[pos_] == '"') {
      const std::size_t open_line = current_line_;
      ++pos_;
      field.clear();
      while (true) {
        const void* hit = std::memchr(data + pos_, '"', size - pos_);
        if (hit == nullptr) {
          if (!final) return Outcome::need_more;
          record_line_ = open_line;
          error_ = "unterminated quoted field";
          return Outcome::error;
        }
        const std::size_t quote = static_cast<const char*>(hit) - data;
        const std::string_view chunk(data + pos_, quote - pos_);
        // A line end inside quotes still moves the line count: LF or CRLF once, a lone CR once.
        for (std::size_t i = 0; i < chunk.size(); ++i) {
          current_line_ += chunk[i] == '\n' || (chunk[i] == '\r' && (i + 1 == chunk.size() || chunk[i + 1] != '\n'));
        }
        field.append(chunk);
        pos_ = quote + 1;
        if (pos_ >= size && !final) return Outcome::need_more;  // "" could be split
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
        return Outcome::error;
      }
    } else {
      const std::size_t start = pos_;
      while (pos_ < size) {
        const char c = data[pos_];
        if (c == delim || c == '\r' || c == '\n') break;
        if (c == '"') {
          record_line_ = current_line_;
          error_ = "stray quote in an unquoted field (quote the whole field and double the quote)";
          return Outcome::error;
        }
        ++pos_;
      }
      if (pos_ >= size && !final) return Outcome::need_more;
      field.assign(data + start, pos_ - start);
    }
    restoreCsvCell(field);

    if (pos_ >= size) break;
    if (data[pos_] == delim) {
      ++pos_;
      continue;
    }
    // Line end: CRLF, LF, or a lone CR from old spreadsheet exports.
    if (data[pos_] == '\r') {
      if (pos_ + 1 >= size && !final) return Outcome::need_more;  // CRLF could be split
      ++pos_;
    }
    if (pos_ < size && data[pos_] == '\n') ++pos_;
    ++current_line_;
    break;
  }
  fields.resize(count);
  return Outcome::record;
}

std::string csvEscape(std::string_view field) {
  std::string out;
  appendCsvField(out, field);
  return out;
}

void appendCsvField(std::string& out, std::string_view field) {
  // The common case first, without a temporary string: nothing to neutralise, nothing to quote.
  if (field.empty() || (!isFormulaLead(field.front()) && field.front() != '\'')) {
    if (field.find_first_of(",\"\r\n \t") == std::string_view::npos) {
      out += field;
      return;
    }
  }
  const std::string cell = neutraliseCsvCell(field);
  if (needsQuotes(cell)) {
    appendQuoted(out, cell);
  } else {
    out += cell;
  }
}

void appendCsvRow(std::string& out, const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    appendCsvField(out, fields[i]);
  }
  out += "\r\n";
}

}  // namespace fk
