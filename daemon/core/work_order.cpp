#include "core/work_order.hpp"

#include <array>

#include "core/text.hpp"
#include "core/values.hpp"

namespace fk {

namespace {

using WS = WorkOrderStatus;

constexpr std::array<std::string_view, 7> kOrderStatusNames = {
    "open", "diagnosing", "waiting_parts", "in_repair", "resolved", "unrepairable", "cancelled"};
constexpr std::array<WorkOrderStatus, 7> kOrderStatuses = {WS::open,      WS::diagnosing, WS::waiting_parts,
                                                           WS::in_repair, WS::resolved,   WS::unrepairable,
                                                           WS::cancelled};
constexpr std::array<std::string_view, 8> kCategoryNames = {"screen", "keyboard", "battery",  "charging",
                                                            "liquid", "hinge",    "software", "other"};
constexpr std::array<WorkOrderCategory, 8> kCategories = {
    WorkOrderCategory::screen,   WorkOrderCategory::keyboard, WorkOrderCategory::battery,
    WorkOrderCategory::charging, WorkOrderCategory::liquid,   WorkOrderCategory::hinge,
    WorkOrderCategory::software, WorkOrderCategory::other};
constexpr std::array<std::string_view, 4> kPriorityNames = {"low", "normal", "high", "urgent"};
constexpr std::array<WorkOrderPriority, 4> kPriorities = {WorkOrderPriority::low, WorkOrderPriority::normal,
                                                          WorkOrderPriority::high, WorkOrderPriority::urgent};
constexpr std::array<std::string_view, 4> kPayerNames = {"warranty", "insurance", "student_fee", "district"};
constexpr std::array<Payer, 4> kPayers = {Payer::warranty, Payer::insurance, Payer::student_fee,
                                          Payer::district};

// The move table (see the header for the reasons behind each backward or skipping move).
constexpr std::array<WS, 4> kOrderFromOpen = {WS::diagnosing, WS::in_repair, WS::unrepairable, WS::cancelled};
constexpr std::array<WS, 5> kOrderFromDiagnosing = {WS::waiting_parts, WS::in_repair, WS::resolved,
                                                    WS::unrepairable, WS::cancelled};
constexpr std::array<WS, 4> kOrderFromWaitingParts = {WS::diagnosing, WS::in_repair, WS::unrepairable,
                                                      WS::cancelled};
constexpr std::array<WS, 5> kOrderFromInRepair = {WS::diagnosing, WS::waiting_parts, WS::resolved,
                                                  WS::unrepairable, WS::cancelled};

template <class E, std::size_t N>
std::optional<E> parseName(const std::array<std::string_view, N>& names, const std::array<E, N>& values,
                           std::string_view s) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == s) return values[i];
  }
  return std::nullopt;
}

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// A work order's wording of a text fault: one sentence that starts with the field.
Error textError(TextFault fault, const std::string& field, std::size_t max_bytes) {
  switch (fault) {
    case TextFault::empty: return Error::invalid(field, field + " must not be empty");
    case TextFault::too_long:
      return Error::invalid(field, field + " is longer than " + std::to_string(max_bytes) + " bytes");
    case TextFault::not_utf8: return Error::invalid(field, field + " is not valid UTF-8");
    case TextFault::control:
    case TextFault::none: break;
  }
  return Error::invalid(field, field + " contains a control character");
}

}  // namespace

std::string_view toString(WorkOrderStatus s) {
  return kOrderStatusNames[static_cast<std::size_t>(s)];
}
std::string_view toString(WorkOrderCategory c) {
  return kCategoryNames[static_cast<std::size_t>(c)];
}
std::string_view toString(WorkOrderPriority p) {
  return kPriorityNames[static_cast<std::size_t>(p)];
}
std::string_view toString(Payer p) {
  return kPayerNames[static_cast<std::size_t>(p)];
}

std::optional<WorkOrderStatus> parseWorkOrderStatus(std::string_view s) {
  return parseName(kOrderStatusNames, kOrderStatuses, s);
}
std::optional<WorkOrderCategory> parseWorkOrderCategory(std::string_view s) {
  return parseName(kCategoryNames, kCategories, s);
}
std::optional<WorkOrderPriority> parseWorkOrderPriority(std::string_view s) {
  return parseName(kPriorityNames, kPriorities, s);
}
std::optional<Payer> parsePayer(std::string_view s) {
  return parseName(kPayerNames, kPayers, s);
}

std::span<const WorkOrderStatus> allWorkOrderStatuses() {
  return kOrderStatuses;
}
std::span<const WorkOrderCategory> allWorkOrderCategories() {
  return kCategories;
}
std::span<const WorkOrderPriority> allWorkOrderPriorities() {
  return kPriorities;
}
std::span<const Payer> allPayers() {
  return kPayers;
}

bool isClosed(WorkOrderStatus s) {
  return s == WS::resolved || s == WS::unrepairable || s == WS::cancelled;
}

std::span<const WorkOrderStatus> allowedWorkOrderMoves(WorkOrderStatus from) {
  switch (from) {
    case WS::open: return kOrderFromOpen;
    case WS::diagnosing: return kOrderFromDiagnosing;
    case WS::waiting_parts: return kOrderFromWaitingParts;
    case WS::in_repair: return kOrderFromInRepair;
    case WS::resolved:
    case WS::unrepairable:
    case WS::cancelled: return {};
  }
  return {};
}

bool canMoveWorkOrder(WorkOrderStatus from, WorkOrderStatus to) {
  for (WorkOrderStatus s : allowedWorkOrderMoves(from)) {
    if (s == to) return true;
  }
  return false;
}

Status checkWorkOrderMove(WorkOrderStatus from, WorkOrderStatus to) {
  if (canMoveWorkOrder(from, to)) return {};
  nlohmann::json allowed = nlohmann::json::array();
  std::string names;
  for (WorkOrderStatus s : allowedWorkOrderMoves(from)) {
    allowed.push_back(toString(s));
    names += (names.empty() ? "" : ", ") + std::string(toString(s));
  }
  std::string message = "a work order cannot move from " + std::string(toString(from)) + " to " +
                        std::string(toString(to)) + "; ";
  message += names.empty() ? "it is closed" : "allowed: " + names;
  return std::unexpected(Error::conflict(
      std::move(message),
      {{"field", "status"}, {"from", toString(from)}, {"to", toString(to)}, {"allowed", allowed}}));
}

std::optional<std::int64_t> partCostCents(std::int64_t quantity, std::int64_t unit_cost_cents) {
  if (quantity < 0 || unit_cost_cents < 0) return std::nullopt;
  std::int64_t out = 0;
  if (__builtin_mul_overflow(quantity, unit_cost_cents, &out)) return std::nullopt;
  return out;
}

std::optional<std::int64_t> labourCostCents(std::int64_t minutes, std::int64_t rate_cents_per_hour) {
  if (minutes < 0 || rate_cents_per_hour < 0) return std::nullopt;
  std::int64_t product = 0;
  if (__builtin_mul_overflow(minutes, rate_cents_per_hour, &product)) return std::nullopt;
  // Half up: 1 minute at 40.00/h is 66.67 cents, billed as 67.
  return product / 60 + (product % 60 >= 30 ? 1 : 0);
}

std::optional<std::int64_t> addCents(std::int64_t a, std::int64_t b) {
  if (a < 0 || b < 0) return std::nullopt;
  std::int64_t out = 0;
  if (__builtin_add_overflow(a, b, &out)) return std::nullopt;
  return out;
}

Result<std::int64_t> checkPartQuantity(std::int64_t quantity, const std::string& field) {
  if (quantity < 1 || quantity > kMaxPartQuantity) {
    return std::unexpected(Error::invalid(
        field, field + " must be a whole number from 1 to " + std::to_string(kMaxPartQuantity)));
  }
  return quantity;
}

Result<std::int64_t> parseCostField(std::string_view text, const std::string& field) {
  auto cents = parseMoney(text);
  if (!cents) {
    return std::unexpected(
        Error::invalid(field, field + " must be an amount like \"54.00\" (at most two decimals), got \"" +
                                  std::string(text) + "\""));
  }
  if (*cents < 0 || *cents > kMaxUnitCostCents) {
    return std::unexpected(
        Error::invalid(field, field + " must be from 0.00 to " + formatMoney(kMaxUnitCostCents)));
  }
  return *cents;
}

Result<std::int64_t> checkLabourMinutes(std::int64_t minutes, const std::string& field) {
  if (minutes < 0 || minutes > kMaxLabourMinutes) {
    return std::unexpected(Error::invalid(
        field, field + " must be a whole number of minutes from 0 to " + std::to_string(kMaxLabourMinutes)));
  }
  return minutes;
}

Result<std::string> checkText(std::string_view text, const std::string& field, std::size_t max_bytes,
                              bool optional) {
  while (!text.empty() && isSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && isSpace(text.back())) text.remove_suffix(1);
  // Newline and tab only: a \r inside is refused (the trim above drops a trailing one).
  const TextRule rule{.max_bytes = max_bytes, .required = !optional, .allowed_controls = "\n\t"};
  if (const TextFault fault = classifyText(text, rule); fault != TextFault::none)
    return std::unexpected(textError(fault, field, max_bytes));
  return std::string(text);
}

}  // namespace fk
