namespace fk {

// v6: bulk import speed (issue 2).
// PLACEHOLDER until that work lands.
const char* migrationImport() {
  return R"sql(
SELECT 1;
)sql";
}

}  // namespace fk
