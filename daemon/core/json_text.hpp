#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace fk {

// Appends `text` as a JSON string, exactly as nlohmann::json's dump() writes it (escapes, invalid
// UTF-8 replaced by U+FFFD). For bodies written by hand rather than built as a JSON tree: plain
// printable ASCII, nearly every value, is copied as is; anything else goes through the library.
void appendJsonString(std::string& out, std::string_view text);

// "" as null (the API's "not set"), anything else as appendJsonString writes it.
void appendJsonStringOrNull(std::string& out, std::string_view text);

// A whole number as JSON writes it, without a temporary string.
void appendJsonInt(std::string& out, std::int64_t value);

}  // namespace fk
