#pragma once

#include <string>
#include <string_view>

#include "core/csv_input.hpp"

namespace fk {

// A date cell as spreadsheets write it: "YYYY-MM-DD" (also with a " HH:MM:SS" time, which is
// dropped), "M/D/YY(YY)" or "D/M/YY(YY)" by `order`, and "D.M.YY(YY)". Two-digit years are 20YY.
struct CsvDate {
  enum class Kind {
    iso,         // YYYY-MM-DD, or dots: the order is never in doubt
    mdy,         // slashes, readable only as month/day (the day is over 12)
    dmy,         // slashes, readable only as day/month
    either,      // slashes, day and month equal: the same date both ways
    ambiguous,   // slashes, both readings valid and different, and no order given
    invalid,
  } kind = Kind::invalid;
  std::string iso;  // "YYYY-MM-DD" unless ambiguous or invalid
};

CsvDate parseCsvDate(std::string_view cell, DateOrder order);

}  // namespace fk
