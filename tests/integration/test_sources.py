"""Sources end to end: the real fleetkeepd polling a csv_import source, reconciling, reporting and reloading."""

import json
import os
import re
import signal
import subprocess
import time
import unittest

from fleetkeepd import Daemon, DaemonTestCase, cli_path

POLL_WAIT = 20.0

HEADER = "asset_tag,serial,kind,model,location,purchase_date,macs\n"
ROWS = [
    "CB-1001,5CD1001AAA,chromebook,HP Chromebook 11 G9 EE,Room 12,2023-08-01,AA:BB:CC:00:10:01\n",
    "CB-1002,5CD1002AAA,chromebook,HP Chromebook 11 G9 EE,Room 12,2023-08-01,\n",
    "LT-2001,PF3AB201,laptop,Dell Latitude 3440,Library,2024-07-15,\n",
]


def source_config(name="inventory", path="inventory.csv", extra=""):
    return ("sources:\n  - name: %s\n    plugin: csv_import\n    interval: 1h\n    path: %s\n%s"
            % (name, path, extra))


def metric(text, name, **labels):
    """The value of one sample, or None."""
    want = ",".join('%s="%s"' % kv for kv in sorted(labels.items()))
    for line in text.splitlines():
        if line.startswith(name + "{" + want + "}") or (not labels and line.startswith(name + " ")):
            return float(line.rsplit(" ", 1)[1])
    return None


class SourcesTestCase(DaemonTestCase):
    autostart = False

    def start_with(self, rows=ROWS, config=None):
        d = Daemon(config if config is not None else source_config())
        self.addCleanup(d.cleanup)
        self.write(d, "inventory.csv", HEADER + "".join(rows))
        d.start()
        self.d = d
        return d

    def write(self, d, name, text):
        path = os.path.join(d.dir, name)
        before = os.stat(path).st_mtime if os.path.exists(path) else None
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        # A rewrite gets a later mtime than the file had, even within the file system's timestamp
        # granularity. A first write keeps the true time: a file dated in the future would look newer
        # than a person's edit made after it, and the edit would rightly lose to it.
        if before is not None:
            later = max(time.time(), before + 1)
            os.utime(path, (later, later))

    def source(self, name="inventory"):
        r = self.d.get("/api/v1/sources/" + name)
        self.assertEqual(r.status, 200, r)
        return r.json()

    def wait_polled(self, name="inventory", after=0):
        """Waits until the source has finished more than `after` polls; returns the source."""
        deadline = time.monotonic() + POLL_WAIT
        while True:
            s = self.source(name)
            if s["polls"] > after and not s["running"]:
                return s
            if time.monotonic() > deadline:
                self.fail("source %s did not finish a poll:\n%s\n%s" % (name, s, self.d.log()[-3000:]))
            time.sleep(0.05)

    def poll_now(self, name="inventory"):
        deadline = time.monotonic() + POLL_WAIT
        while True:
            before = self.source(name)["polls"]
            r = self.d.post("/api/v1/sources/%s/poll" % name)
            if r.status == 202:
                break
            self.assertEqual(r.status, 409, r)  # the scheduled poll is running: ask again
            if time.monotonic() > deadline:
                self.fail("poll never accepted")
            time.sleep(0.05)
        return self.wait_polled(name, after=before)

    def device(self, ref):
        r = self.d.get("/api/v1/devices/" + ref)
        self.assertEqual(r.status, 200, r)
        return r.json()


class CsvSource(SourcesTestCase):
    def test_devices_appear_with_events_by_the_source(self):
        self.start_with()
        s = self.wait_polled()
        self.assertEqual(s["last_result"], "ok", s)
        self.assertEqual((s["observed"], s["created"], s["listed"]), (3, 3, 3))
        self.assertEqual(s["plugin"], "csv_import")
        self.assertEqual(s["interval_seconds"], 3600)
        self.assertIsNotNone(s["next_poll"])

        d = self.device("serial:5CD1001AAA")
        self.assertEqual(d["status"], "in_stock")
        self.assertEqual(d["location"], "Room 12")
        self.assertEqual(d["macs"], ["aa:bb:cc:00:10:01"])
        self.assertIn("inventory", d["seen"])
        self.assertIsNotNone(d["seen"]["inventory"]["first_seen"])
        events = self.d.get("/api/v1/devices/serial:5CD1001AAA/events").json()["items"]
        self.assertEqual([(e["actor"], e["action"]) for e in events], [("source:inventory", "created")])

        listed = self.d.get("/api/v1/sources").json()["items"]
        self.assertEqual([x["name"] for x in listed], ["inventory"])

        # An unchanged file: a poll that changes nothing and writes no events.
        s = self.poll_now()
        self.assertEqual((s["last_result"], s["created"], s["updated"]), ("ok", 0, 0))
        self.assertEqual(len(self.d.get("/api/v1/devices/serial:5CD1001AAA/events").json()["items"]), 1)

    def test_a_persons_newer_edit_is_not_overwritten(self):
        self.start_with()
        self.wait_polled()
        d = self.device("serial:5CD1001AAA")
        r = self.d.patch("/api/v1/devices/%d" % d["id"], {"location": "Principal's office", "version": d["version"]})
        self.assertEqual(r.status, 200, r)

        # The file changes, but not this device's row: its old value is no news.
        self.write(self.d, "inventory.csv", HEADER + ROWS[0] + ROWS[1].replace("Room 12", "Room 14") + ROWS[2])
        s = self.poll_now()
        self.assertEqual((s["last_result"], s["updated"], s["kept_manual"]), ("ok", 1, 1), s)
        self.assertEqual(self.device("serial:5CD1001AAA")["location"], "Principal's office")
        self.assertEqual(self.device("serial:5CD1002AAA")["location"], "Room 14")
        events = self.d.get("/api/v1/devices/serial:5CD1002AAA/events").json()["items"]
        self.assertEqual(events[-1]["actor"], "source:inventory")
        self.assertEqual(events[-1]["changes"], [{"field": "location", "old": "Room 12", "new": "Room 14"}])

        # The file saying something new about the device, after the edit, is newer than the edit.
        self.write(self.d, "inventory.csv",
                   HEADER + ROWS[0].replace("Room 12", "Room 30") + ROWS[1].replace("Room 12", "Room 14") + ROWS[2])
        self.poll_now()
        self.assertEqual(self.device("serial:5CD1001AAA")["location"], "Room 30")

    def test_a_broken_file_changes_nothing_and_is_reported(self):
        self.start_with()
        self.wait_polled()
        before = self.d.all_devices()
        broken = HEADER + ROWS[0].replace("Room 12", "Room 99") + ROWS[1].replace("2023-08-01", "2023-02-30") + ROWS[2]
        self.write(self.d, "inventory.csv", broken)
        s = self.poll_now()
        self.assertEqual(s["last_result"], "failed")
        self.assertEqual(s["last_reason"], "bad_response")
        self.assertIn("line 3 (purchase_date)", s["last_error"])
        self.assertEqual(s["consecutive_failures"], 1)
        self.assertGreater(s["backoff_seconds"], 0)
        self.assertEqual(self.d.all_devices(), before, "a failed poll changes nothing")

        text = self.d.get("/metrics", token=None).text
        self.assertEqual(metric(text, "fleetkeep_source_up", source="inventory"), 0)
        self.assertEqual(metric(text, "fleetkeep_source_poll_errors_total", source="inventory", reason="bad_response"), 1)
        self.assertGreater(metric(text, "fleetkeep_source_last_success_timestamp_seconds", source="inventory"), 0)

        self.write(self.d, "inventory.csv", HEADER + "".join(ROWS))
        s = self.poll_now()
        self.assertEqual((s["last_result"], s["backoff_seconds"], s["last_error"]), ("ok", 0, None))
        text = self.d.get("/metrics", token=None).text
        self.assertEqual(metric(text, "fleetkeep_source_up", source="inventory"), 1)
        self.assertEqual(metric(text, "fleetkeep_source_devices_observed", source="inventory"), 3)
        self.assertEqual(metric(text, "fleetkeep_source_poll_errors_total", source="inventory", reason="bad_response"), 1,
                         "a counter never goes down")

    def test_a_restart_remembers_the_last_polls(self):
        self.start_with()
        ok = self.wait_polled()
        self.assertEqual(ok["last_result"], "ok", ok)
        broken = HEADER + ROWS[0] + ROWS[1].replace("2023-08-01", "2023-02-30") + ROWS[2]
        self.write(self.d, "inventory.csv", broken)
        failed = self.poll_now()
        self.assertEqual(failed["last_result"], "failed", failed)
        before_devices = self.d.all_devices()

        self.d.restart()
        # The first poll comes within a few seconds of the start; until it does, the last one shows as is.
        s = self.source()
        if s["polls"] == 0 and not s["running"]:
            for key in ("last_start", "last_end", "last_result", "last_reason", "last_error", "last_success",
                        "last_full_sync", "observed", "created", "listed"):
                self.assertEqual(s[key], failed[key], key)
        self.assertEqual(self.d.get("/api/v1/sources").json()["items"][0]["last_success"], ok["last_success"])

        # The file is still broken: the restarted daemon's own poll fails too, and the last success, its
        # counts and the metrics still come from before the restart.
        s = self.wait_polled()
        self.assertEqual((s["last_result"], s["last_reason"]), ("failed", "bad_response"), s)
        self.assertIn("line 3 (purchase_date)", s["last_error"])
        self.assertIsNotNone(s["last_start"])
        self.assertEqual(s["last_success"], ok["last_success"])
        self.assertEqual(s["last_full_sync"], ok["last_full_sync"])
        self.assertEqual((s["observed"], s["created"], s["listed"]), (3, 3, 3))
        self.assertEqual(self.d.all_devices(), before_devices, "a failed poll changes nothing")
        text = self.d.get("/metrics", token=None).text
        success = metric(text, "fleetkeep_source_last_success_timestamp_seconds", source="inventory")
        self.assertIsNotNone(success)
        self.assertGreater(success, 0)
        self.assertEqual(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(success)), ok["last_success"])
        self.assertEqual(metric(text, "fleetkeep_source_devices_observed", source="inventory"), 3)
        self.assertEqual(metric(text, "fleetkeep_source_up", source="inventory"), 0)

    def test_poll_now_needs_admin_and_a_known_source(self):
        self.start_with()
        self.wait_polled()
        self.assertEqual(self.d.post("/api/v1/sources/nope/poll").status, 404)
        viewer = self.d.create_token("wall", "viewer")
        self.assertEqual(self.d.post("/api/v1/sources/inventory/poll", token=viewer).status, 403)
        self.assertEqual(self.d.get("/api/v1/sources", token=viewer).status, 200)
        self.assertEqual(self.d.get("/api/v1/sources/nope").status, 404)

    def test_flagged_unknowns_are_listed_not_created(self):
        self.start_with(config=source_config(extra="    on_unknown: flag\n"))
        s = self.wait_polled()
        self.assertEqual((s["flagged"], s["created"]), (3, 0))
        self.assertEqual(self.d.all_devices(), [])
        self.assertEqual(s["flagged_count"], 3)
        self.assertEqual(sorted(f["serial"] for f in s["flagged_devices"]), ["5CD1001AAA", "5CD1002AAA", "PF3AB201"])


class Cli(SourcesTestCase):
    def cli(self, *args, expect=0):
        env = {k: v for k, v in os.environ.items() if not k.startswith("FLEETKEEP_")}
        env["FLEETKEEP_SERVER"] = "http://127.0.0.1:%d" % self.d.port
        env["FLEETKEEP_TOKEN"] = self.d.token
        r = subprocess.run([cli_path(), *args], capture_output=True, text=True, env=env, timeout=30)
        self.assertEqual(r.returncode, expect, "fleetkeep %s\n%s%s" % (" ".join(args), r.stdout, r.stderr))
        return r

    def test_sources_table_show_json_and_poll(self):
        self.start_with()
        self.wait_polled()
        table = self.cli("sources").stdout.splitlines()
        self.assertEqual(table[0].split()[:5], ["NAME", "PLUGIN", "EVERY", "LAST", "POLL"])
        self.assertEqual(table[1].split()[:3], ["inventory", "csv_import", "1h"])
        self.assertIn(" ok ", table[1])
        listed = json.loads(self.cli("--json", "sources").stdout)
        self.assertEqual(listed["items"][0]["listed"], 3)
        self.assertIn("plugin", self.cli("sources", "show", "inventory").stdout)

        polls = self.source()["polls"]
        self.assertIn("polling inventory now", self.cli("sources", "poll", "inventory").stdout)
        self.wait_polled(after=polls)
        r = self.cli("sources", "poll", "nope", expect=1)
        self.assertIn("no source named", r.stderr)
        self.cli("sources", "poll", expect=2)


class Reload(SourcesTestCase):
    def test_sighup_adds_retimes_and_removes_sources(self):
        d = self.start_with()
        self.wait_polled()
        self.write(d, "spare.csv", HEADER + "SP-1,SPARE0001,laptop,Dell Latitude 3440,Storage,2024-01-01,\n")

        d.write_config(source_config() + "  - {name: spare, plugin: csv_import, interval: 2h, path: spare.csv}\n")
        d.signal(signal.SIGHUP)
        self.wait_for_sources(["inventory", "spare"])
        self.wait_polled("spare")
        self.assertEqual(self.device("serial:SPARE0001")["location"], "Storage")
        self.assertIsNotNone(metric(d.get("/metrics", token=None).text, "fleetkeep_source_up", source="spare"))

        d.write_config("sources:\n  - {name: spare, plugin: csv_import, interval: 30m, path: spare.csv}\n")
        d.signal(signal.SIGHUP)
        self.wait_for_sources(["spare"])
        self.assertEqual(self.source("spare")["interval_seconds"], 1800)
        text = d.get("/metrics", token=None).text
        self.assertNotIn('source="inventory"', text, "a removed source loses its series")

        # A bad config is refused and the sources keep running as they were.
        d.write_config("sources:\n  - {name: spare, plugin: csv_import, interval: 30m, paht: spare.csv}\n")
        d.signal(signal.SIGHUP)
        self.wait_for_log("config reload refused")
        self.assertEqual([s["name"] for s in d.get("/api/v1/sources").json()["items"]], ["spare"])
        self.assertTrue(d.alive())

    def test_a_removed_source_loses_every_series_and_the_others_keep_theirs(self):
        d = self.start_with()
        self.wait_polled()
        # A failed poll as well, so the removed source also has an error counter.
        self.write(d, "inventory.csv", HEADER + ROWS[1].replace("2023-08-01", "2023-02-30"))
        self.assertEqual(self.poll_now()["last_result"], "failed")
        d.write_config(source_config() + "  - {name: spare, plugin: csv_import, interval: 2h, path: spare.csv}\n")
        self.write(d, "spare.csv", HEADER)
        d.signal(signal.SIGHUP)
        self.wait_for_sources(["inventory", "spare"])
        self.wait_polled("spare")

        families = ["fleetkeep_source_up", "fleetkeep_source_last_success_timestamp_seconds",
                    "fleetkeep_source_poll_duration_seconds_count", "fleetkeep_source_devices_observed"]

        def series(text, source):
            return sorted({line.split("{", 1)[0] for line in text.splitlines()
                           if not line.startswith("#") and 'source="%s"' % source in line})

        before = d.get("/metrics", token=None).text
        for family in families:
            self.assertIsNotNone(metric(before, family, source="inventory"), family)
        self.assertIn("fleetkeep_source_poll_errors_total", series(before, "inventory"))
        spare_series = series(before, "spare")

        d.write_config("sources:\n  - {name: spare, plugin: csv_import, interval: 2h, path: spare.csv}\n")
        d.signal(signal.SIGHUP)
        self.wait_for_sources(["spare"])
        after = d.get("/metrics", token=None).text
        self.assertEqual(series(after, "inventory"), [], "a removed source loses all of its series")
        self.assertEqual(series(after, "spare"), spare_series, "the remaining source keeps its own")

    def wait_for_log(self, text):
        deadline = time.monotonic() + POLL_WAIT
        while text not in self.d.log():
            if time.monotonic() > deadline:
                self.fail("no %r in the log:\n%s" % (text, self.d.log()[-3000:]))
            time.sleep(0.1)

    def wait_for_sources(self, names):
        deadline = time.monotonic() + POLL_WAIT
        while True:
            got = [s["name"] for s in self.d.get("/api/v1/sources").json()["items"]]
            if got == names:
                return
            if time.monotonic() > deadline:
                self.fail("sources %r, expected %r:\n%s" % (got, names, self.d.log()[-3000:]))
            time.sleep(0.1)


class CheckConfig(unittest.TestCase):
    def test_plugin_key_problems_are_reported_with_positions(self):
        d = Daemon(source_config(extra="    paht: x.csv\n  - {name: lan, plugin: nope}\n"))
        self.addCleanup(d.cleanup)
        r = d.run_tool("--check-config")
        self.assertEqual(r.returncode, 1, r)
        lines = r.stderr.strip().splitlines()
        self.assertTrue(any(re.search(r"fleetkeepd\.yaml:\d+:\d+: sources\[0\]\.paht: unknown key \"paht\"", l)
                            for l in lines), lines)
        self.assertTrue(any("unknown plugin \"nope\"" in l for l in lines), lines)

    def test_the_shipped_config_is_accepted(self):
        here = os.path.dirname(os.path.abspath(__file__))
        config = os.path.join(here, "..", "..", "config", "fleetkeepd.yaml")
        d = Daemon()
        self.addCleanup(d.cleanup)
        d.config_path = config
        r = d.run_tool("--check-config")
        self.assertEqual(r.returncode, 0, r.stderr)


if __name__ == "__main__":
    unittest.main()
