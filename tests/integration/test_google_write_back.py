"""Write-back to Google Admin: fleetkeepd with a google_admin source that has a `write_back:` block,
against the local fake of Google (tests/fake_google.py), which records every write call, applies it to
its devices and refuses it without the read-write scope. Each test gets its own daemon.
"""

import json
import os
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import fake_google  # noqa: E402
from fleetkeepd import Daemon, DaemonTestCase  # noqa: E402
from test_google import metric  # noqa: E402

DEVICES = 12
WAIT = 40.0


def config(fake, write_back, **keys):
    entry = {"name": "google", "plugin": "google_admin", "interval": "1d", "timeout": "30s",
             "customer_id": "my_customer", "credentials_file": fake.key_path,
             "subject": fake_google.SUBJECT, "api_base_url": fake.base_url, "token_url": fake.token_url,
             "max_results": 5}
    entry.update(keys)
    lines = ["sources:"]
    for i, (k, v) in enumerate(entry.items()):
        lines.append(("  - " if i == 0 else "    ") + "%s: %s" % (k, v))
    if write_back is not None:
        lines.append("    write_back:")
        for k, v in write_back.items():
            lines.append("      %s: %s" % (k, json.dumps(v)))
    return "\n".join(lines) + "\n"


class WriteBackTest(DaemonTestCase):
    autostart = False

    @classmethod
    def setUpClass(cls):
        cls._tmp = tempfile.TemporaryDirectory(prefix="fake-google-wb-")
        cls.fake = fake_google.FakeGoogle(cls._tmp.name)

    @classmethod
    def tearDownClass(cls):
        cls.fake.close()
        cls._tmp.cleanup()

    def setUp(self):
        super().setUp()
        self.fake.clear_faults()
        self.fake.clear_requests()
        self.fake.revoke_tokens()
        self.fake.set_devices([fake_google.make_device(i) for i in range(DEVICES)])

    # --- helpers -------------------------------------------------------------------------------
    def start(self, write_back, **keys):
        self.d = self.start_daemon(config(self.fake, write_back, **keys))
        return self.wait_polls(1)

    def source(self):
        r = self.d.get("/api/v1/sources/google")
        return r.json() if r.status == 200 else {}

    def wait_polls(self, n):
        """Waits until `n` polls (and the write-back after each) are done; returns the source entry."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            s = self.source()
            if s.get("polls", 0) >= n and not s.get("running"):
                return s
            time.sleep(0.05)
        self.fail("poll %d did not finish within %ss:\n%s" % (n, WAIT, self.d.log()[-3000:]))

    def poll(self):
        n = self.source()["polls"]
        self.assertStatus(self.d.post("/api/v1/sources/google/poll"), 202)
        s = self.wait_polls(n + 1)
        self.assertEqual(s["last_result"], "ok", s)
        return s

    def wait_for(self, what, check):
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            value = check()
            if value:
                return value
            time.sleep(0.05)
        self.fail("%s did not happen within %ss:\n%s" % (what, WAIT, self.d.log()[-3000:]))

    def write_back(self):
        r = self.d.get("/api/v1/sources/google/write-back")
        self.assertStatus(r, 200)
        return r.json()

    def device(self, i):
        r = self.d.get("/api/v1/devices/serial:" + fake_google.make_device(i)["serialNumber"])
        self.assertStatus(r, 200)
        return r.json()

    def transition(self, i, to, reason="test"):
        r = self.d.post("/api/v1/devices/%d/transitions" % self.device(i)["id"], {"to": to, "reason": reason})
        self.assertStatus(r, 200)

    def set_tag(self, i, tag):
        dev = self.device(i)
        r = self.d.patch("/api/v1/devices/%d" % dev["id"], {"asset_tag": tag, "version": dev["version"]})
        self.assertStatus(r, 200)

    def metrics(self):
        return self.d.get("/metrics", token=None).text

    def writes(self, kind=None):
        out = []
        for w in self.fake.write_requests():
            k = ("patch" if w["method"] == "PATCH" else
                 "status" if w["path"].endswith(":batchChangeStatus") else "move")
            if kind is None or k == kind:
                out.append(w)
        return out

    def events(self, i):
        r = self.d.get("/api/v1/devices/%d/events" % self.device(i)["id"])
        self.assertStatus(r, 200)
        return [e for e in r.json()["items"] if e["action"] == "write-back"]

    # --- tests ---------------------------------------------------------------------------------
    def test_lost_device_is_disabled_on_the_next_poll_and_reenabled_when_found(self):
        self.start({"disable_lost": True, "dry_run": False})
        self.assertEqual(self.writes(), [], "nothing to change after the first poll")
        self.assertIn(fake_google.WRITE_SCOPE, self.fake.token_scopes())
        device_id = fake_google.make_device(3)["deviceId"]

        self.transition(3, "lost", "left on the bus")
        self.poll()
        self.assertEqual(self.fake.device(3)["status"], "DISABLED")
        status = self.writes("status")
        self.assertEqual(len(status), 1, self.fake.write_requests())
        self.assertEqual(status[0]["body"], {"deviceIds": [device_id],
                                             "changeChromeOsDeviceStatusAction":
                                                 "CHANGE_CHROME_OS_DEVICE_STATUS_ACTION_DISABLE"})
        self.assertTrue(status[0]["path"].endswith("/customer/my_customer/devices/chromeos:batchChangeStatus"))
        ev = self.events(3)
        self.assertEqual(len(ev), 1, ev)
        self.assertEqual(ev[0]["actor"], "source:google write-back")
        self.assertEqual(ev[0]["reason"], "marked lost in fleetkeep")
        self.assertEqual(self.write_back()["pending"], 0)
        self.assertEqual(metric(self.metrics(), "fleetkeep_writeback_applied_total", source="google",
                                action="disable"), 1.0)

        self.poll()  # the listing now shows DISABLED: nothing is sent again
        self.assertEqual(len(self.writes("status")), 1)

        self.transition(3, "in_stock", "found in the library")
        self.poll()
        self.assertEqual(self.fake.device(3)["status"], "ACTIVE")
        status = self.writes("status")
        self.assertEqual(len(status), 2)
        self.assertEqual(status[1]["body"]["changeChromeOsDeviceStatusAction"],
                         "CHANGE_CHROME_OS_DEVICE_STATUS_ACTION_REENABLE")
        self.assertEqual(self.writes("patch") + self.writes("move"), [])
        if os.environ.get("FLEETKEEP_SHOW_REQUESTS"):
            print(json.dumps(self.fake.write_requests(), indent=1), file=sys.stderr)

    def test_a_straggler_after_a_collection_deadline_is_disabled_and_reenabled_once_returned(self):
        self.start({"disable_unreturned": True, "dry_run": False})
        self.assertEqual(self.writes(), [])
        self.assertStatus(self.d.post("/api/v1/people", {"external_id": "S1", "name": "Ana", "role": "student",
                                                          "grade": "8"}), 201)
        tag = "serial:" + fake_google.make_device(5)["serialNumber"]
        self.assertStatus(self.d.post("/api/v1/checkouts", {"device": tag, "person": "S1", "due": "2099-06-15"}),
                          201)
        future = self.d.post("/api/v1/collections", {"name": "Next June", "deadline": "2099-06-10"})
        self.assertStatus(future, 201)
        self.poll()
        self.assertEqual(self.writes("status"), [], "before any deadline nobody is a straggler")

        past = self.d.post("/api/v1/collections", {"name": "May return", "deadline": "2020-05-29",
                                                   "grades": ["8"]})
        self.assertStatus(past, 201)
        self.assertTrue(past.json()["deadline_passed"])
        self.poll()
        self.assertEqual(self.fake.device(5)["status"], "DISABLED")
        status = self.writes("status")
        self.assertEqual(len(status), 1, self.fake.write_requests())
        self.assertEqual(status[0]["body"], {"deviceIds": [fake_google.make_device(5)["deviceId"]],
                                             "changeChromeOsDeviceStatusAction":
                                                 "CHANGE_CHROME_OS_DEVICE_STATUS_ACTION_DISABLE"})
        ev = self.events(5)
        self.assertEqual(len(ev), 1, ev)
        self.assertEqual(ev[0]["reason"], 'collection "May return" deadline 2020-05-29 passed, still out')
        self.assertEqual(self.fake.device(6)["status"], "ACTIVE", "a device not lent stays as it is")

        self.poll()  # Google shows it disabled now: nothing is sent again
        self.assertEqual(len(self.writes("status")), 1)

        self.assertStatus(self.d.post("/api/v1/devices/%s/return" % tag, {"condition": "good"}), 200)
        self.poll()
        self.assertEqual(self.fake.device(5)["status"], "ACTIVE")
        status = self.writes("status")
        self.assertEqual(len(status), 2)
        self.assertEqual(status[1]["body"]["changeChromeOsDeviceStatusAction"],
                         "CHANGE_CHROME_OS_DEVICE_STATUS_ACTION_REENABLE")

    def test_a_device_disabled_by_an_administrator_is_not_reenabled(self):
        self.fake.update_device(4, status="DISABLED")
        self.start({"disable_lost": True, "dry_run": False})
        self.assertEqual(self.writes(), [])
        self.assertEqual(self.write_back()["pending"], 0)

    def test_asset_tag_change_reaches_annotated_asset_id(self):
        self.start({"asset_id": True, "location": True, "dry_run": False})
        self.assertEqual(self.writes(), [])
        self.set_tag(5, "CB-NEW-5")
        self.poll()
        self.assertEqual(self.fake.device(5)["annotatedAssetId"], "CB-NEW-5")
        patches = self.writes("patch")
        self.assertEqual(len(patches), 1, patches)
        self.assertEqual(patches[0]["body"], {"annotatedAssetId": "CB-NEW-5"}, "only the changed field")
        self.assertTrue(patches[0]["path"].endswith("/devices/chromeos/" + fake_google.make_device(5)["deviceId"]))
        ev = self.events(5)
        self.assertEqual(ev[0]["changes"], [{"field": "google.annotatedAssetId", "old": "CB-000005", "new": "CB-NEW-5"}])
        self.poll()
        self.assertEqual(len(self.writes("patch")), 1, "idempotent: Google now agrees")
        self.assertEqual(self.device(5)["asset_tag"], "CB-NEW-5")

    def test_dry_run_sends_nothing_until_applied_by_hand(self):
        self.start({"asset_id": True, "disable_lost": True})  # dry_run defaults to true
        self.set_tag(1, "CB-DRY-1")
        self.transition(2, "stolen")
        self.poll()
        self.assertEqual(self.writes(), [])
        wb = self.write_back()
        self.assertTrue(wb["dry_run"])
        self.assertEqual(wb["last_result"], "dry run")
        self.assertEqual(wb["pending"], 2)
        by_action = {c["action"]: c for c in wb["changes"]}
        self.assertEqual(by_action["asset_id"]["google"], "CB-000001")
        self.assertEqual(by_action["asset_id"]["fleetkeep"], "CB-DRY-1")
        self.assertEqual(by_action["asset_id"]["field"], "annotatedAssetId")
        self.assertEqual(by_action["disable"]["google"], "ACTIVE")
        self.assertEqual(by_action["disable"]["fleetkeep"], "DISABLED")
        self.assertEqual(by_action["disable"]["reason"], "marked stolen in fleetkeep")
        self.assertEqual(metric(self.metrics(), "fleetkeep_writeback_pending", source="google"), 2.0)

        viewer = self.d.create_token("desk", "viewer")
        self.assertStatus(self.d.post("/api/v1/sources/google/write-back:apply", token=viewer), 403)
        self.assertStatus(self.d.post("/api/v1/sources/google/write-back:apply"), 202)
        self.wait_for("the apply", lambda: self.write_back()["last_result"] == "applied")
        self.assertEqual(self.write_back()["pending"], 0)
        self.assertEqual(self.fake.device(1)["annotatedAssetId"], "CB-DRY-1")
        self.assertEqual(self.fake.device(2)["status"], "DISABLED")
        # The next polls are incremental and need not list these devices again: what was sent stands.
        for _ in range(2):
            self.poll()
            self.assertEqual(self.write_back()["pending"], 0, self.write_back())

    def test_disable_cap_holds(self):
        self.start({"asset_id": True, "disable_lost": True, "dry_run": False, "max_disables_per_poll": 2})
        for i in (6, 7, 8):
            self.transition(i, "lost")
        self.set_tag(9, "CB-CAP-9")
        self.poll()
        self.assertEqual(self.writes("status"), [], "over the cap: no device is disabled")
        self.assertEqual(self.fake.device(9)["annotatedAssetId"], "CB-CAP-9", "other changes still go")
        wb = self.write_back()
        self.assertTrue(wb["cap_hit"])
        self.assertEqual(wb["disables"], 3)
        self.assertEqual(sorted(c["held"] for c in wb["changes"]), [True, True, True])
        self.assertEqual(metric(self.metrics(), "fleetkeep_writeback_disables_held", source="google"), 3.0)
        self.transition(8, "in_stock")  # back under the cap: the next poll disables the two
        self.poll()
        self.assertEqual(len(self.writes("status")), 1)
        self.assertEqual(sorted(self.writes("status")[0]["body"]["deviceIds"]),
                         sorted(fake_google.make_device(i)["deviceId"] for i in (6, 7)))
        self.assertEqual(metric(self.metrics(), "fleetkeep_writeback_disables_held", source="google"), 0.0)

    def test_forbidden_stops_write_back_without_a_storm(self):
        self.start({"asset_id": True, "dry_run": False})
        self.set_tag(1, "CB-F-1")
        self.set_tag(2, "CB-F-2")
        self.fake.add_fault("write", "403")
        self.poll()
        self.assertEqual(len(self.writes()), 1, "one refusal, then nothing more")
        wb = self.write_back()
        self.assertTrue(wb["stopped"])
        self.assertEqual(wb["stopped_reason"], "forbidden")
        self.assertIn("403", wb["stopped_message"])
        self.assertEqual(wb["pending"], 2)
        text = self.metrics()
        self.assertEqual(metric(text, "fleetkeep_writeback_stopped", source="google"), 1.0)
        self.assertEqual(metric(text, "fleetkeep_writeback_errors_total", source="google"), 2.0)
        self.poll()
        self.assertEqual(len(self.writes()), 1, "stopped: the next poll sends nothing")
        self.assertStatus(self.d.post("/api/v1/sources/google/write-back:apply"), 202)
        self.wait_for("the apply", lambda: self.write_back()["last_result"] == "applied")
        self.assertFalse(self.write_back()["stopped"])
        self.assertEqual(self.fake.device(2)["annotatedAssetId"], "CB-F-2")

    def test_rate_limit_and_server_errors_are_retried(self):
        self.start({"asset_id": True, "dry_run": False})
        self.set_tag(1, "CB-R-1")
        self.fake.add_fault("write", "429", retry_after=1)
        self.fake.add_fault("write", "503")
        self.poll()
        self.assertEqual(len(self.writes()), 3, "429, 503, then the PATCH that took")
        self.assertEqual(self.fake.device(1)["annotatedAssetId"], "CB-R-1")
        self.assertEqual(self.write_back()["last_result"], "applied")

    def test_a_rate_limit_that_outlasts_the_retries_ends_only_that_run(self):
        self.start({"asset_id": True, "dry_run": False}, max_retries=1)
        self.set_tag(1, "CB-L-1")
        self.fake.add_fault("write", "429", times=2)
        self.poll()
        self.assertEqual(len(self.writes()), 2, "the PATCH and its one retry")
        wb = self.write_back()
        self.assertEqual(wb["last_result"], "stopped")
        self.assertEqual(wb["stopped_reason"], "rate_limited")
        self.assertFalse(wb["stopped"], "not paused: the next poll tries again")
        self.assertEqual(metric(self.metrics(), "fleetkeep_writeback_stopped", source="google"), 0.0)
        self.poll()
        self.assertEqual(self.fake.device(1)["annotatedAssetId"], "CB-L-1")
        self.assertEqual(self.write_back()["last_result"], "applied")

    def test_partial_batch_failure_leaves_that_device_pending(self):
        self.start({"disable_lost": True, "dry_run": False})
        bad = fake_google.make_device(3)["deviceId"]
        self.fake.fail_status_change(bad, 412, "Device not eligible")
        self.transition(2, "lost")
        self.transition(3, "lost")
        self.poll()
        self.assertEqual(len(self.writes("status")), 1, "one batch for both")
        self.assertEqual(self.fake.device(2)["status"], "DISABLED")
        self.assertEqual(self.fake.device(3)["status"], "ACTIVE")
        wb = self.write_back()
        self.assertEqual(wb["last_result"], "partly applied")
        self.assertEqual(wb["pending"], 1)
        self.assertEqual(wb["changes"][0]["source_id"], bad)
        self.assertIn("Device not eligible", wb["changes"][0]["last_error"])
        self.assertEqual(metric(self.metrics(), "fleetkeep_writeback_errors_total", source="google"), 1.0)
        self.assertEqual(len(self.events(2)), 1)
        self.assertEqual(self.events(3), [])


class WriteBackConfigTest(DaemonTestCase):
    autostart = False

    def check(self, text):
        with tempfile.TemporaryDirectory() as tmp:
            d = Daemon(text, workdir=tmp)
            r = d.run_tool("--check-config")
            return r.returncode, r.stdout + r.stderr

    def test_bad_write_back_keys_are_pointed_at(self):
        fake = type("F", (), {"key_path": "/nonexistent.json", "base_url": "http://127.0.0.1:9",
                              "token_url": "http://127.0.0.1:9/token"})
        rc, out = self.check(config(fake, {"asset_id": "maybe", "disable_lots": True,
                                           "max_disables_per_poll": -1}).replace(
            "      asset_id", "      org_unit_for_status: {retired: Retired, gone: /X}\n      asset_id"))
        self.assertEqual(rc, 1, out)
        for key in ("write_back.asset_id", "write_back.max_disables_per_poll",
                    "write_back.org_unit_for_status.retired", "write_back.org_unit_for_status.gone"):
            self.assertRegex(out, r"fleetkeepd\.yaml:\d+:\d+: .*%s" % key.replace(".", r"\."))
        self.assertRegex(out, r"fleetkeepd\.yaml:\d+:7: unknown key \"disable_lots\"")

    def test_write_back_on_a_plugin_that_cannot(self):
        rc, out = self.check("sources:\n  - name: inv\n    plugin: csv_import\n    path: /nonexistent.csv\n"
                             "    write_back: {asset_id: true}\n")
        self.assertEqual(rc, 1, out)
        self.assertRegex(out, r"fleetkeepd\.yaml:9:5: sources\[0\]\.write_back: the csv_import plugin cannot write back")


if __name__ == "__main__":
    unittest.main()
