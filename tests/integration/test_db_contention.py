"""Write contention (issue 21): while another writer holds SQLite's write lock (a long import; here the
test itself, through Python's sqlite3 on the daemon's file), a write gets 503 with Retry-After after the
busy timeout, never a 500 or SQLite's text; health, /metrics and cheap authenticated reads keep
answering while every worker waits on the lock, and token checks do not starve for connections."""

import os
import re
import sqlite3
import threading
import unittest

from fleetkeepd import DaemonTestCase, wait_until

LIBRARY_TEXT = re.compile(r"(?i)sqlite|database is locked|database table is locked|\bbusy\b.*\block")


class WriteLock:
    """SQLite's write lock on the daemon's database, held by this process until release()."""

    def __init__(self, daemon):
        self.db = sqlite3.connect(os.path.join(daemon.state_dir, "fleetkeep.db"), isolation_level=None,
                                  timeout=30)
        self.db.execute("BEGIN IMMEDIATE")

    def release(self):
        if self.db is not None:
            self.db.execute("ROLLBACK")
            self.db.close()
            self.db = None


def device(tag):
    return {"asset_tag": tag, "serial": "SN-" + tag, "location": "Room 1"}


def in_progress(daemon):
    r = daemon.get("/metrics", timeout=30)
    for line in r.text.splitlines():
        if line.startswith("fleetkeep_http_requests_in_progress"):
            return float(line.split()[-1])
    return None


class WriteContention(DaemonTestCase):
    def hold_lock(self):
        lock = WriteLock(self.d)
        self.addCleanup(lock.release)
        return lock

    def assertNoLibraryText(self, response):
        self.assertIsNone(LIBRARY_TEXT.search(response.text), response)

    def test_a_write_under_a_held_lock_gets_503_with_retry_after(self):
        before = self.d.create_device(**device("BUSY-0"))
        lock = self.hold_lock()
        for r in (self.d.post("/api/v1/devices", device("BUSY-1"), timeout=60),
                  self.d.patch("/api/v1/devices/tag:BUSY-0", {"location": "Room 2", "version": before["version"]},
                               timeout=60)):
            self.assertError(r, 503, "unavailable")
            self.assertTrue(r.headers.get("retry-after", "").isdigit(), r.headers)
            self.assertGreater(int(r.headers["retry-after"]), 0)
            self.assertNoLibraryText(r)
        lock.release()
        # Nothing was written; the retry goes through.
        self.assertEqual(self.d.get("/api/v1/devices/tag:BUSY-1").status, 404)
        self.assertEqual(self.d.get("/api/v1/devices/tag:BUSY-0").json()["location"], "Room 1")
        self.assertStatus(self.d.post("/api/v1/devices", device("BUSY-1")), 201)
        self.assertNotIn("database is locked", self.d.log())

    def test_probes_and_cheap_reads_answer_while_every_worker_waits_on_the_lock(self):
        self.d.create_device(**device("READ-1"))
        viewer = self.d.create_token("desk", "viewer")
        lock = self.hold_lock()
        results = []

        def write(i):
            results.append(self.d.post("/api/v1/devices", device("WAIT-%d" % i), timeout=60))

        writers = [threading.Thread(target=write, args=(i,)) for i in range(6)]
        for t in writers:
            t.start()
        try:
            # Every worker thread is now inside a write waiting for the lock (and holds a pool connection).
            wait_until("the writes to fill the worker pool", lambda: (in_progress(self.d) or 0) >= 4)
            self.assertStatus(self.d.get("/healthz"), 200)
            self.assertStatus(self.d.get("/readyz"), 200)
            self.assertIn(b"fleetkeep_http_requests_total", self.d.get("/metrics").body)
            # A token check and a read by tag need no worker and no pool connection.
            r = self.d.get("/api/v1/devices/tag:READ-1", token=viewer)
            self.assertStatus(r, 200)
            self.assertEqual(r.json()["asset_tag"], "READ-1")
            self.assertStatus(self.d.get("/api/v1/devices/tag:NOPE", token=viewer), 404)
            self.assertStatus(self.d.get("/api/v1/devices/tag:READ-1", token="fk_1_" + "0" * 64), 401)
            # All of that was answered while the writes were still waiting.
            self.assertEqual(results, [])
        finally:
            lock.release()
            for t in writers:
                t.join(60)
        self.assertEqual(len(results), 6)
        for r in results:
            self.assertIn(r.status, (201, 503), r)
            self.assertNoLibraryText(r)


if __name__ == "__main__":
    unittest.main()
