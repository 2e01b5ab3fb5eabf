namespace fk {

// v7: the outcome of each source's last poll, failed ones included, kept beside the poll's bookkeeping
// so a restarted daemon still reports when each source last polled and how it went (GET
// /api/v1/sources, fleetkeep_source_last_success_timestamp_seconds). Written after every poll by
// sources/source_runner.cpp; a failed poll writes only these columns, never state or last_success_at,
// so it changes nothing the device_sightings view resolves.
const char* migrationPollOutcome() {
  return R"sql(
ALTER TABLE source_state ADD COLUMN last_start_at TEXT;
ALTER TABLE source_state ADD COLUMN last_end_at TEXT;
ALTER TABLE source_state ADD COLUMN last_result TEXT CHECK (last_result IS NULL OR last_result = 'ok' OR last_result = 'failed');
ALTER TABLE source_state ADD COLUMN last_reason TEXT;  -- FailureReason name when failed
ALTER TABLE source_state ADD COLUMN last_error TEXT;
ALTER TABLE source_state ADD COLUMN last_duration_seconds REAL NOT NULL DEFAULT 0;
-- When the last successful poll ended; last_success_at is when it started (the sightings' time).
ALTER TABLE source_state ADD COLUMN last_success_end_at TEXT;
ALTER TABLE source_state ADD COLUMN last_summary TEXT NOT NULL DEFAULT '{}';  -- counts of the last successful poll
)sql";
}

}  // namespace fk
