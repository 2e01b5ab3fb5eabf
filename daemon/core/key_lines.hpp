#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fk {

// The line each key of a file was first seen on, for naming repeats ("repeats line 12"), in about 30
// bytes a key: an unordered_map<string, size_t> took ~75 (a node, a string, a bucket), and at a
// million rows an import's two key tables were most of its memory. Keys are kept once, in one
// arena; the table holds only where each one is, with a few bits of its hash to skip most compares.
class KeyLines {
 public:
  // The line `key` was first noted on; nullopt, noting it on `line`, when it is new.
  std::optional<std::size_t> firstLine(std::string_view key, std::size_t line);
  std::size_t size() const { return size_; }
  // Forgets every key and gives the memory back.
  void clear();

 private:
  struct Entry {
    std::string_view key;
    std::size_t line;
  };
  Entry entry(std::uint64_t slot) const;
  void grow();

  std::vector<std::uint64_t> slots_;  // 0: empty; else the hash's top bits, then where + 1 (below)
  // Per key: its line and length (LEB128), then its bytes; in blocks, never moved once written (a
  // string grown by doubling would hold up to twice the keys, and three times while it copies).
  // Where = block index << kBlockBits | offset in the block.
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::size_t used_ = 0;  // in the last block
  std::size_t size_ = 0;
};

}  // namespace fk
