#pragma once

// The replacement plan's response bodies, written straight into one string: at 100,000 devices the body
// is tens of megabytes, and building a JSON tree first cost more than loading and planning together.

#include <span>
#include <string>

#include "core/fiscal_year.hpp"
#include "core/planning.hpp"

namespace fk {

// GET /api/v1/reports/replacement-plan as JSON. Byte for byte what the handler produced when it dumped
// nlohmann::json objects (plan_body_test.cpp keeps that builder as the reference): object keys in
// nlohmann's sorted order with "fiscal_years" and "backlog" last, device members in their documented
// order, strings escaped by nlohmann (invalid UTF-8 replaced), and a closing newline.
std::string planJsonBody(const Plan& plan, std::span<const PlanDevice> devices, FiscalYearStart start);

// The same text in pieces, for a response written as it goes (Response::stream): each next() appends
// up to `max_rows` devices (with the text around them) to `out`, and returns false once the body is
// complete. At a million devices the whole body is a quarter of a gigabyte. `plan` and `devices` must
// outlive it.
class PlanJsonPieces {
 public:
  PlanJsonPieces(const Plan& plan, std::span<const PlanDevice> devices, FiscalYearStart start)
      : plan_(plan), devices_(devices), start_(start) {}
  bool next(std::string& out, std::size_t max_rows);

 private:
  const Plan& plan_;
  std::span<const PlanDevice> devices_;
  FiscalYearStart start_;
  bool head_done_ = false;
  bool done_ = false;
  std::size_t year_ = 0;    // plan_.years.size() once in the backlog
  std::size_t entry_ = 0;   // within the year or the backlog
  bool list_open_ = false;  // the current year's (or the backlog's) device list is open
};

// format=csv: one row per device with the fiscal year that funds it, "backlog" for those none could.
std::string planCsvBody(const Plan& plan, std::span<const PlanDevice> devices);

// The same text in pieces, for a response written as it goes (Response::stream): each next() appends
// the header (first time) and up to `max_rows` rows to `out`, and returns false once the last row is
// written. `plan` and `devices` must outlive it.
class PlanCsvPieces {
 public:
  PlanCsvPieces(const Plan& plan, std::span<const PlanDevice> devices) : plan_(plan), devices_(devices) {}
  bool next(std::string& out, std::size_t max_rows);

 private:
  const Plan& plan_;
  std::span<const PlanDevice> devices_;
  bool header_done_ = false;
  std::size_t year_ = 0;   // plan_.years.size() once in the backlog
  std::size_t entry_ = 0;  // within the year or the backlog
  std::string label_;      // the year's label
};

}  // namespace fk
