"""Email notifications end to end: the real fleetkeepd plans into its outbox and sends through a real
SMTP server on 127.0.0.1 (aiosmtpd) that answers a 421, a 550 and drops a connection."""

import datetime
import os
import shutil
import socket
import sqlite3
import subprocess
import time
import unittest

import fleetkeepd
from fleetkeepd import Daemon, DaemonTestCase, cli_path
from smtp_server import SmtpServer

WAIT = 60  # seconds: generous, the sends themselves take milliseconds

ROSTER = """external_id,name,email,role,grade,homeroom,location,active
S1,Ada Lovelace,parent@example.org,student,7,7B,Maple Middle,true
S2,Byron Lovelace,Parent@Example.org,student,5,5A,Maple Middle,true
S3,Cy Busy,busy@example.org,student,7,7B,Maple Middle,true
S4,Di Drop,drop@example.org,student,7,7B,Maple Middle,true
S5,Ed Nobody,nobody@example.org,student,7,7B,Maple Middle,true
S6,Flo Noaddress,,student,7,7B,Maple Middle,true
S7,Gus Soon,gus@example.org,student,7,7B,Oak Elementary,true
"""

# person -> (device tag, days from today to the due date)
LOANS = {"S1": ("CB-101", -14), "S2": ("CB-102", -1), "S3": ("CB-103", -1), "S4": ("CB-104", -1),
         "S5": ("CB-105", -1), "S6": ("CB-106", -1), "S7": ("CB-107", 1)}


def today():
    return datetime.datetime.now(datetime.timezone.utc).date()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def config(port, workdir, retry="retry_initial: 1s, retry_max: 2s"):
    with open(os.path.join(workdir, "smtp-password"), "w") as f:
        f.write("s3cret\n")
    return """notifications:
  smtp: {url: "smtp://127.0.0.1:%d", from: "Maple Library <library@example.org>", username: fk,
         password_file: smtp-password, starttls: never, timeout: 10s, %s,
         rate_per_minute: 6000}
  due_soon_days: [7, 1]
  overdue_days: [1, 7, 14]
  send_window: {days: mon-sun, hours: "00:00-24:00", timezone: UTC}
  repair_ready: true
  building_contacts: {"Maple Middle": librarian@maple.example.org}
  plan_interval: 1h
""" % (port, retry)


def populate(d):
    r = d.post("/api/v1/people:import", ROSTER, content_type="text/csv")
    assert r.status == 200, r
    for person, (tag, _) in LOANS.items():
        d.create_device(asset_tag=tag, kind="chromebook", model="Chromebook 3100", status="in_stock")
        r = d.post("/api/v1/checkouts", {"device": "tag:" + tag, "person": person})
        assert r.status == 201, r
    # Due dates in the past cannot be entered at the desk: the loans are moved back in the file, as if
    # they had been lent a month ago.
    db = sqlite3.connect(os.path.join(d.state_dir, "fleetkeep.db"), timeout=10)
    with db:
        for person, (tag, days) in LOANS.items():
            lent = (today() - datetime.timedelta(days=30)).isoformat() + "T08:00:00Z"
            db.execute("UPDATE checkouts SET due = ?, checked_out_at = ? WHERE device_id = "
                       "(SELECT id FROM devices WHERE asset_tag = ?)",
                       ((today() + datetime.timedelta(days=days)).isoformat(), lent, tag))
    db.close()


def wait_until(what, predicate, timeout=WAIT):
    return fleetkeepd.wait_until(what, predicate, timeout)


class NotificationTestCase(DaemonTestCase):
    autostart = False

    def smtp(self, port=0):
        s = SmtpServer(port, username="fk", password="s3cret")
        self.addCleanup(s.close)
        s.reject.add("nobody@example.org")
        s.busy_once.add("busy@example.org")
        s.drop_once.add("drop@example.org")
        return s

    def settled(self, d):
        """Nothing queued or being sent."""
        r = d.get("/api/v1/notifications")
        return r.status == 200 and r.json()["queued"] == 0

    def assert_delivered_once(self, server):
        self.assertEqual(len(server.to("parent@example.org")), 1)
        self.assertEqual(len(server.to("busy@example.org")), 1)
        self.assertEqual(len(server.to("drop@example.org")), 1)
        self.assertEqual(len(server.to("gus@example.org")), 1)
        self.assertEqual(server.to("nobody@example.org"), [])
        self.assertEqual(server.count(), 4)


class TestNotifications(NotificationTestCase):
    def test_right_mails_once_with_recipients_cc_and_content(self):
        server = self.smtp()
        workdir = self.make_workdir()
        d = self.start_daemon(config(server.port, workdir), workdir=workdir)
        populate(d)
        r = d.post("/api/v1/notifications:plan")
        self.assertStatus(r, 200)
        plan = r.json()
        # parent (two students), busy, drop, nobody: overdue; gus: due soon. Flo has no address.
        self.assertEqual((plan["planned"], plan["added"], plan["people_without_email"]), (5, 5, 1))
        wait_until("the outbox to drain", lambda: self.settled(d))
        self.assert_delivered_once(server)

        household = server.to("parent@example.org")[0]
        # One mail for the household, copying the building because Ada's loan reached the last step.
        self.assertEqual(household.rcpt_tos, ["librarian@maple.example.org", "parent@example.org"])
        self.assertEqual(household.mail_from, "library@example.org")
        self.assertEqual(household.header("To"), "parent@example.org")
        self.assertEqual(household.header("Cc"), "librarian@maple.example.org")
        self.assertEqual(household.header("From"), "Maple Library <library@example.org>")
        self.assertEqual(household.header("Subject"), "Overdue: 2 devices")
        self.assertTrue(household.header("Message-ID").startswith("<fleetkeep.overdue."))
        self.assertEqual(household.parsed.get_content_type(), "multipart/alternative")
        text, html = household.part("plain"), household.part("html")
        for tag, who, days in (("CB-101", "Ada Lovelace", 14), ("CB-102", "Byron Lovelace", 1)):
            self.assertIn("Chromebook 3100, asset tag %s, lent to %s: was due %s, %d day(s) ago"
                          % (tag, who, (today() - datetime.timedelta(days=days)).isoformat(), days), text)
            self.assertIn(tag, html)
        self.assertIn("Maple Middle (librarian@maple.example.org)", text)
        for other in ("Cy Busy", "CB-103", "Gus", "S1", "S2"):
            self.assertNotIn(other, text)  # no other student's data, no internal ids
        # The first step copies nobody.
        self.assertEqual(server.to("busy@example.org")[0].rcpt_tos, ["busy@example.org"])
        soon = server.to("gus@example.org")[0]
        self.assertEqual(soon.header("Subject"), "Chromebook 3100 CB-107 is due back soon")
        self.assertIn("due %s (in 1 day(s))" % (today() + datetime.timedelta(days=1)).isoformat(), soon.part("plain"))
        self.assertEqual(server.faults, [("421", "busy@example.org"), ("drop", "drop@example.org")])
        self.assertTrue(server.logins and all(ok for _, ok in server.logins), server.logins)

        # The 550 is kept and visible, with the retried ones' history.
        failed = d.get("/api/v1/notifications?status=failed").json()["items"]
        self.assertEqual(len(failed), 1)
        self.assertEqual((failed[0]["to"], failed[0]["last_code"], failed[0]["attempts"]),
                         (["nobody@example.org"], 550, 1))
        sent = {n["to"][0]: n for n in d.get("/api/v1/notifications?status=sent").json()["items"]}
        self.assertEqual(sent["busy@example.org"]["attempts"], 2)
        self.assertEqual(sent["drop@example.org"]["attempts"], 2)
        self.assertError(d.get("/api/v1/notifications?status=lost"), 400, "invalid")
        viewer = d.create_token("viewer1", "viewer")
        self.assertStatus(d.get("/api/v1/notifications", token=viewer), 403)

        # Planning again, and after a restart, sends nothing twice.
        self.assertEqual(d.post("/api/v1/notifications:plan").json()["added"], 0)
        d.restart()
        self.assertEqual(d.post("/api/v1/notifications:plan").json()["added"], 0)
        wait_until("metrics", lambda: 'fleetkeep_notifications_sent_total{kind="overdue"} 3' in
                   d.get("/metrics", token=None).text)
        metrics = d.get("/metrics", token=None).text
        self.assertIn('fleetkeep_notifications_sent_total{kind="due_soon"} 1', metrics)
        self.assertIn('fleetkeep_notifications_failed_total{kind="overdue"} 1', metrics)
        self.assertIn("fleetkeep_notifications_queued 0", metrics)
        self.assertEqual(server.count(), 4)

        # The CLI lists the failed one with its reason.
        out = subprocess.run([cli_path(), "--server", "http://127.0.0.1:%d" % d.port, "notifications", "--failed"],
                             env=dict(os.environ, FLEETKEEP_TOKEN=d.token), capture_output=True, text=True,
                             timeout=20)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("nobody@example.org", out.stdout)
        self.assertIn("550", out.stdout)

    def test_households_share_a_mail_and_the_digest_shows_collection_progress(self):
        server = self.smtp()
        workdir = self.make_workdir()
        d = self.start_daemon(config(server.port, workdir), workdir=workdir)
        # Three households at one carer's address: H1 (Ada, Byron, Dee) and H2 (Cy) get a mail each.
        roster = ("external_id,name,email,role,grade,homeroom,location,household,active\n"
                  "S1,Ada Lovelace,carer@example.org,student,7,7B,Maple Middle,H1,true\n"
                  "S2,Byron Lovelace,Carer@Example.org,student,5,5A,Maple Middle,H1,true\n"
                  "S3,Cy Other,carer@example.org,student,7,7B,Maple Middle,H2,true\n"
                  "S4,Dee Lovelace,carer@example.org,student,7,7B,Maple Middle,H1,true\n")
        self.assertStatus(d.post("/api/v1/people:import", roster, content_type="text/csv"), 200)
        for n, person in enumerate(("S1", "S2", "S3", "S4")):
            tag = "CB-20%d" % n
            d.create_device(asset_tag=tag, kind="chromebook", model="Chromebook 3100", status="in_stock")
            self.assertStatus(d.post("/api/v1/checkouts", {"device": "tag:" + tag, "person": person}), 201)
        deadline = (today() + datetime.timedelta(days=10)).isoformat()
        self.assertStatus(d.post("/api/v1/collections", {"name": "June collection", "deadline": deadline}), 201)
        self.assertStatus(d.post("/api/v1/devices/tag:CB-203/return", {"condition": "good"}), 200)
        db = sqlite3.connect(os.path.join(d.state_dir, "fleetkeep.db"), timeout=10)
        with db:  # yesterday's due date, as populate() does
            db.execute("UPDATE checkouts SET due = ?, checked_out_at = ? WHERE returned_at IS NULL",
                       ((today() - datetime.timedelta(days=1)).isoformat(),
                        (today() - datetime.timedelta(days=30)).isoformat() + "T08:00:00Z"))
        db.close()
        # The digest is switched on (today) only now: the planner runs at start, and a digest planned
        # before the loans were in place would be today's digest already.
        weekday = today().strftime("%A").lower()
        d.write_config(config(server.port, workdir) + "  weekly_digest: %s\n" % weekday)
        d.restart()

        plan = d.post("/api/v1/notifications:plan").json()
        self.assertEqual(plan["planned"], 3, plan)  # two household mails and the digest
        wait_until("the outbox to drain", lambda: self.settled(d))
        mails = server.to("carer@example.org")
        self.assertEqual(len(mails), 2)
        texts = sorted(m.part("plain") for m in mails)
        h1 = [t for t in texts if "Ada Lovelace" in t]
        h2 = [t for t in texts if "Cy Other" in t]
        self.assertEqual((len(h1), len(h2)), (1, 1), texts)
        self.assertIn("Byron Lovelace", h1[0])
        self.assertNotIn("Cy Other", h1[0])
        self.assertNotIn("Lovelace", h2[0])
        digest = server.to("librarian@maple.example.org")
        self.assertEqual(len(digest), 1)
        self.assertIn("June collection (deadline %s): 1 of 4 returned, 3 outstanding" % deadline,
                      digest[0].part("plain"))
        self.assertIn("June collection", digest[0].part("html"))

    def test_preview_renders_without_sending(self):
        server = self.smtp()
        workdir = self.make_workdir()
        d = self.start_daemon(config(server.port, workdir), workdir=workdir)
        populate(d)
        r = d.post("/api/v1/notifications:preview", {"kind": "overdue", "person": "S1"})
        self.assertStatus(r, 200)
        mail = r.json()
        self.assertEqual(mail["to"], "parent@example.org")
        self.assertIn("CB-101", mail["subject"])
        self.assertIn("Ada Lovelace", mail["text"])
        self.assertIn("<li>", mail["html"])
        self.assertError(d.post("/api/v1/notifications:preview", {"kind": "overdue", "person": "NOPE"}), 404,
                         "not_found")
        self.assertError(d.post("/api/v1/notifications:preview", {"kind": "gossip", "person": "S1"}), 400, "invalid")
        self.assertError(d.post("/api/v1/notifications:preview", {"kind": "overdue"}), 400, "invalid")
        self.assertEqual(d.get("/api/v1/notifications").json()["items"], [])
        self.assertEqual(server.count(), 0)

    def test_killed_between_planning_and_sending_sends_each_once_after_restart(self):
        port = free_port()  # nothing listens yet: every send fails in transport and is retried
        workdir = self.make_workdir()
        # Each failed attempt waits 15 s for the next, so once every notice has failed once none is being
        # sent: the kill lands between planning and sending, never inside a send (a send cut short is
        # marked failed on purpose, never repeated).
        d = self.start_daemon(config(port, workdir, "retry_initial: 15s, retry_max: 15s"), workdir=workdir)
        populate(d)
        self.assertEqual(d.post("/api/v1/notifications:plan").json()["added"], 5)
        wait_until("a failed attempt for every notice", lambda: all(
            n["attempts"] > 0 for n in d.get("/api/v1/notifications").json()["items"]))
        d.kill()  # SIGKILL: no clean shutdown
        server = self.smtp(port)
        d.start()
        wait_until("the outbox to drain", lambda: self.settled(d))
        self.assert_delivered_once(server)
        self.assertEqual(d.post("/api/v1/notifications:plan").json()["added"], 0)

    def test_two_daemons_on_one_file_send_each_once(self):
        server = self.smtp()
        first_dir, second_dir = self.make_workdir(), self.make_workdir()
        # Both plan the same day and both senders race for the same rows.
        a = self.start_daemon(config(server.port, first_dir), workdir=first_dir)
        populate(a)
        b = Daemon(workdir=second_dir)
        text = b.config_text(config(server.port, second_dir)).replace(
            "database: fleetkeep.db", "database: " + os.path.join(a.state_dir, "fleetkeep.db"))
        with open(b.config_path, "w") as f:
            f.write(text)
        os.makedirs(b.state_dir, exist_ok=True)
        shutil.copy(os.path.join(a.state_dir, "admin.token"), os.path.join(b.state_dir, "admin.token"))
        self.addCleanup(b.cleanup)
        b.start()
        self.addCleanup(b.stop)
        for d in (a, b, a, b):
            self.assertStatus(d.post("/api/v1/notifications:plan"), 200)
        wait_until("the outbox to drain", lambda: self.settled(a))
        self.assert_delivered_once(server)

    def make_workdir(self):
        import tempfile
        t = tempfile.TemporaryDirectory(prefix="fleetkeepd-notify-")
        self.addCleanup(t.cleanup)
        return t.name


class TestNotificationConfig(unittest.TestCase):
    def test_bad_block_is_refused_with_positions(self):
        d = Daemon("""notifications:
  smtp: {url: "smtp://127.0.0.1:25", from: "x@example.org"}
  send_window: {timezone: Europe/Atlantis}
""")
        self.addCleanup(d.cleanup)
        r = d.run_tool("--check-config")
        self.assertEqual(r.returncode, 1, r)
        self.assertIn("fleetkeepd.yaml:7:", r.stdout + r.stderr)
        self.assertIn('unknown time zone "Europe/Atlantis"', r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
