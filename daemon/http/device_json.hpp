#pragma once

// The hot read path's bodies written straight into a string: a device by tag, a person by id and a device
// list page. Building an nlohmann tree and dumping it was ~40% of a 50-device list page's CPU and ~10% of
// a single device's (perf, 100,000 devices). The output is byte for byte what dumping deviceToJson /
// personToJson gives (device_json_test.cpp keeps those builders as the reference): object keys in
// nlohmann's sorted order, strings escaped by the library whenever they are not plain ASCII.

#include <span>
#include <string>
#include <vector>

#include "core/device.hpp"
#include "core/person.hpp"
#include "http/request.hpp"
#include "store/device_store.hpp"

namespace fk {

// deviceToJson(d, sightings).dump(): "seen" is {} without sightings, and "suggested_holder" is there only
// with them. `with_seen` false leaves "seen" out altogether, as a list item does.
void appendDeviceJson(std::string& out, const Device& d, const std::vector<DeviceSighting>* sightings,
                      bool with_seen = true);

// The same as appendDeviceJson(out, d, nullptr, false) for the Device the row holds, written from the
// row itself.
void appendDeviceRowJson(std::string& out, const DeviceRowView& row);

// personToJson(p).dump().
void appendPersonJson(std::string& out, const Person& p);

// {"items": [device without "seen"...], "next_cursor": cursor or null} plus the closing newline, as
// pageResponse(page, deviceToJson minus "seen") wrote it.
std::string devicePageBody(std::span<const Device> items, const std::optional<std::int64_t>& next_after_id);

// The same body for the page `filter` selects, written from the rows as SQLite reads them (no Device
// is built): GET /api/v1/devices.
Result<std::string> devicePageBody(DeviceStore& store, const DeviceFilter& filter);

// A JSON response whose body is already written (and ends in the newline jsonResponse adds).
Response jsonTextResponse(int status, std::string body);

}  // namespace fk
