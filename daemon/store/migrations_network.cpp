namespace fk {

// v5: network presence and unknown MACs (issue 5).
// PLACEHOLDER until that work lands.
const char* migrationNetwork() {
  return R"sql(
SELECT 1;
)sql";
}

}  // namespace fk
