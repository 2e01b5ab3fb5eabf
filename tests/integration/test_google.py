"""fleetkeepd polling a local fake of Google (tests/fake_google.py) through the google_admin plugin.

The fake checks the JWT assertion's signature and claims and the Bearer token on every list call, so
a poll that succeeds here has authenticated the way Google wants. Each test gets its own daemon (and
so its own database); the fake is shared by the class and reset between tests.
"""

import datetime
import os
import re
import sys
import tempfile
import time
import types
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import fake_google  # noqa: E402
from fleetkeepd import Daemon, DaemonTestCase  # noqa: E402

DEVICES = 25
PAGE = 10  # three pages: 10, 10, 5
POLL_TIMEOUT = 40.0


def source_config(fake, **keys):
    entry = {"name": "google", "plugin": "google_admin", "interval": "1d", "timeout": "30s",
             "customer_id": "my_customer", "credentials_file": fake.key_path,
             "subject": fake_google.SUBJECT, "api_base_url": fake.base_url, "token_url": fake.token_url,
             "max_results": PAGE}
    entry.update(keys)
    lines = ["sources:"]
    for i, (k, v) in enumerate(entry.items()):
        lines.append(("  - " if i == 0 else "    ") + "%s: %s" % (k, v))
    return "\n".join(lines) + "\n"


def utc_today():
    return datetime.datetime.now(datetime.timezone.utc).date()


def metric(text, name, **labels):
    """The value of one sample of the /metrics text, or None."""
    for line in text.splitlines():
        m = re.match(r"^%s\{([^}]*)\} (\S+)$" % re.escape(name), line)
        if not m:
            continue
        have = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(1)))
        if all(have.get(k) == v for k, v in labels.items()):
            return float(m.group(2))
    return None


class GoogleSourceTest(DaemonTestCase):
    autostart = False

    @classmethod
    def setUpClass(cls):
        cls._tmp = tempfile.TemporaryDirectory(prefix="fake-google-")
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
        self.fake.token_rejections.clear()
        self.fake.set_devices([fake_google.make_device(i) for i in range(DEVICES)])

    # --- helpers -------------------------------------------------------------------------------
    def start(self, **keys):
        """Starts the daemon and waits for its first poll (sources poll soon after start)."""
        self.d = self.start_daemon(source_config(self.fake, **keys))
        return self.wait_poll(0)

    def source(self):
        r = self.d.get("/api/v1/sources")
        self.assertStatus(r, 200)
        # Sources are set up just after the listener opens: right after start the list may be empty.
        return next((s for s in r.json()["items"] if s["name"] == "google"), {})

    def wait_poll(self, previous_polls):
        """Waits until more than `previous_polls` polls have finished; returns the source entry."""
        deadline = time.monotonic() + POLL_TIMEOUT
        while time.monotonic() < deadline:
            s = self.source()
            if not s.get("running") and s.get("polls", 0) > previous_polls:
                return s
            time.sleep(0.05)
        self.fail("no poll finished within %ss:\n%s" % (POLL_TIMEOUT, self.d.log()[-3000:]))

    def poll(self):
        before = self.source().get("polls", 0)
        r = self.d.post("/api/v1/sources/google/poll")
        self.assertIn(r.status, (200, 202), r)
        return self.wait_poll(before)

    def device(self, serial):
        r = self.d.get("/api/v1/devices/serial:" + serial)
        self.assertStatus(r, 200)
        return r.json()

    def metrics(self):
        r = self.d.get("/metrics", token=None)
        self.assertStatus(r, 200)
        return r.text

    def assertFailed(self, s, reason):
        self.assertEqual(s["last_result"], "failed", s)
        self.assertEqual(s["last_reason"], reason, s)
        text = self.metrics()
        self.assertEqual(metric(text, "fleetkeep_source_up", source="google"), 0.0)
        self.assertGreaterEqual(metric(text, "fleetkeep_source_poll_errors_total", source="google",
                                       reason=reason) or 0, 1.0)

    # --- tests ---------------------------------------------------------------------------------
    def test_first_poll_creates_the_devices(self):
        s = self.start()
        self.assertEqual(s["last_result"], "ok", s)
        self.assertEqual(s["observed"], DEVICES)
        self.assertEqual(s["created"], DEVICES)
        self.assertEqual(self.fake.token_rejections, [])
        self.assertEqual(self.fake.token_requests, 1)
        pages = self.fake.list_requests()
        self.assertEqual(len(pages), 3)
        self.assertEqual({p["maxResults"] for p in pages}, {str(PAGE)})
        self.assertEqual({p["projection"] for p in pages}, {"FULL"})
        self.assertNotIn("query", pages[0])
        self.assertNotIn("pageToken", pages[0])
        self.assertIn("pageToken", pages[1])

        self.assertEqual(len(self.d.all_devices()), DEVICES)
        d = self.device("5CD0000003")  # make_device(3): an Acer
        self.assertEqual(d["kind"], "chromebook")
        self.assertEqual(d["model"], "Acer Chromebook Spin 511")
        self.assertEqual(d["manufacturer"], "Acer")
        self.assertEqual(d["org_unit"], "/Students/Jefferson ES")
        self.assertEqual(d["location"], "Jefferson ES / Cart 4")
        self.assertEqual(d["asset_tag"], "CB-000003")
        self.assertEqual(d["aue_date"], "2027-06-01")
        self.assertEqual(sorted(d["macs"]), ["0c:7a:15:00:00:03", "f8:b4:6a:00:00:03"])
        self.assertEqual(d["status"], "in_stock")
        seen = d["seen"]["google"]
        self.assertEqual(seen["source_id"], fake_google.make_device(3)["deviceId"])
        self.assertEqual(seen["fields"]["os_version"], "130.0.6723.103")
        self.assertEqual(seen["fields"]["status"], "ACTIVE")
        self.assertEqual(seen["fields"]["ip"], "10.0.0.3")

        events = self.d.get("/api/v1/devices/%d/events" % d["id"]).json()["items"]
        self.assertTrue(events)
        self.assertTrue(all(e["actor"] == "source:google" for e in events), events)

        text = self.metrics()
        self.assertEqual(metric(text, "fleetkeep_source_up", source="google"), 1.0)
        self.assertEqual(metric(text, "fleetkeep_source_devices_observed", source="google"), DEVICES)
        self.assertGreater(metric(text, "fleetkeep_source_last_success_timestamp_seconds", source="google"), 0)
        self.assertIsNotNone(metric(text, "fleetkeep_source_poll_duration_seconds_count", source="google"))
        self.assertNotIn("ya29.", self.d.log(), "access tokens never reach the log")
        self.assertNotIn("PRIVATE KEY", self.d.log())

    def test_later_polls_ask_for_changes_with_the_same_token(self):
        self.start()
        self.fake.clear_requests()
        today = utc_today()
        self.fake.update_device(4, lastSync=today.isoformat() + "T08:00:00.000Z",
                                annotatedLocation="Adams MS / Library", model="HP Chromebook 14 G7")
        s = self.poll()
        self.assertEqual(s["last_result"], "ok", s)
        queries = [p.get("query") for p in self.fake.list_requests()]
        self.assertEqual(queries, ["sync:%s.." % (today - datetime.timedelta(days=1)).isoformat()])
        self.assertEqual(self.fake.token_requests, 0, "the cached token is reused")
        d = self.device("5CD0000004")
        self.assertEqual(d["location"], "Adams MS / Library")
        self.assertEqual(d["model"], "HP Chromebook 14 G7")
        self.assertEqual(d["manufacturer"], "HP")
        events = self.d.get("/api/v1/devices/%d/events" % d["id"]).json()["items"]
        self.assertEqual(events[-1]["actor"], "source:google")
        changed = {c["field"]: (c["old"], c["new"]) for c in events[-1]["changes"]}
        was = fake_google.make_device(4)
        self.assertEqual(changed["location"], (was["annotatedLocation"], "Adams MS / Library"))
        self.assertEqual(changed["model"], (was["model"], "HP Chromebook 14 G7"))
        self.assertEqual(changed["manufacturer"], ("ASUS", "HP"))
        self.assertEqual(len(self.d.all_devices()), DEVICES)

    def test_rate_limit_then_success(self):
        self.fake.add_fault("list", "429", retry_after=1, page=2)
        s = self.start()
        self.assertEqual(s["last_result"], "ok", s)
        self.assertEqual(len(self.fake.list_requests()), 4)  # page 2 twice
        self.assertGreaterEqual(s["last_duration_seconds"], 0.9)
        self.assertEqual(len(self.d.all_devices()), DEVICES)
        self.assertIn(metric(self.metrics(), "fleetkeep_source_poll_errors_total", source="google",
                             reason="rate_limited"), (None, 0.0))

    def test_server_error_retried_then_given_up(self):
        self.fake.add_fault("list", "503", times=1)
        s = self.start(max_retries=1)
        self.assertEqual(s["last_result"], "ok", s)  # one 503, one retry after ~1-2 s
        self.fake.add_fault("list", "503", times=2)
        self.fake.update_device(0, model="Changed")
        s = self.poll()
        self.assertFailed(s, "server_error")
        self.assertIn("503", s["last_error"])
        self.assertEqual(self.device("5CD0000000")["model"], "HP Chromebook 11 G9 EE")

    def test_forbidden_is_not_retried(self):
        self.fake.add_fault("list", "403", times=5)
        s = self.start()
        self.assertFailed(s, "forbidden")
        self.assertEqual(len(self.fake.list_requests()), 1)
        self.assertIn("Not Authorized", s["last_error"])
        self.assertEqual(self.d.all_devices(), [])

    def test_truncated_page_changes_nothing(self):
        self.fake.add_fault("list", "truncated", page=2)
        s = self.start()
        self.assertFailed(s, "bad_response")
        self.assertEqual(self.d.all_devices(), [], "page 1 must not be applied alone")

        s = self.poll()  # the fault is spent: a clean listing now
        self.assertEqual(s["last_result"], "ok", s)
        self.assertEqual(len(self.d.all_devices()), DEVICES)
        before = self.device("5CD0000007")

        self.fake.update_device(7, model="Lenovo 300e Chromebook Gen 4",
                                lastSync=utc_today().isoformat() + "T09:00:00Z")
        self.fake.add_fault("list", "truncated")
        s = self.poll()
        self.assertFailed(s, "bad_response")
        after = self.device("5CD0000007")
        self.assertEqual(after["model"], before["model"])
        self.assertEqual(after["version"], before["version"])

    def test_token_refused(self):
        self.fake.add_fault("token", "refuse")
        s = self.start()
        self.assertFailed(s, "auth")
        self.assertIn("invalid_grant", s["last_error"])
        self.assertEqual(self.fake.list_requests(), [])
        self.assertEqual(self.d.all_devices(), [])

    def test_bad_signature_is_refused_by_the_fake(self):
        # A key the fake did not issue: its signature check must refuse the assertion.
        other = tempfile.TemporaryDirectory(prefix="other-key-")
        self.addCleanup(other.cleanup)
        impostor = fake_google.FakeGoogle(other.name)
        impostor.close()
        s = self.start(credentials_file=impostor.key_path)
        self.assertFailed(s, "auth")
        self.assertEqual(self.fake.token_rejections, ["Invalid JWT Signature."])


class GoogleConfigTest(DaemonTestCase):
    autostart = False

    def test_check_config_points_at_the_bad_key(self):
        with tempfile.TemporaryDirectory() as tmp:
            nowhere = types.SimpleNamespace(key_path="/nonexistent.json", base_url="http://127.0.0.1:9",
                                            token_url="http://127.0.0.1:9/token")
            d = Daemon(source_config(nowhere, max_results=500, customer="x"), workdir=tmp)
            r = d.run_tool("--check-config")
            self.assertEqual(r.returncode, 1, r)
            out = r.stdout + r.stderr
            self.assertRegex(out, r"fleetkeepd\.yaml:\d+:\d+: .*max_results")
            self.assertRegex(out, r"fleetkeepd\.yaml:\d+:\d+: .*customer")


if __name__ == "__main__":
    unittest.main()
