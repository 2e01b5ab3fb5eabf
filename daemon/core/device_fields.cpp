#include "core/device_fields.hpp"

#include <array>

namespace fk {
namespace {

struct TextField {
  std::string_view name;
  std::string Device::*stored;
  std::optional<std::string> DeviceDraft::*draft;
};

constexpr std::array kTextFields{
    TextField{"asset_tag", &Device::asset_tag, &DeviceDraft::asset_tag},
    TextField{"serial", &Device::serial, &DeviceDraft::serial},
    TextField{"manufacturer", &Device::manufacturer, &DeviceDraft::manufacturer},
    TextField{"model", &Device::model, &DeviceDraft::model},
    TextField{"purchase_date", &Device::purchase_date, &DeviceDraft::purchase_date},
    TextField{"vendor", &Device::vendor, &DeviceDraft::vendor},
    TextField{"po_number", &Device::po_number, &DeviceDraft::po_number},
    TextField{"funding_source", &Device::funding_source, &DeviceDraft::funding_source},
    TextField{"warranty_end", &Device::warranty_end, &DeviceDraft::warranty_end},
    TextField{"aue_date", &Device::aue_date, &DeviceDraft::aue_date},
    TextField{"location", &Device::location, &DeviceDraft::location},
    TextField{"org_unit", &Device::org_unit, &DeviceDraft::org_unit},
    TextField{"notes", &Device::notes, &DeviceDraft::notes},
    TextField{"name", &Device::name, &DeviceDraft::name},
    TextField{"model_number", &Device::model_number, &DeviceDraft::model_number},
    TextField{"replacement_date", &Device::replacement_date, &DeviceDraft::replacement_date},
};

const TextField* find(std::string_view name) {
  for (const TextField& f : kTextFields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace

std::optional<std::string>* textField(DeviceDraft& draft, std::string_view name) {
  const TextField* f = find(name);
  return f ? &(draft.*(f->draft)) : nullptr;
}

std::string* textField(Device& device, std::string_view name) {
  const TextField* f = find(name);
  return f ? &(device.*(f->stored)) : nullptr;
}

const std::string* textField(const Device& device, std::string_view name) {
  const TextField* f = find(name);
  return f ? &(device.*(f->stored)) : nullptr;
}

}  // namespace fk
