"""The oneroster source against the real daemon: a OneRoster bundle (zip and folder) creates people; a
student withdrawn in the next bundle becomes inactive, their devices fall due and the metric counts
them; a damaged zip or a bundle without users.csv fails the poll and changes nothing."""

import datetime
import io
import os
import re
import shutil
import tempfile
import unittest
import zipfile

from fleetkeepd import DaemonTestCase, wait_until as wait_for

MANIFEST = ("propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\nfile.users,bulk\n"
            "file.orgs,bulk\nfile.enrollments,absent\nfile.demographics,absent\n"
            "source.systemName,Example SIS\n")
ORGS = ("sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n"
        "org-d,,,Elm Valley District,district,D1,\n"
        "org-ms,,,Elm Valley Middle School,school,0412,org-d\n")
USERS_HEADER = ("sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,"
                "familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password\n")
USERS = {
    "stu-1": 'stu-1,,,true,"org-d,org-ms",student,ava,,Ava,Sanchez,,S1,ava@s.example.org,,,par-1,08,\n',
    "stu-2": "stu-2,,,true,org-ms,student,ben,,Ben,Okafor,,S2,ben@s.example.org,,,,07,\n",
    "tch-1": "tch-1,,,true,org-ms,teacher,tam,,Tam,Ng,,T1,tam@example.org,,,,,\n",
    "par-1": "par-1,,,true,,parent,pat,,Pat,Sanchez,,,pat@example.com,,,stu-1,,\n",
}


def users_csv(ids):
    return USERS_HEADER + "".join(USERS[i] for i in ids)


def zip_bytes(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr("export/" + name, text)
    return buf.getvalue()


def metric(d, name):
    m = re.search("^" + re.escape(name) + r" (\S+)$", d.get("/metrics", token=None).text, re.M)
    return float(m.group(1)) if m else None


class OneRosterSource(DaemonTestCase):
    autostart = False

    def setUp(self):
        super().setUp()
        self.work = tempfile.mkdtemp(prefix="fk-oneroster-")
        self.addCleanup(shutil.rmtree, self.work, True)

    def write(self, name, data):
        """Replaces a file whole (write, then rename), as an SIS export job should."""
        path = os.path.join(self.work, name)
        with open(path + ".tmp", "wb") as f:
            f.write(data)
        os.replace(path + ".tmp", path)

    def daemon(self, path, extra=""):
        return self.start_daemon("roster:\n  return_within: 10d\n"
                                 "sources:\n  - {name: sis, plugin: oneroster, interval: 1h, path: %s}\n%s"
                                 % (path, extra), workdir=self.work)

    def source(self, d):
        return d.get("/api/v1/sources/sis").json()

    def poll(self, d):
        """Polls now and waits for that poll to finish; returns the source's status after it."""
        before = self.source(d)["polls"]
        self.assertStatus(d.post("/api/v1/sources/sis/poll"), 202)
        return wait_for("the poll", lambda: (lambda s: s if s["polls"] > before and not s["running"] else None)(
            self.source(d)))

    def person(self, d, pid):
        r = d.get("/api/v1/people/" + pid)
        self.assertStatus(r, 200)
        return r.json()

    def people_snapshot(self, d):
        return sorted((p["external_id"], p["active"], p["name"])
                      for p in d.get("/api/v1/people?limit=1000").json()["items"])

    def test_zip_bundle_creates_people_and_a_withdrawal_makes_them_inactive(self):
        bundle = {"manifest.csv": MANIFEST, "orgs.csv": ORGS, "users.csv": users_csv(USERS)}
        self.write("roster.zip", zip_bytes(bundle))
        d = self.daemon("roster.zip")
        wait_for("the first poll", lambda: self.source(d)["last_result"] == "ok")
        s = self.source(d)
        self.assertEqual(s["people"]["created"], 3, s)
        ava = self.person(d, "stu-1")
        self.assertEqual((ava["name"], ava["role"], ava["grade"], ava["location"], ava["household"], ava["active"]),
                         ("Ava Sanchez", "student", "08", "Elm Valley Middle School", "par-1", True))
        self.assertEqual(self.person(d, "tch-1")["role"], "staff")
        self.assertEqual(d.get("/api/v1/people/par-1").status, 404, "guardians are not borrowers")

        # Ben borrows two Chromebooks for the year.
        due = (datetime.date.today() + datetime.timedelta(days=200)).isoformat()
        for tag in ("OR-1", "OR-2"):
            self.assertStatus(d.post("/api/v1/devices", {"asset_tag": tag, "serial": "S" + tag,
                                                         "kind": "chromebook"}), 201)
            self.assertStatus(d.post("/api/v1/checkouts", {"device": "tag:" + tag, "person": "stu-2",
                                                           "due": due}), 201)
        wait_for("metric at 0", lambda: metric(d, "fleetkeep_people_inactive_holding_devices") == 0)

        # The next export no longer has Ben: he left.
        bundle["users.csv"] = users_csv(["stu-1", "tch-1", "par-1"])
        self.write("roster.zip", zip_bytes(bundle))
        s = self.poll(d)
        self.assertEqual(s["last_result"], "ok", s)
        self.assertEqual((s["people"]["left"], s["people"]["return_dates"]), (1, 2), s)
        self.assertFalse(self.person(d, "stu-2")["active"])
        self.assertTrue(self.person(d, "stu-1")["active"])
        back_by = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
        loans = d.get("/api/v1/checkouts?open=true&person=stu-2").json()["items"]
        self.assertEqual(sorted(l["due"] for l in loans), [back_by, back_by])
        wait_for("metric at 1", lambda: metric(d, "fleetkeep_people_inactive_holding_devices") == 1)
        history = d.get("/api/v1/people/stu-2/events").json()["items"]
        self.assertEqual([e["action"] for e in history], ["create", "left", "return_due", "return_due"])
        self.assertEqual({e["actor"] for e in history}, {"source:sis"})
        self.assertEqual(history[1]["changes"], [{"field": "active", "old": True, "new": False}])
        self.assertEqual(history[2]["changes"][0]["new"], back_by)

        # A damaged zip and a bundle without users.csv fail the poll and change nothing.
        before = self.people_snapshot(d)
        good = zip_bytes(bundle)
        self.write("roster.zip", good[: len(good) // 2])
        s = self.poll(d)
        self.assertEqual(s["last_result"], "failed", s)
        self.assertIn("roster.zip", s["last_error"])
        del bundle["users.csv"]
        self.write("roster.zip", zip_bytes(bundle))
        s = self.poll(d)
        self.assertEqual(s["last_result"], "failed", s)
        self.assertIn("users.csv is missing", s["last_error"])
        self.assertEqual(self.people_snapshot(d), before)

        # Re-enrolled: active again, and no longer counted.
        bundle["users.csv"] = users_csv(USERS)
        self.write("roster.zip", zip_bytes(bundle))
        s = self.poll(d)
        self.assertEqual((s["last_result"], s["people"]["returned"]), ("ok", 1), s)
        self.assertTrue(self.person(d, "stu-2")["active"])
        wait_for("metric back at 0", lambda: metric(d, "fleetkeep_people_inactive_holding_devices") == 0)

    def test_folder_bundle_with_leavers_marked_in_the_file(self):
        folder = os.path.join(self.work, "sis-export")
        os.mkdir(folder)
        for name, text in {"manifest.csv": MANIFEST, "orgs.csv": ORGS, "users.csv": users_csv(USERS)}.items():
            with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
                f.write(text)
        d = self.daemon("sis-export")
        wait_for("the first poll", lambda: self.source(d)["last_result"] == "ok")
        self.assertTrue(self.person(d, "stu-2")["active"])
        with open(os.path.join(folder, "users.csv"), "w", encoding="utf-8") as f:
            f.write(users_csv(USERS).replace("stu-2,,,true", "stu-2,tobedeleted,,true")
                    .replace("tch-1,,,true", "tch-1,,,FALSE"))
        s = self.poll(d)
        self.assertEqual((s["last_result"], s["people"]["left"]), ("ok", 2), s)
        self.assertFalse(self.person(d, "stu-2")["active"])
        self.assertFalse(self.person(d, "tch-1")["active"])
        self.assertEqual(d.get("/api/v1/people?active=false").json()["items"].__len__(), 2)


if __name__ == "__main__":
    unittest.main()
