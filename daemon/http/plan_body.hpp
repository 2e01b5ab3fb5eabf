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

// format=csv: one row per device with the fiscal year that funds it, "backlog" for those none could.
std::string planCsvBody(const Plan& plan, std::span<const PlanDevice> devices);

}  // namespace fk
