#include "core/key_lines.hpp"

#include <algorithm>
#include <functional>

namespace fk {
namespace {

constexpr int kOffsetBits = 40;  // where a key is: 2^20 blocks of 1 MiB
constexpr std::uint64_t kOffsetMask = (std::uint64_t{1} << kOffsetBits) - 1;
constexpr int kBlockBits = 20;
constexpr std::size_t kBlockSize = std::size_t{1} << kBlockBits;
constexpr std::size_t kFirstSize = 1024;

std::uint64_t hashOf(std::string_view key) { return std::hash<std::string_view>{}(key); }
std::uint64_t tagOf(std::uint64_t hash) { return hash >> kOffsetBits; }

char* putNumber(char* out, std::size_t n) {
  while (n >= 0x80) {
    *out++ = static_cast<char>((n & 0x7F) | 0x80);
    n >>= 7;
  }
  *out++ = static_cast<char>(n);
  return out;
}

const char* getNumber(const char* in, std::size_t& n) {
  n = 0;
  for (int shift = 0;; shift += 7) {
    const auto byte = static_cast<unsigned char>(*in++);
    n |= static_cast<std::size_t>(byte & 0x7F) << shift;
    if (byte < 0x80) return in;
  }
}

}  // namespace

KeyLines::Entry KeyLines::entry(std::uint64_t slot) const {
  const std::uint64_t where = (slot & kOffsetMask) - 1;
  const char* at = blocks_[where >> kBlockBits].get() + (where & (kBlockSize - 1));
  std::size_t line = 0, length = 0;
  at = getNumber(at, line);
  at = getNumber(at, length);
  return {std::string_view(at, length), line};
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
  // A key that does not fit the last block starts a new one (a key longer than a block, its own).
  const std::size_t need = 2 * 10 + key.size();  // two LEB128 numbers of at most 10 bytes each
  if (blocks_.empty() || used_ + need > kBlockSize) {
    blocks_.push_back(std::make_unique<char[]>(std::max(need, kBlockSize)));
    used_ = 0;
  }
  const std::uint64_t where = ((blocks_.size() - 1) << kBlockBits) | used_;
  char* out = blocks_.back().get() + used_;
  out = putNumber(out, line);
  out = putNumber(out, key.size());
  std::copy(key.begin(), key.end(), out);
  used_ = static_cast<std::size_t>(out + key.size() - blocks_.back().get());
  slots_[i] = (tag << kOffsetBits) | (where + 1);
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
  std::vector<std::unique_ptr<char[]>>().swap(blocks_);
  used_ = 0;
  size_ = 0;
}

}  // namespace fk
