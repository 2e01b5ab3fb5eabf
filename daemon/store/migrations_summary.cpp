namespace fk {

// The fleet summary and the fleet metrics in one pass over an index instead of four GROUP BY queries
// over the table (~2.4 s at a million devices, ~0.18 s with it; docs/performance.md). It covers every
// column store/report_store.cpp's readFleetCounts groups by, in that GROUP BY's order, so the count is
// read from the index alone without a sort. Not location: the import writes this index for every row,
// and the wider entries cost it half as much again (a scoped caller's summary reads the table, as
// before). aue_date leads
// because no list filter constrains it: an index whose prefix were status or kind could be picked for
// `status = ? AND kind = ? ... ORDER BY id` pages and then sort every match.
const char* migrationSummary() {
  return R"sql(
CREATE INDEX devices_summary ON devices(aue_date, status, kind, model);
)sql";
}

}  // namespace fk
