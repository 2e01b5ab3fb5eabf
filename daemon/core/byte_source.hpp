#pragma once

// Input read a piece at a time: an HTTP request body as it arrives, or text already in memory.

#include <algorithm>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace fk {

// The input stopped before its end: the client disconnected, timed out or sent more than the limit.
// Whatever was read from it must be dropped (an import rolls back).
class InputAborted : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // The next piece, valid until the following call; nullopt at the end. Blocks until a piece is there.
  // Throws InputAborted when the input was cut off.
  virtual std::optional<std::string_view> next() = 0;
  // The whole input's size when known in advance (an HTTP Content-Length), else 0: for sizing only.
  virtual std::size_t sizeHint() const { return 0; }
};

// Text already in memory, handed out in pieces so that what reads it keeps a bounded window.
class StringSource : public ByteSource {
 public:
  explicit StringSource(std::string_view text, std::size_t piece = 64 * 1024)
      : text_(text), piece_(std::max<std::size_t>(piece, 1)) {}
  std::optional<std::string_view> next() override {
    if (text_.empty()) return std::nullopt;
    const std::string_view out = text_.substr(0, piece_);
    text_.remove_prefix(out.size());
    return out;
  }
  std::size_t sizeHint() const override { return text_.size(); }

 private:
  std::string_view text_;
  std::size_t piece_;
};

}  // namespace fk
