#include "core/key_lines.hpp"

#include <functional>

namespace fk {
namespace {

constexpr int kOffsetBits = 40;  // an arena of up to 1 TiB: far past any import body limit
constexpr std::uint64_t kOffsetMask = (std::uint64_t{1} << kOffsetBits) - 1;
constexpr std::size_t kFirstSize = 1024;

std::uint64_t hashOf(std::string_view key) { return std::hash<std::string_view>{}(key); }
std::uint64_t tagOf(std::uint64_t hash) { return hash >> kOffsetBits; }

void appendNumber(std::string& out, std::size_t n) {
  while (n >= 0x80) {
    out += static_cast<char>((n & 0x7F) | 0x80);
    n >>= 7;
  }
  out += static_cast<char>(n);
}

std::size_t readNumber(const std::string& in, std::size_t& pos) {
  std::size_t n = 0;
  for (int shift = 0;; shift += 7) {
    const auto byte = static_cast<unsigned char>(in[pos++]);
    n |= static_cast<std::size_t>(byte & 0x7F) << shift;
    if (byte < 0x80) return n;
  }
}

}  // namespace

KeyLines::Entry KeyLines::entry(std::uint64_t slot) const {
  std::size_t pos = (slot & kOffsetMask) - 1;
  const std::size_t line = readNumber(arena_, pos);
  const std::size_t length = readNumber(arena_, pos);
  return {std::string_view(arena_).substr(pos, length), line};
}

std::optional<std::size_t> KeyLines::firstLine(std::string_view key, std::size_t line) {
  if (slots_.empty()) slots_.assign(kFirstSize, 0);
  const std::uint64_t hash = hashOf(key);
  const std::uint64_t tag = tagOf(hash);
  std::size_t mask = slots_.size() - 1;
  std::size_t i = hash & mask;
  for (; slots_[i] != 0; i = (i + 1) & mask) {
    if ((slots_[i] >> kOffsetBits) != tag) continue;
    const Entry e = entry(slots_[i]);
    if (e.key == key) return e.line;
  }
  // At most three quarters full: linear probing stays short.
  if ((size_ + 1) * 4 > slots_.size() * 3) {
    grow();
    mask = slots_.size() - 1;
    for (i = hash & mask; slots_[i] != 0; i = (i + 1) & mask) {
    }
  }
  const std::size_t offset = arena_.size();
  appendNumber(arena_, line);
  appendNumber(arena_, key.size());
  arena_.append(key);
  slots_[i] = (tag << kOffsetBits) | (offset + 1);
  ++size_;
  return std::nullopt;
}

void KeyLines::grow() {
  std::vector<std::uint64_t> bigger(slots_.size() * 2, 0);
  const std::size_t mask = bigger.size() - 1;
  for (const std::uint64_t slot : slots_) {
    if (slot == 0) continue;
    std::size_t i = hashOf(entry(slot).key) & mask;
    while (bigger[i] != 0) i = (i + 1) & mask;
    bigger[i] = slot;
  }
  slots_.swap(bigger);
}

void KeyLines::clear() {
  std::vector<std::uint64_t>().swap(slots_);
  std::string().swap(arena_);
  size_ = 0;
}

}  // namespace fk
