#include "core/lifecycle.hpp"

#include <algorithm>
#include <array>

namespace fk {
namespace {

using DS = DeviceStatus;

// The moves of product.md, one list per state; everything not listed is refused.
constexpr std::array kFromOnOrder{DS::in_stock};
constexpr std::array kFromInStock{DS::deployed, DS::in_repair, DS::lost, DS::stolen, DS::retired};
constexpr std::array kFromDeployed{DS::in_stock, DS::in_repair, DS::lost, DS::stolen};
constexpr std::array kFromInRepair{DS::in_stock, DS::deployed, DS::retired};
constexpr std::array kFromLostOrStolen{DS::in_stock, DS::retired};
constexpr std::array kFromRetired{DS::disposed};

}  // namespace

std::span<const DeviceStatus> allowedMoves(DeviceStatus from) {
  switch (from) {
    case DS::on_order: return kFromOnOrder;
    case DS::in_stock: return kFromInStock;
    case DS::deployed: return kFromDeployed;
    case DS::in_repair: return kFromInRepair;
    case DS::lost:
    case DS::stolen: return kFromLostOrStolen;
    case DS::retired: return kFromRetired;
    case DS::disposed: return {};
  }
  return {};
}

bool canMove(DeviceStatus from, DeviceStatus to) {
  const auto moves = allowedMoves(from);
  return std::find(moves.begin(), moves.end(), to) != moves.end();
}

Status checkTransition(DeviceStatus from, DeviceStatus to) {
  if (canMove(from, to)) return {};
  std::string names;
  auto allowed = nlohmann::json::array();
  for (auto s : allowedMoves(from)) {
    if (!names.empty()) names += ", ";
    names += toString(s);
    allowed.push_back(toString(s));
  }
  if (names.empty()) names = "none";
  std::string message = "cannot move from ";
  message += toString(from);
  message += " to ";
  message += toString(to);
  message += "; allowed: " + names;
  return std::unexpected(Error::conflict(
      std::move(message), {{"from", toString(from)}, {"to", toString(to)}, {"allowed", std::move(allowed)}}));
}

}  // namespace fk
