#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace fkcli {

// Terminal columns a UTF-8 string takes (one per code point; enough for "→" and accented names).
std::size_t displayWidth(std::string_view utf8);

// A plain-text table: a header row, then rows, columns separated by two spaces and padded to the
// widest cell. Lines carry no trailing blanks.
class Table {
 public:
  explicit Table(std::vector<std::string> headers);
  void add(std::vector<std::string> row);
  bool empty() const { return rows_.empty(); }
  void print(std::ostream& out) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace fkcli
