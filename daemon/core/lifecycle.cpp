#include "core/lifecycle.hpp"

#include <algorithm>
#include <array>

namespace fk {
namespace {

using S = DeviceStatus;

// The moves of product.md, one list per state; everything not listed is refused.
constexpr std::array kFromOnOrder{S::in_stock};
constexpr std::array kFromInStock{S::deployed, S::in_repair, S::lost, S::stolen, S::retired};
constexpr std::array kFromDeployed{S::in_stock, S::in_repair, S::lost, S::stolen};
constexpr std::array kFromInRepair{S::in_stock, S::deployed, S::retired};
constexpr std::array kFromLostOrStolen{S::in_stock, S::retired};
constexpr std::array kFromRetired{S::disposed};

}  // namespace

std::span<const DeviceStatus> allowedMoves(DeviceStatus from) {
  switch (from) {
    case S::on_order: return kFromOnOrder;
    case S::in_stock: return kFromInStock;
    case S::deployed: return kFromDeployed;
    case S::in_repair: return kFromInRepair;
    case S::lost:
    case S::stolen: return kFromLostOrStolen;
    case S::retired: return kFromRetired;
    case S::disposed: return {};
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
