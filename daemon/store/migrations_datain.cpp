namespace fk {

// Getting the district's data in (issue 16): a device's display name and model number, as Snipe-IT
// files carry them, and a planned replacement date (Snipe-IT's "Asset EOL Date") the plan honours.
const char* migrationDataIn() {
  return R"sql(
ALTER TABLE devices ADD COLUMN name TEXT;
ALTER TABLE devices ADD COLUMN model_number TEXT;
ALTER TABLE devices ADD COLUMN replacement_date TEXT;
)sql";
}

}  // namespace fk
