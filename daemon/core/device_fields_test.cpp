#include "core/device_fields.hpp"

#include <gtest/gtest.h>

namespace fk {
namespace {

constexpr std::string_view kTextNames[] = {"asset_tag",      "serial",       "manufacturer", "model",
                                           "purchase_date",  "vendor",       "po_number",    "funding_source",
                                           "warranty_end",   "aue_date",     "location",     "org_unit",
                                           "notes"};

TEST(DeviceFields, EveryTextFieldNamesItsOwnMemberInBothRecords) {
  Device device;
  DeviceDraft draft;
  for (std::string_view name : kTextNames) {
    std::string* stored = textField(device, name);
    std::optional<std::string>* set = textField(draft, name);
    ASSERT_NE(stored, nullptr) << name;
    ASSERT_NE(set, nullptr) << name;
    *stored = std::string(name);
    *set = std::string(name);
  }
  // Each name wrote a different member: no two names share one.
  for (std::string_view name : kTextNames) {
    EXPECT_EQ(*textField(device, name), name);
    EXPECT_EQ(**textField(draft, name), name);
    EXPECT_EQ(*textField(static_cast<const Device&>(device), name), name);
  }
  EXPECT_EQ(device.serial, "serial");
  EXPECT_EQ(draft.notes, "notes");
  EXPECT_EQ(device.aue_date, "aue_date");
}

TEST(DeviceFields, TypedAndUnknownNamesAreNotTextFields) {
  Device device;
  DeviceDraft draft;
  for (std::string_view name : {"kind", "status", "purchase_price", "macs", "loaner", "id", "Serial", ""}) {
    EXPECT_EQ(textField(device, name), nullptr) << name;
    EXPECT_EQ(textField(draft, name), nullptr) << name;
  }
}

}  // namespace
}  // namespace fk
