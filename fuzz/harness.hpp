#pragma once
// What every harness shares: libFuzzer's bytes as text (they are not NUL-terminated), and a selector
// taken from the input's last byte so one harness reaches every option of its parser while the seed
// files from testdata/ (ending in a line end) still read as written.

#include <cstddef>
#include <cstdint>
#include <string>

namespace fk::fuzz {

inline std::string text(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

inline unsigned lastByte(const std::uint8_t* data, std::size_t size) { return size ? data[size - 1] : 0; }

}  // namespace fk::fuzz
