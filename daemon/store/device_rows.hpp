#pragma once

// Mapping between Device values and rows of the devices/device_macs/events tables, shared by the
// device store and its CSV import. Internal to daemon/store.

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/device.hpp"
#include "core/device_field_table.hpp"
#include "core/error.hpp"

namespace fk::rows {

// The SQL below is built from the device field table (core/device_field_table.hpp): one column per
// field a caller writes, bound by bindFields/bindDraft to ?1.. in table order, stepping over ?18..?20.
// "id, <fields>, version, created_at, updated_at, repair_cost_cents, <holder>": what readDevice() expects.
extern const char* const kDeviceColumns;
// kDeviceColumns and then the device's MACs, sorted and '\n'-separated, from the same query (one
// probe of device_macs' key per row): what a DeviceRowView reads.
extern const std::string kDeviceRowColumns;
// INSERT binding the fields and ?18 (created_at = updated_at).
extern const char* const kInsertDevice;
// UPDATE binding the fields, ?18 updated_at, ?19 id, ?20 expected version.
extern const char* const kUpdateDevice;
extern const char* const kInsertEvent;  // ?1 device_id, ?2 at, ?3 actor, ?4 action, ?5 changes, ?6 reason
extern const char* const kInsertMac;    // ?1 device_id, ?2 mac

// Appends one event to a device's history; an empty reason is stored as NULL. The first form
// reuses a prepared kInsertEvent, for callers writing many.
void insertEvent(SQLite::Statement& st, std::int64_t device_id, const std::string& at, const std::string& actor,
                 const char* action, const std::string& changes_json, const std::string& reason);
void insertEvent(SQLite::Database& db, std::int64_t device_id, const std::string& at, const std::string& actor,
                 const char* action, const std::string& changes_json, const std::string& reason);
// The same with the changes as a list: one event from a checkout, a return or a work order.
void appendEvent(SQLite::Database& db, std::int64_t device_id, const std::string& at,
                 const std::string& actor, const char* action, const std::vector<FieldChange>& changes,
                 const std::string& reason);

Device readDevice(SQLite::Statement& st);  // current row; macs left empty
// Where a kDeviceColumns row keeps a stored field (text, identifier, date, money, kind, status, flag):
// its column index, -1 for the others (id, MACs and the server's fields).
int fieldColumn(const DeviceField& f);
// The first column after the fields: version, then created_at, updated_at, repair_cost_cents, the
// holder, and (kDeviceRowColumns) the MAC list.
int versionColumn();
// The holder column of kDeviceColumns (a JSON array, or NULL when the device is not lent).
std::optional<Device::Holder> parseHolder(std::string_view json_array);
// Binds without copying: `d` must outlive the statement's next exec().
void bindFields(SQLite::Statement& st, const Device& d);
// The same for a new device straight from a validated draft (unset: NULL, kind other, in_stock, not a
// loaner): an import builds no Device per row. Binds without copying: `d` must outlive the exec().
void bindDraft(SQLite::Statement& st, const DeviceDraft& d);
// Several new devices in one statement, for a bulk import: insertDevicesSql(n) binds row r's fields to
// ?(r * storedFieldCount() + 1).. in the same order as bindDraft, and ?(n * storedFieldCount() + 1)
// to created_at = updated_at. INSERT OR FAIL: a row that breaks a constraint ends the statement
// without undoing the rows before it, so SQLite keeps no statement journal (an import refuses the
// whole file, rolling back the transaction, when any row fails).
std::size_t storedFieldCount();
std::string insertDevicesSql(std::size_t rows);
void bindDraft(SQLite::Statement& st, const DeviceDraft& d, int first_param);
// Fills `macs` of every device (sorted by id) with one query.
void hydrateMacs(SQLite::Database& db, std::vector<Device>& devices);
std::optional<Device> loadById(SQLite::Database& db, std::int64_t id);
// The device whose asset tag (or serial) is `value`, in one query rather than an id lookup first.
enum class KeyColumn { asset_tag, serial };
std::optional<Device> loadByKey(SQLite::Database& db, KeyColumn column, const std::string& value);
std::optional<std::int64_t> findIdBy(SQLite::Database& db, const char* column, const std::string& value);

// The events.changes column: a JSON array of [field, old, new] triples.
std::string changesJson(const std::vector<FieldChange>& changes);
std::vector<FieldChange> parseChanges(const std::string& json);
// A new device's history entry (the JSON of its changes): every field that has a value, from null.
void creationChangesJson(const Device& d, std::string& out);
// A draft that sets every field of `d`, to re-validate a device after a partial change.
DeviceDraft draftFromDevice(const Device& d);

// The conflict error a duplicate serial or asset tag produces, or nullopt for other failures.
std::optional<Error> uniqueViolation(const SQLite::Exception& e, const Device& d);
Error duplicateError(const std::string& field, const std::string& value);
// Turns validation findings into one invalid error naming the first field and listing them all.
Error invalidFields(std::vector<FieldError> errors, const std::string& message);

}  // namespace fk::rows
