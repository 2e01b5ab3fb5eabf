namespace fk {

// The notification outbox (store/outbox_store.cpp). UNIQUE (kind, subject, day) is the idempotency
// key: re-planning the same day, a restart or a second daemon on the file inserts nothing new.
// Rows are never deleted, so the sent and failed counts per kind only grow (they feed the
// fleetkeep_notifications_*_total counters).
const char* migrationNotifications() {
  return R"sql(
CREATE TABLE notifications (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL
    CHECK (kind = 'due_soon' OR kind = 'overdue' OR kind = 'repair_ready' OR kind = 'weekly_digest'),
  subject TEXT NOT NULL,         -- the recipient address, or the building of a digest
  day TEXT NOT NULL,             -- the open day the notice belongs to
  recipients TEXT NOT NULL,      -- {"to": [...], "cc": [...]}
  context TEXT NOT NULL,         -- what the templates render
  status TEXT NOT NULL DEFAULT 'queued'
    CHECK (status = 'queued' OR status = 'sending' OR status = 'sent' OR status = 'failed'),
  not_before TEXT NOT NULL,      -- RFC 3339 UTC: the send window's opening, or the next retry
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  last_code INTEGER,             -- the last SMTP reply code, 0 when there was none
  claimed_by TEXT,               -- the process sending it while status = 'sending'
  claimed_until TEXT,
  created_at TEXT NOT NULL,
  sent_at TEXT,
  updated_at TEXT NOT NULL,
  UNIQUE (kind, subject, day)
);
CREATE INDEX notifications_due ON notifications(status, not_before);
)sql";
}

}  // namespace fk
