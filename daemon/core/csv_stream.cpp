#include "core/csv_stream.hpp"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/text.hpp"

namespace fk {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// Characters, as positionOf() counts them: every byte that is not a UTF-8 continuation byte.
std::size_t characters(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

// Where a UTF-8 sequence that `text` cuts off at its end begins (text.size() when none is): that
// part is kept for the next piece instead of being refused.
std::size_t completeUpTo(std::string_view text) {
  const std::size_t n = text.size();
  for (std::size_t k = n; k > 0 && n - k < 3;) {
    --k;
    const auto c = static_cast<unsigned char>(text[k]);
    if ((c & 0xC0) == 0x80) continue;  // a continuation byte: look further back for its lead
    if (c < 0xC0) return n;            // ASCII: nothing is cut off
    const std::size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    return k + length > n ? k : n;
  }
  return n;
}

std::string hexByte(char c) {
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(c));
  return hex;
}

}  // namespace

void PositionCounter::advance(std::string_view text) {
  if (text.empty()) return;
  std::size_t from = 0;
  if (pending_cr_) {
    pending_cr_ = false;
    // CRLF: the LF below ends the line; a lone CR ended it by itself.
    if (text.front() != '\n') {
      ++line_;
      column_ = 1;
    }
  }
  std::size_t last_end = std::string_view::npos;  // the last byte that ended a line
  if (std::memchr(text.data(), '\r', text.size()) == nullptr) {
    // The common case, without a branch per byte: LF is the only line end.
    line_ += static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
    last_end = text.rfind('\n');
  } else {
    for (std::size_t i = from; i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line_;
        last_end = i;
      } else if (text[i] == '\r') {
        if (i + 1 == text.size()) {
          pending_cr_ = true;  // decided by the next piece's first byte
          last_end = i;
        } else if (text[i + 1] != '\n') {
          ++line_;
          last_end = i;
        }
      }
    }
  }
  if (last_end == std::string_view::npos) {
    column_ += characters(text);
  } else {
    column_ = 1 + characters(text.substr(last_end + 1));
  }
}

TextPosition PositionCounter::at(std::string_view text, std::size_t offset) const {
  PositionCounter c = *this;
  c.advance(text.substr(0, std::min(offset, text.size())));
  // A CR just before the byte is a line end: the byte is not LF (it is the one being reported).
  if (c.pending_cr_) return {c.line_ + 1, 1};
  return {c.line_, c.column_};
}

CsvTextStream::~CsvTextStream() {
  if (converter_ != nullptr) iconv_close(static_cast<iconv_t>(converter_));
}

bool CsvTextStream::fail(std::string_view raw, std::size_t offset, const std::string& what) {
  const TextPosition at = position_.at(raw, offset);
  failure_ = FieldError{at.line, "", "column " + std::to_string(at.column) + ": byte " + hexByte(raw[offset]) + what};
  return false;
}

bool CsvTextStream::take(std::string_view raw, std::string& out, bool last) {
  if (encoding_ == TextEncoding::utf8) {
    const std::size_t keep = last ? raw.size() : completeUpTo(raw);
    const std::size_t bad = firstInvalidUtf8(raw.substr(0, keep));
    if (bad != std::string_view::npos) {
      return fail(raw, bad, " is not UTF-8 (an export from an older program may need ?encoding=windows-1252)");
    }
    out.append(raw.data(), keep);
    position_.advance(raw.substr(0, keep));
    carry_.assign(raw.substr(keep));
    return true;
  }
  // Windows-1252 is one byte a character: every piece converts on its own.
  if (converter_ == nullptr) {
    iconv_t cd = iconv_open("UTF-8", "WINDOWS-1252");
    if (cd == reinterpret_cast<iconv_t>(-1)) {
      failure_ = FieldError{0, "", "iconv has no WINDOWS-1252"};
      return false;
    }
    converter_ = cd;
  }
  const std::size_t start = out.size();
  out.resize(start + raw.size() * 3 + 4);  // at most three UTF-8 bytes per input byte
  char* in = const_cast<char*>(raw.data());
  std::size_t in_left = raw.size();
  char* to = out.data() + start;
  std::size_t out_left = out.size() - start;
  const std::size_t done = iconv(static_cast<iconv_t>(converter_), &in, &in_left, &to, &out_left);
  const int failure = errno;
  out.resize(out.size() - out_left);
  if (done == static_cast<std::size_t>(-1)) {
    out.resize(start);
    return fail(raw, static_cast<std::size_t>(in - raw.data()),
                std::string(" is not a Windows-1252 character") + (failure == EILSEQ ? "" : " (conversion failed)"));
  }
  position_.advance(raw);
  return true;
}

bool CsvTextStream::more(std::string& out) {
  const std::size_t before = out.size();
  while (!failure_ && !ended_) {
    std::optional<std::string_view> piece = body_.next();
    if (!started_) {
      // The byte-order mark is looked for in the first three bytes, however the body was split.
      if (piece) head_.append(*piece);
      if (piece && head_.size() < kBom.size()) continue;
      started_ = true;
      std::string_view text = head_;
      if (text.starts_with(kBom)) text.remove_prefix(kBom.size());
      ended_ = !piece;
      const bool ok = take(text, out, ended_);
      std::string().swap(head_);
      if (!ok) break;
    } else if (!piece) {
      ended_ = true;
      // A sequence still open at the end of the body is refused here, where it starts.
      if (!carry_.empty() && !take(carry_, out, true)) break;
    } else if (carry_.empty()) {
      if (!take(*piece, out, false)) break;
    } else {
      joined_.assign(carry_);
      joined_.append(*piece);
      if (!take(joined_, out, false)) break;
    }
    if (out.size() > before) return true;
  }
  return out.size() > before;
}

}  // namespace fk
