"""Audits (stocktakes) and collection campaigns against a real daemon: API, CSV, CLI, metrics, and a
5,000-device audit scanned by 4 parallel clients."""

import csv
import datetime
import http.client
import io
import json
import os
import re
import subprocess
import threading
import time
import unittest

from fleetkeepd import Daemon, DaemonTestCase, cli_path, wait_until as wait_for

TODAY = datetime.date.today()
CART = "Maple Elementary / Cart 3"


def day(offset):
    return (TODAY + datetime.timedelta(days=offset)).isoformat()


def metric(d, name, labels):
    text = d.get("/metrics", token=None).text
    m = re.search("^" + re.escape(name) + r"\{" + re.escape(labels) + r"\} (\S+)$", text, re.M)
    return float(m.group(1)) if m else None


class Scanner:
    """One technician: a kept-alive connection posting scans."""

    def __init__(self, d, audit_id):
        self.conn = http.client.HTTPConnection("127.0.0.1", d.port, timeout=30)
        self.path = "/api/v1/audits/%d/scans" % audit_id
        self.headers = {"Authorization": "Bearer " + d.token, "Content-Type": "application/json"}

    def scan(self, code):
        self.conn.request("POST", self.path, body=json.dumps({"code": code}), headers=self.headers)
        r = self.conn.getresponse()
        body = r.read()
        if r.status != 200:
            raise AssertionError("scan %s: HTTP %d %s" % (code, r.status, body[:200]))
        return json.loads(body)["result"]

    def close(self):
        self.conn.close()


class AuditsTest(DaemonTestCase):
    autostart = False

    def daemon(self, extra="", seed_csv=None, files=None):
        d = Daemon(extra, seed_csv)
        self.addCleanup(d.cleanup)
        for name, text in (files or {}).items():
            with open(os.path.join(d.dir, name), "w", encoding="utf-8") as f:
                f.write(text)
        d.start()
        self.addCleanup(d.stop)
        return d

    def device(self, d, tag, location, status="in_stock", **fields):
        return d.create_device(asset_tag=tag, serial="SN-" + tag, kind="chromebook", location=location,
                               status=status, **fields)

    def cli(self, d, *args, stdin=None, expect=0):
        env = {k: v for k, v in os.environ.items() if not k.startswith("FLEETKEEP_")}
        env.update(FLEETKEEP_SERVER="http://127.0.0.1:%d" % d.port, FLEETKEEP_TOKEN=d.token)
        r = subprocess.run([cli_path(), *args], input=stdin, capture_output=True, text=True, env=env, timeout=60)
        self.assertEqual(r.returncode, expect, "fleetkeep %s\n%s%s" % (" ".join(args), r.stdout, r.stderr))
        return r

    def test_cart_audit_end_to_end(self):
        arp = ("IP address       HW type     Flags       HW address            Mask     Device\n"
               "192.0.2.31       0x1         0x2         3c:22:fb:00:00:03     *        eth0\n")
        d = self.daemon("audits:\n  seen_window: 2d\nsources:\n"
                        "  - {name: lan, plugin: network_neighbors, interval: 1h, path: arp}\n", files={"arp": arp})
        for n in range(1, 5):
            self.device(d, "CB-%d" % n, CART, macs=["3c:22:fb:00:00:%02d" % n])
        self.device(d, "CB-30", "Maple Elementary / Cart 30")
        self.device(d, "OAK-1", "Oak High / Room 1")
        self.device(d, "LOST-1", CART, status="in_stock")
        self.assertStatus(d.post("/api/v1/devices/tag:LOST-1/transitions", {"to": "lost", "reason": "gone"}), 200)
        # The source's first poll may have run before these devices existed: poll again now.
        self.assertStatus(d.post("/api/v1/sources/lan/poll"), 202)
        wait_for("the lan poll", lambda: d.get("/api/v1/devices/tag:CB-3").json().get("seen", {}).get("lan"))

        r = d.post("/api/v1/audits", {"name": "Cart 3 spring check", "location": CART})
        self.assertStatus(r, 201)
        audit = r.json()
        self.assertEqual(audit["counts"]["expected"], 4)
        path = "/api/v1/audits/%d" % audit["id"]
        self.assertError(d.post("/api/v1/audits", {"name": "Cart 3 spring check", "location": CART}), 409, "conflict")

        # A device moved away after the start is still expected; one moved in is not.
        oak = d.get("/api/v1/devices/tag:OAK-1").json()
        self.assertStatus(d.patch("/api/v1/devices/tag:OAK-1", {"location": CART, "version": oak["version"]}), 200)

        results = {}
        for code in ["CB-1", "SN-CB-2", "CB-1", "OAK-1", "CB-30", "LOST-1", "NO-SUCH-TAG", " CB-2\r"]:
            r = d.post(path + "/scans", {"code": code})
            self.assertStatus(r, 200)
            results.setdefault(code, []).append(r.json())
        self.assertEqual([x["result"] for x in results["CB-1"]], ["found", "repeat"])
        self.assertEqual(results["SN-CB-2"][0]["result"], "found")
        self.assertEqual(results[" CB-2\r"][0]["result"], "repeat")
        self.assertEqual(results["OAK-1"][0]["result"], "misplaced")
        self.assertEqual(results["CB-30"][0]["result"], "misplaced")
        self.assertEqual(results["CB-30"][0]["expected_location"], "Maple Elementary / Cart 30")
        self.assertEqual(results["LOST-1"][0]["result"], "unexpected")
        self.assertTrue(results["LOST-1"][0]["lost_found"])
        self.assertEqual(results["NO-SUCH-TAG"][0]["result"], "unknown")
        self.assertIsNone(results["NO-SUCH-TAG"][0]["device"])

        # Bad scans are refused and change nothing.
        self.assertError(d.post(path + "/scans", {"code": "  "}), 400, "invalid")
        self.assertError(d.post(path + "/scans", {"barcode": "CB-1"}), 400, "invalid")
        self.assertError(d.post("/api/v1/audits/999/scans", {"code": "CB-1"}), 404, "not_found")

        report = d.get(path).json()
        counts = report["counts"]
        self.assertEqual((counts["expected"], counts["found"], counts["missing"], counts["misplaced"],
                          counts["unexpected"], counts["unknown"], counts["seen_by_source"]), (4, 2, 2, 2, 1, 1, 1))
        self.assertEqual([x["asset_tag"] for x in report["lists"]["seen_by_source"]], ["CB-3"])
        self.assertEqual(report["lists"]["seen_by_source"][0]["last_seen"]["source"], "lan")
        self.assertEqual(sorted(x["asset_tag"] for x in report["lists"]["missing"]), ["CB-3", "CB-4"])
        self.assertEqual(d.get(path + "?lists=false").json().get("lists"), None)

        r = d.get(path + "?format=csv")
        self.assertStatus(r, 200)
        self.assertTrue(r.headers["content-type"].startswith("text/csv"))
        rows = list(csv.DictReader(io.StringIO(r.text)))
        self.assertEqual(sorted(row["state"] for row in rows),
                         ["found", "found", "misplaced", "misplaced", "missing", "missing", "unexpected", "unknown"])
        self.assertEqual([row["seen_by_source"] for row in rows if row["asset_tag"] == "CB-3"], ["true"])

        # The metrics show the open audit by state.
        wait_for("audit metrics", lambda: metric(d, "fleetkeep_audit_devices",
                                                 'audit="Cart 3 spring check",state="found"') == 2)

        self.assertError(d.post(path + "/close", {"missing_to": "stolen"}), 400, "invalid")
        self.assertError(d.post(path + "/close", {"move_misplaced": "yes"}), 400, "invalid")
        r = d.post(path + "/close", {"move_misplaced": True, "missing_to": "lost"})
        self.assertStatus(r, 200)
        closed = r.json()
        self.assertEqual(closed["status"], "closed")
        self.assertEqual(len(closed["close_result"]["marked_lost"]), 2)
        # OAK-1 already sits in the cart (moved there by hand): only CB-30 moves.
        self.assertEqual([m["device"] for m in closed["close_result"]["moved"]], ["tag:CB-30"])
        self.assertEqual(d.get("/api/v1/devices/tag:CB-30").json()["location"], CART)
        self.assertEqual(d.get("/api/v1/devices/tag:CB-4").json()["status"], "lost")
        events = d.get("/api/v1/devices/tag:CB-4/events").json()["items"]
        self.assertEqual(events[-1]["reason"], "audit: Cart 3 spring check")

        # Read-only once closed; its series leave /metrics.
        self.assertError(d.post(path + "/scans", {"code": "CB-4"}), 409, "conflict")
        self.assertError(d.post(path + "/close", {}), 409, "conflict")
        wait_for("closed audit out of /metrics", lambda: metric(
            d, "fleetkeep_audit_devices", 'audit="Cart 3 spring check",state="found"') is None)
        listed = d.get("/api/v1/audits?open=false").json()["items"]
        self.assertEqual([a["name"] for a in listed], ["Cart 3 spring check"])

    def test_cli_scans_from_stdin(self):
        d = self.daemon()
        for n in range(1, 4):
            self.device(d, "CC-%d" % n, "Birch / Room 9")
        r = self.cli(d, "--json", "audit", "start", "Room 9", "Birch / Room 9")
        audit_id = str(json.loads(r.stdout)["id"])
        r = self.cli(d, "audit", "scan", audit_id, stdin="CC-1\n\nCC-2\r\nCC-1\nWHO-KNOWS\n")
        lines = r.stdout.splitlines()
        self.assertEqual([line.split("\t")[:2] for line in lines],
                         [["CC-1", "found"], ["CC-2", "found"], ["CC-1", "repeat"], ["WHO-KNOWS", "unknown"]])
        r = self.cli(d, "audit", "show", audit_id)
        self.assertRegex(r.stdout, r"missing:\s+1\n")
        self.assertIn("CC-3", r.stdout)
        r = self.cli(d, "audit", "show", audit_id, "--csv")
        self.assertEqual(r.stdout.splitlines()[0].split(",")[0], "state")
        r = self.cli(d, "audit", "close", audit_id, "--missing-to", "lost")
        self.assertIn("marked lost 1", r.stdout)
        r = self.cli(d, "audit", "scan", audit_id, "CC-3", expect=1)
        self.assertIn("read-only", r.stderr)
        self.cli(d, "audit", "close", audit_id, "--missing-to", "stolen", expect=2)

    def test_five_thousand_devices_four_parallel_clients(self):
        rows = ["asset_tag,serial,kind,location,status"]
        for n in range(5000):
            rows.append("BIG-%05d,SNBIG%05d,chromebook,Cedar High / Library,in_stock" % (n, n))
        d = self.daemon()
        self.assertStatus(d.import_csv("\n".join(rows) + "\n"), 200)
        r = d.post("/api/v1/audits", {"name": "Cedar library", "location": "Cedar High"})
        self.assertStatus(r, 201)
        audit_id = r.json()["id"]
        self.assertEqual(r.json()["counts"]["expected"], 5000)

        # 5,000 scans, each device once, dealt round-robin to 4 clients; half by serial.
        codes = [("BIG-%05d" if n % 2 else "SNBIG%05d") % n for n in range(5000)]
        tallies = [dict() for _ in range(4)]
        errors = []

        def worker(i):
            s = Scanner(d, audit_id)
            try:
                for code in codes[i::4]:
                    result = s.scan(code)
                    tallies[i][result] = tallies[i].get(result, 0) + 1
            except Exception as e:  # reported below, with the others
                errors.append(e)
            finally:
                s.close()

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(sum(t.get("found", 0) for t in tallies), 5000)
        counts = d.get("/api/v1/audits/%d?lists=false" % audit_id).json()["counts"]
        self.assertEqual((counts["found"], counts["missing"], counts["misplaced"], counts["unknown"]), (5000, 0, 0, 0))

        # Four technicians on the same 200 devices at once: each counted once, the rest repeats.
        r = d.post("/api/v1/audits", {"name": "Cedar race", "location": "Cedar High"})
        race_id = r.json()["id"]
        race_codes = ["BIG-%05d" % n for n in range(200)]
        tallies = [dict() for _ in range(4)]

        def racer(i):
            s = Scanner(d, race_id)
            try:
                for code in race_codes:
                    result = s.scan(code)
                    tallies[i][result] = tallies[i].get(result, 0) + 1
            except Exception as e:
                errors.append(e)
            finally:
                s.close()

        threads = [threading.Thread(target=racer, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(sum(t.get("found", 0) for t in tallies), 200)
        self.assertEqual(sum(t.get("repeat", 0) for t in tallies), 600)
        self.assertEqual(d.get("/api/v1/audits/%d?lists=false" % race_id).json()["counts"]["found"], 200)


class CollectionsTest(DaemonTestCase):
    extra_config = "collections:\n  alert_below: 0.8\n"

    def person(self, ext, grade, location, homeroom, role="student"):
        r = self.d.post("/api/v1/people", {"external_id": ext, "name": "Person " + ext, "role": role,
                                           "grade": grade, "location": location, "homeroom": homeroom})
        self.assertStatus(r, 201)

    def lend(self, tag, who):
        self.d.create_device(asset_tag=tag, serial="SN-" + tag, kind="chromebook")
        self.assertStatus(self.d.post("/api/v1/checkouts", {"device": "tag:" + tag, "person": who, "due": day(60)}),
                          201)

    def test_collection_week(self):
        d = self.d
        school = "Elm Valley Middle School"
        self.person("S1", "08", school, "8A")
        self.person("S2", "8", school + " / Annex", "8B")
        self.person("S3", "7", school, "7A")
        self.person("S4", "8", "Oak High", "9C")
        for tag, who in [("EV-1", "S1"), ("EV-2", "S2"), ("EV-3", "S3"), ("EV-4", "S4"), ("EV-5", "S1")]:
            self.lend(tag, who)

        self.assertError(d.post("/api/v1/collections", {"name": "x", "deadline": "2027-02-30"}), 400, "invalid")
        self.assertError(d.post("/api/v1/collections", {"name": "x", "deadline": day(9), "roles": ["teacher"]}),
                         400, "invalid")
        self.assertEqual(d.post("/api/v1/collections", {"name": "x", "deadline": day(9), "grades": ["8", 7.5]})
                         .json()["error"]["details"]["field"], "grades[1]")
        r = d.post("/api/v1/collections", {"name": "June collection", "deadline": day(10), "location": school,
                                           "grades": ["8"]})
        self.assertStatus(r, 201)
        k = r.json()
        self.assertEqual((k["expected"], k["returned"], k["counts"]["outstanding"], k["alert_below"]), (3, 0, 3, 0.8))
        path = "/api/v1/collections/%d" % k["id"]

        # Returns through the ordinary calls count: one by device, one in a batch; a later loan counts too.
        self.assertStatus(d.post("/api/v1/devices/tag:EV-1/return", {"condition": "good"}), 200)
        self.assertStatus(d.post("/api/v1/checkouts:return-batch", {"items": [{"device": "tag:EV-2"},
                                                                             {"device": "tag:EV-3"}]}), 200)
        self.lend("EV-6", "S2")
        k = d.get(path).json()
        self.assertEqual((k["expected"], k["returned"], k["counts"]["outstanding"]), (4, 2, 2))
        outstanding = {o["device"]["asset_tag"]: o for o in k["outstanding"]}
        self.assertEqual(sorted(outstanding), ["EV-5", "EV-6"])
        self.assertEqual(outstanding["EV-5"]["holder"]["homeroom"], "8A")
        self.assertEqual(outstanding["EV-5"]["due"], day(60))
        self.assertIsNone(outstanding["EV-5"]["last_seen"])
        self.assertFalse(k["deadline_passed"])
        rows = list(csv.DictReader(io.StringIO(d.get(path + "?format=csv").text)))
        self.assertEqual(sorted(r["asset_tag"] for r in rows), ["EV-5", "EV-6"])

        wait_for("collection metrics", lambda: metric(d, "fleetkeep_collection_returned",
                                                      'collection="June collection"') == 2)
        self.assertEqual(metric(d, "fleetkeep_collection_outstanding", 'collection="June collection"'), 2)
        self.assertEqual(metric(d, "fleetkeep_collection_alert_below", 'collection="June collection"'), 0.8)

        # A campaign whose deadline has passed: its outstanding loans are overdue.
        r = d.post("/api/v1/collections", {"name": "Seventh grade sweep", "deadline": day(-1), "grades": ["7"]})
        self.assertStatus(r, 201)
        self.assertEqual(r.json()["counts"]["outstanding"], 0)  # S3 already returned
        self.lend("EV-7", "S3")
        overdue = d.get("/api/v1/checkouts?overdue=true").json()["items"]
        self.assertEqual([c["device"]["asset_tag"] for c in overdue], ["EV-7"])
        text = wait_for("overdue metric", lambda: re.search(r"^fleetkeep_checkouts_overdue 1$",
                                                           d.get("/metrics", token=None).text, re.M))
        self.assertTrue(text)
        self.assertTrue(d.get("/api/v1/collections/%d" % r.json()["id"]).json()["behind"])

        # Closing ends it: no longer overdue by its deadline, out of /metrics.
        self.assertStatus(d.post("/api/v1/collections/%d/close" % r.json()["id"], {}), 200)
        self.assertEqual(d.get("/api/v1/checkouts?overdue=true").json()["items"], [])

    def test_cli(self):
        self.person("C1", "8", "Birch", "8C")
        self.lend("CL-1", "C1")
        env = {k: v for k, v in os.environ.items() if not k.startswith("FLEETKEEP_")}
        env.update(FLEETKEEP_SERVER="http://127.0.0.1:%d" % self.d.port, FLEETKEEP_TOKEN=self.d.token)

        def run(*args, expect=0):
            r = subprocess.run([cli_path(), *args], capture_output=True, text=True, env=env, timeout=30)
            self.assertEqual(r.returncode, expect, r.stdout + r.stderr)
            return r

        r = run("collection", "create", "Birch June", "--deadline", day(5), "--location", "Birch", "--grade", "8")
        self.assertIn("1 loans outstanding", r.stdout)
        k = json.loads(run("--json", "collection", "list").stdout)["items"][0]
        r = run("collection", "show", str(k["id"]))
        self.assertIn("CL-1", r.stdout)
        self.assertIn("8C", r.stdout)
        r = run("collection", "create", "Bad", "--deadline", "soon", expect=1)
        self.assertIn("deadline", r.stderr)


if __name__ == "__main__":
    unittest.main()
