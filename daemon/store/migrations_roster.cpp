namespace fk {

// People from roster sources (store/people_reconcile.cpp, plugins/oneroster).
const char* migrationRoster() {
  return R"sql(
-- Which roster source lists which person: a complete listing deactivates only the people that source
-- listed before, never those entered by hand or from another roster.
CREATE TABLE person_seen (
  person_id INTEGER NOT NULL REFERENCES people(id),
  source TEXT NOT NULL,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  in_last_poll INTEGER NOT NULL DEFAULT 1 CHECK (in_last_poll IN (0, 1)),
  PRIMARY KEY (person_id, source)
) WITHOUT ROWID;
CREATE INDEX person_seen_source ON person_seen(source, in_last_poll);

-- A person's history as rosters changed it, append-only like the devices' events.
CREATE TABLE person_events (
  id INTEGER PRIMARY KEY,
  person_id INTEGER NOT NULL REFERENCES people(id),
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  changes TEXT NOT NULL DEFAULT '[]',
  reason TEXT
);
CREATE INDEX person_events_person ON person_events(person_id, id);
CREATE TRIGGER person_events_no_update BEFORE UPDATE ON person_events
BEGIN
  SELECT RAISE(ABORT, 'person events are append-only');
END;
CREATE TRIGGER person_events_no_delete BEFORE DELETE ON person_events
BEGIN
  SELECT RAISE(ABORT, 'person events are append-only');
END;
-- The people who left and still hold devices (the metric, the desk) are found from the open checkouts.
CREATE INDEX people_inactive ON people(id) WHERE active = 0;
)sql";
}

}  // namespace fk
