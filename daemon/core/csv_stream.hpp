#pragma once

// An import's CSV read as it arrives: the byte-order mark, the encoding and the UTF-8 check of
// core/csv_input.hpp's csvText(), done a piece at a time so that no step holds the whole body.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/byte_source.hpp"
#include "core/csv_input.hpp"
#include "core/error.hpp"

namespace fk {

// Where CsvReader gets more text from when it is not all in memory.
class TextSource {
 public:
  virtual ~TextSource() = default;
  // Appends the next piece of text to `out`; false, appending nothing, at the end or after a failure.
  virtual bool more(std::string& out) = 0;
  // Why more() stopped early, if it did.
  virtual const std::optional<FieldError>& failure() const = 0;
};

// positionOf() kept up to date over a text that arrives in pieces: the same line and column for the
// same byte, whichever way the text was split.
class PositionCounter {
 public:
  // The bytes of `text` follow those already counted.
  void advance(std::string_view text);
  // Where the byte at `offset` of `text` (the piece after those counted) is.
  TextPosition at(std::string_view text, std::size_t offset) const;

 private:
  std::size_t line_ = 1;
  std::size_t column_ = 1;
  bool pending_cr_ = false;  // the last byte counted was CR: a line end unless LF comes next
};

// UTF-8 text without a byte-order mark from the bytes of `body`, as csvText() makes of a whole body:
// Windows-1252 converted, UTF-8 checked, and the first bad byte a FieldError naming its line and
// column, with the same wording.
class CsvTextStream : public TextSource {
 public:
  CsvTextStream(ByteSource& body, TextEncoding encoding) : body_(body), encoding_(encoding) {}
  ~CsvTextStream() override;
  CsvTextStream(const CsvTextStream&) = delete;
  CsvTextStream& operator=(const CsvTextStream&) = delete;
  bool more(std::string& out) override;
  const std::optional<FieldError>& failure() const override { return failure_; }

 private:
  // Appends `raw` (checked or converted) to `out`; false after setting failure_.
  bool take(std::string_view raw, std::string& out, bool last);
  bool fail(std::string_view raw, std::size_t offset, const std::string& what);

  ByteSource& body_;
  TextEncoding encoding_;
  std::string head_;      // the first bytes, until it is known whether they are a byte-order mark
  bool started_ = false;  // past the byte-order mark
  bool ended_ = false;
  std::string carry_;     // a UTF-8 sequence split between two pieces (at most 3 bytes)
  std::string joined_;    // carry_ and the start of the next piece
  void* converter_ = nullptr;  // iconv_t, for Windows-1252
  PositionCounter position_;
  std::optional<FieldError> failure_;
};

}  // namespace fk
