namespace fk {

// v4: what the source scheduler and reconciliation keep between polls.
// PLACEHOLDER: filled by the sources work (issue 4).
const char* migrationSources() {
  return R"sql(
SELECT 1;
)sql";
}

}  // namespace fk
