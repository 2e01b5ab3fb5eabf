#pragma once

// Family statements as printable HTML, rendered with mustache (mstch) from a built-in template that a
// district may override with `statement.html.mustache` in fees.templates_dir.

#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/fees.hpp"
#include "store/fee_store.hpp"

namespace fk {

struct StatementInput {
  std::vector<PersonLedger> people;  // one, or a household
  bool household = false;
  const FeePolicy* policy = nullptr;  // null: no policy words
  std::string today;                  // YYYY-MM-DD, printed as the statement date
};

// The built-in template, for docs and for districts starting their own.
const std::string& builtinStatementTemplate();

// 500-free: a template folder without the file falls back to the built-in one; an unreadable file is
// an internal error naming it.
Result<std::string> renderStatement(const StatementInput& input);

}  // namespace fk
