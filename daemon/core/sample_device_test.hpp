#pragma once

// The device the JSON and CSV tests read and write: every field of the original set filled, with
// non-ASCII notes. Shared so the hand-written bodies are checked against the same device as the
// mapping, and the CSV export against the same device as both.

#include "core/device.hpp"

namespace fk::test {

inline Device sampleDevice() {
  Device d;
  d.id = 42;
  d.asset_tag = "CB-1001";
  d.serial = "5CD1234";
  d.kind = DeviceKind::chromebook;
  d.manufacturer = "HP";
  d.model = "HP Chromebook 11 G9 EE";
  d.purchase_date = "2023-08-15";
  d.purchase_price_cents = 28900;
  d.vendor = "CDW-G";
  d.po_number = "PO-77";
  d.funding_source = "ESSER";
  d.warranty_end = "2026-08-15";
  d.aue_date = "2028-06-01";
  d.location = "Lincoln MS / Cart 3";
  d.org_unit = "/Students/Lincoln";
  d.macs = {"aa:bb:cc:dd:ee:01", "aa:bb:cc:dd:ee:02"};
  d.loaner = true;
  d.status = DeviceStatus::deployed;
  d.notes = "Café – 日本語 🎒";
  d.version = 7;
  d.created_at = "2026-11-27T08:30:00Z";
  d.updated_at = "2026-11-28T09:00:00Z";
  return d;
}

}  // namespace fk::test
