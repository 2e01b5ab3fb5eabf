// List cursors (?cursor=) come from clients: decoding any text must not fail, and what encodes must
// decode to itself.
#include "http/json_mapping.hpp"
#include "../harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text = fk::fuzz::text(data, size);
  if (auto id = fk::decodeCursor(text)) {
    if (fk::decodeCursor(fk::encodeCursor(*id)) != id) __builtin_trap();
  }
  return 0;
}
