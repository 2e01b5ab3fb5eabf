#include <SQLiteCpp/SQLiteCpp.h>

#include "core/device_field_table.hpp"
#include "core/values.hpp"
#include "store/device_rows.hpp"
#include "store/device_store.hpp"

namespace fk {

// Read as SQLiteCpp's getString() and getInt64() read for readDevice(): the bytes as stored (a NUL
// inside kept), NULL as "".
std::string_view DeviceRowView::column(int index) const {
  const SQLite::Column& c = columns_[static_cast<std::size_t>(index)];
  const auto* data = static_cast<const char*>(c.getBlob());
  const int size = c.getBytes();
  return data ? std::string_view(data, static_cast<std::size_t>(size)) : std::string_view();
}

std::int64_t DeviceRowView::id() const {
  return columns_[0].getInt64();
}

std::string_view DeviceRowView::text(const DeviceField& f) const {
  const int col = rows::fieldColumn(f);
  return col < 0 ? std::string_view() : column(col);
}

namespace {

int columnOfType(FieldType type) {
  static const auto find = [](FieldType t) {
    for (const DeviceField& f : kDeviceFields)
      if (f.type == t) return rows::fieldColumn(f);
    return -1;
  };
  static const int money = find(FieldType::money), kind = find(FieldType::kind), status = find(FieldType::status),
                   flag = find(FieldType::flag);
  switch (type) {
    case FieldType::money: return money;
    case FieldType::kind: return kind;
    case FieldType::status: return status;
    case FieldType::flag: return flag;
    default: return -1;
  }
}

}  // namespace

std::optional<std::int64_t> DeviceRowView::purchasePriceCents() const {
  const int col = columnOfType(FieldType::money);
  const SQLite::Column& c = columns_[static_cast<std::size_t>(col)];
  if (c.isNull()) return std::nullopt;
  return c.getInt64();
}

DeviceKind DeviceRowView::kind() const {
  return parseKind(column(columnOfType(FieldType::kind))).value_or(DeviceKind::other);
}

DeviceStatus DeviceRowView::status() const {
  return parseStatus(column(columnOfType(FieldType::status))).value_or(DeviceStatus::in_stock);
}

bool DeviceRowView::loaner() const {
  return columns_[static_cast<std::size_t>(columnOfType(FieldType::flag))].getInt() != 0;
}

std::int64_t DeviceRowView::version() const {
  return columns_[static_cast<std::size_t>(rows::versionColumn())].getInt64();
}

std::string_view DeviceRowView::createdAt() const {
  return column(rows::versionColumn() + 1);
}

std::string_view DeviceRowView::updatedAt() const {
  return column(rows::versionColumn() + 2);
}

std::int64_t DeviceRowView::repairCostCents() const {
  return columns_[static_cast<std::size_t>(rows::versionColumn() + 3)].getInt64();
}

std::optional<Device::Holder> DeviceRowView::holder() const {
  const int col = rows::versionColumn() + 4;
  if (columns_[static_cast<std::size_t>(col)].isNull()) return std::nullopt;
  return rows::parseHolder(column(col));
}

std::string_view DeviceRowView::macList() const {
  return column(rows::versionColumn() + 5);
}

}  // namespace fk
