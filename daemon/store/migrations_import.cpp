namespace fk {

// v6: bulk import speed (issue 2). The import got faster without a schema change: its creation
// events store "initial" instead of every value (see store/device_import.hpp), and the four list
// filter indexes stay, because the device list pages by them (status/kind/model/location with
// "id > cursor"). A no-op version, kept so that v6 means the same in every database.
const char* migrationImport() {
  return R"sql(
SELECT 1;
)sql";
}

}  // namespace fk
