"""The device API: create/read/update, lifecycle, history, listing, auth and hostile input."""

import json
import socket
import unittest

from fleetkeepd import DaemonTestCase, SharedDaemonTestCase

DEVICE_FIELDS = {"id", "asset_tag", "serial", "kind", "manufacturer", "model", "purchase_date", "purchase_price",
                 "vendor", "po_number", "funding_source", "warranty_end", "aue_date", "location", "org_unit",
                 "macs", "loaner", "status", "holder", "repair_cost", "notes", "version", "created_at",
                 "updated_at", "seen"}
INSTANT = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"


class DeviceCrud(SharedDaemonTestCase):
    def test_create_then_read_by_id_tag_and_serial(self):
        r = self.d.post("/api/v1/devices", {
            "asset_tag": "CB-1001", "serial": "5CD1234ABC", "kind": "chromebook", "manufacturer": "HP",
            "model": "HP Chromebook 11 G9 EE", "purchase_date": "2024-08-01", "purchase_price": "289.00",
            "aue_date": "2028-06-01", "location": "Lincoln MS / Cart 3", "macs": ["AA-BB-CC-DD-EE-01"]})
        self.assertStatus(r, 201)
        created = r.json()
        self.assertTrue(DEVICE_FIELDS <= set(created), DEVICE_FIELDS - set(created))
        self.assertEqual(created["status"], "in_stock")
        self.assertEqual(created["purchase_price"], "289.00")
        self.assertEqual(created["macs"], ["aa:bb:cc:dd:ee:01"])
        self.assertIsNone(created["vendor"], "unset text fields are null")
        self.assertIsNone(created["warranty_end"])
        self.assertIs(created["loaner"], False)
        self.assertIsInstance(created["version"], int)
        self.assertRegex(created["created_at"], INSTANT)
        for ref in (str(created["id"]), "tag:CB-1001", "serial:5CD1234ABC"):
            got = self.d.get("/api/v1/devices/" + ref)
            self.assertStatus(got, 200, ref)
            self.assertEqual(got.json(), created, ref)

    def test_duplicate_serial_or_asset_tag_is_409(self):
        self.d.create_device(asset_tag="DUP-1", serial="DUPSERIAL1")
        r = self.d.post("/api/v1/devices", {"asset_tag": "DUP-2", "serial": "DUPSERIAL1"})
        self.assertError(r, 409, "conflict")
        r = self.d.post("/api/v1/devices", {"asset_tag": "DUP-1", "serial": "DUPSERIAL2"})
        self.assertError(r, 409, "conflict")
        self.assertEqual(len(self.d.all_devices("code=DUPSERIAL2")), 0)

    def test_validation_errors_name_the_field(self):
        cases = [
            ({"serial": "V-1", "kind": "spaceship"}, "kind"),
            ({"serial": "V-2", "purchase_date": "2027-02-30"}, "purchase_date"),
            ({"serial": "V-3", "purchase_price": "a lot"}, "purchase_price"),
            ({"serial": "V-4", "macs": ["not-a-mac"]}, "macs"),
            ({"serial": "V-5", "aue_date": "06/01/2028"}, "aue_date"),
            ({"serial": "V-6", "status": "vaporised"}, "status"),
        ]
        for body, field in cases:
            r = self.d.post("/api/v1/devices", body)
            self.assertError(r, 400, "invalid")
            details = r.json()["error"].get("details", {})
            named = {details.get("field")} | {e.get("field") for e in details.get("errors", [])}
            # A list element may be named with its index, e.g. "macs[0]".
            named |= {n.split("[")[0] for n in named if n}
            self.assertIn(field, named, "%r -> %r" % (body, r))
        r = self.d.post("/api/v1/devices", {"kind": "laptop"})
        self.assertError(r, 400, "invalid")  # neither serial nor asset tag

    def test_patch_needs_the_current_version(self):
        dev = self.d.create_device(asset_tag="P-1", serial="PATCH-1", location="Room 1")
        path = "/api/v1/devices/%d" % dev["id"]
        r = self.d.patch(path, {"location": "Room 2", "version": dev["version"]})
        self.assertStatus(r, 200)
        updated = r.json()
        self.assertEqual(updated["location"], "Room 2")
        self.assertGreater(updated["version"], dev["version"])

        stale = self.d.patch(path, {"location": "Room 3", "version": dev["version"]})
        self.assertError(stale, 409, "conflict")
        self.assertEqual(stale.json()["error"]["details"]["current_version"], updated["version"])
        self.assertEqual(self.d.get(path).json()["location"], "Room 2", "a stale PATCH must change nothing")

        r = self.d.patch(path, {"location": "Room 4"})
        self.assertError(r, 400, "invalid")
        self.assertEqual(r.json()["error"]["details"].get("field"), "version")
        r = self.d.patch(path, {"status": "retired", "version": updated["version"]})
        self.assertError(r, 400, "invalid")
        self.assertEqual(r.json()["error"]["details"].get("field"), "status")
        r = self.d.patch(path, {"notes": "", "vendor": "CDW", "version": updated["version"]})
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["vendor"], "CDW")

    def test_transitions_follow_the_lifecycle(self):
        dev = self.d.create_device(serial="LIFE-1", status="on_order")
        path = "/api/v1/devices/%d/transitions" % dev["id"]
        self.assertEqual(dev["status"], "on_order")
        r = self.d.post(path, {"to": "deployed"})
        self.assertError(r, 409, "conflict")
        details = r.json()["error"]["details"]
        self.assertEqual(details["from"], "on_order")
        self.assertEqual(details["to"], "deployed")
        self.assertEqual(details["allowed"], ["in_stock"])
        for to in ("in_stock", "deployed", "lost", "in_stock", "retired", "disposed"):
            r = self.d.post(path, {"to": to, "reason": "step to " + to})
            self.assertStatus(r, 200, to)
            self.assertEqual(r.json()["status"], to)
        r = self.d.post(path, {"to": "in_stock"})
        self.assertError(r, 409, "conflict")
        self.assertEqual(r.json()["error"]["details"]["allowed"], [], "disposed is final")
        r = self.d.post(path, {"to": "teleported"})
        self.assertError(r, 400, "invalid")

    def test_refused_move_lists_every_allowed_move(self):
        dev = self.d.create_device(serial="LIFE-2")
        path = "/api/v1/devices/%d/transitions" % dev["id"]
        self.assertStatus(self.d.post(path, {"to": "deployed"}), 200)
        r = self.d.post(path, {"to": "disposed"})
        self.assertError(r, 409, "conflict")
        self.assertEqual(sorted(r.json()["error"]["details"]["allowed"]),
                         ["in_repair", "in_stock", "lost", "stolen"])
        self.assertIn("in_repair", r.json()["error"]["message"])

    def test_events_are_oldest_first_with_actor(self):
        dev = self.d.create_device(serial="HIST-1", location="Library")
        ref = "/api/v1/devices/serial:HIST-1"
        self.assertStatus(self.d.patch(ref, {"location": "Gym", "version": dev["version"]}), 200)
        self.assertStatus(self.d.post(ref + "/transitions", {"to": "deployed", "reason": "issued to class"}), 200)
        r = self.d.get(ref + "/events")
        self.assertStatus(r, 200)
        events = r.json()["items"]
        self.assertEqual(len(events), 3, events)
        self.assertEqual(events[0]["action"], "created")
        self.assertEqual(events[1]["action"], "updated")
        self.assertIn({"field": "location", "old": "Library", "new": "Gym"}, events[1]["changes"])
        self.assertIn({"field": "status", "old": "in_stock", "new": "deployed"}, events[2]["changes"])
        self.assertEqual(events[2]["reason"], "issued to class")
        self.assertEqual({e["actor"] for e in events}, {"token:admin"})
        self.assertEqual([e["id"] for e in events], sorted(e["id"] for e in events))
        self.assertEqual([e["at"] for e in events], sorted(e["at"] for e in events))
        for e in events:
            self.assertRegex(e["at"], INSTANT)

    def test_unknown_devices_routes_and_methods(self):
        self.assertError(self.d.get("/api/v1/devices/999999"), 404, "not_found")
        self.assertError(self.d.get("/api/v1/devices/tag:NOPE-404"), 404, "not_found")
        self.assertError(self.d.get("/api/v1/devices/serial:NOPE-404/events"), 404, "not_found")
        self.assertError(self.d.post("/api/v1/devices/999999/transitions", {"to": "deployed"}), 404, "not_found")
        self.assertError(self.d.get("/api/v1/no-such-thing"), 404, "not_found")
        r = self.d.request("PUT", "/api/v1/devices", {"serial": "X"})
        self.assertError(r, 405, r.error_code() or "?")
        r = self.d.get("/api/v1/devices/bogus:ref")
        self.assertIn(r.status, (400, 404), r)


class Listing(SharedDaemonTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        rows = [("L-1", "LS-1", "chromebook", "Model A", "North", "in_stock"),
                ("L-2", "LS-2", "chromebook", "Model A", "South", "deployed"),
                ("L-3", "LS-3", "laptop", "Model B", "North", "deployed"),
                ("L-4", "LS-4", "tablet", "Model C", "South", "in_stock"),
                ("L-5", "LS-5", "laptop", "Model B", "North", "in_stock")]
        for tag, serial, kind, model, location, status in rows:
            cls.shared.create_device(asset_tag=tag, serial=serial, kind=kind, model=model, location=location,
                                     notes="listing fixture " + tag, loaner=tag in ("L-1", "L-2"))
            if status == "deployed":
                r = cls.shared.post("/api/v1/devices/tag:%s/transitions" % tag, {"to": "deployed"})
                assert r.status == 200, r

    def tags(self, query):
        return sorted(d["asset_tag"] for d in self.d.all_devices(query) if (d["asset_tag"] or "").startswith("L-"))

    def test_filters(self):
        self.assertEqual(self.tags("status=deployed"), ["L-2", "L-3"])
        self.assertEqual(self.tags("kind=laptop"), ["L-3", "L-5"])
        self.assertEqual(self.tags("model=Model%20A"), ["L-1", "L-2"])
        self.assertEqual(self.tags("location=North&status=in_stock"), ["L-1", "L-5"])
        self.assertEqual(self.tags("code=LS-4"), ["L-4"])
        self.assertEqual(self.tags("code=L-4"), ["L-4"])
        self.assertEqual(self.tags("q=FIXTURE%20L-3"), ["L-3"], "q is a case-insensitive substring")
        self.assertEqual(self.tags("loaner=true"), ["L-1", "L-2"])
        self.assertEqual(self.tags("loaner=true&status=in_stock"), ["L-1"], "the loaners free to lend")
        self.assertEqual(self.tags("loaner=false"), ["L-3", "L-4", "L-5"])

    def test_bad_filter_values_are_400(self):
        self.assertError(self.d.get("/api/v1/devices?status=flying"), 400, "invalid")
        r = self.d.get("/api/v1/devices?loaner=maybe")
        self.assertError(r, 400, "invalid")
        self.assertEqual(r.json()["error"]["details"]["field"], "loaner")
        self.assertError(self.d.get("/api/v1/devices?limit=abc"), 400, "invalid")
        self.assertError(self.d.get("/api/v1/devices?cursor=%00garbage"), 400, "invalid")

    def test_cursor_paging_has_no_skips_or_repeats_while_rows_are_added(self):
        for i in range(7):
            self.d.create_device(serial="PG-%d" % i, kind="desktop")
        before = {d["id"] for d in self.d.all_devices("kind=desktop")}
        seen, cursor, pages = [], None, 0
        while True:
            path = "/api/v1/devices?kind=desktop&limit=2" + ("&cursor=" + cursor if cursor else "")
            page = self.d.get(path).json()
            self.assertLessEqual(len(page["items"]), 2)
            seen += [d["id"] for d in page["items"]]
            if pages == 0:  # rows added mid-listing land after the cursor, never shift it
                for i in range(3):
                    self.d.create_device(serial="PG-late-%d" % i, kind="desktop")
            pages += 1
            cursor = page["next_cursor"]
            if not cursor:
                break
            self.assertLess(pages, 20, "paging does not end")
        self.assertEqual(len(seen), len(set(seen)), "a row came twice")
        self.assertEqual(seen, sorted(seen), "keyset order is id ascending")
        self.assertTrue(before <= set(seen), "rows skipped: %r" % (before - set(seen)))
        self.assertEqual(len(seen), len(before) + 3)


class AuthAndRoles(SharedDaemonTestCase):
    def test_missing_or_bad_token_is_401(self):
        self.assertError(self.d.get("/api/v1/devices", token=None), 401, "unauthorized")
        self.assertError(self.d.get("/api/v1/devices", token="fk_1_" + "0" * 64), 401, "unauthorized")
        self.assertError(self.d.get("/api/v1/devices", token="garbage"), 401, "unauthorized")
        r = self.d.get("/api/v1/devices", token=None, headers={"Authorization": "Basic YWRtaW46YWRtaW4="})
        self.assertError(r, 401, "unauthorized")

    def test_roles(self):
        viewer = self.d.create_token("role-viewer", "viewer")
        tech = self.d.create_token("role-tech", "technician")
        self.assertStatus(self.d.get("/api/v1/devices", token=viewer), 200)
        self.assertError(self.d.post("/api/v1/devices", {"serial": "R-V"}, token=viewer), 403, "forbidden")
        r = self.d.post("/api/v1/devices", {"serial": "R-T"}, token=tech)
        self.assertStatus(r, 201)
        events = self.d.get("/api/v1/devices/serial:R-T/events", token=viewer).json()["items"]
        self.assertEqual(events[0]["actor"], "token:role-tech")
        model = {"kind": "laptop", "unit_cost": "650.00", "life_years": 4, "aue_date": None}
        self.assertError(self.d.put("/api/v1/models/Role%20Model", model, token=tech), 403, "forbidden")
        self.assertIn(self.d.put("/api/v1/models/Role%20Model", model).status, (200, 201))
        self.assertEqual(self.d.get("/api/v1/models/Role%20Model", token=viewer).json()["unit_cost"], "650.00")


class HostileInput(SharedDaemonTestCase):
    extra_config = "limits:\n  json_body_bytes: 4KiB\n"

    def assertClientError(self, r, what):
        self.assertTrue(400 <= r.status < 500, "%s: expected 4xx, got %r" % (what, r))
        self.assertIsNotNone(r.error_code(), "%s: no JSON error body: %r" % (what, r))

    def test_json_over_the_limit_is_413(self):
        body = json.dumps({"serial": "BIG-1", "notes": "x" * 16384})
        r = self.d.post("/api/v1/devices", body, content_type="application/json")
        self.assertError(r, 413, "payload_too_large")
        self.assertError(self.d.get("/api/v1/devices/serial:BIG-1"), 404, "not_found")
        self.assertStatus(self.d.get("/healthz", token=None), 200)

    def test_non_json_content_type_is_415(self):
        for ctype in ("text/plain", "application/x-www-form-urlencoded", "text/csv"):
            r = self.d.post("/api/v1/devices", '{"serial": "CT-1"}', content_type=ctype)
            self.assertError(r, 415, "unsupported_media_type")
        r = self.d.post("/api/v1/devices", '{"serial": "CT-2"}', content_type="application/json; charset=utf-8")
        self.assertStatus(r, 201)

    def test_malformed_bodies_never_give_500(self):
        dev = self.d.create_device(serial="HOST-1")
        path = "/api/v1/devices/%d" % dev["id"]
        bodies = [
            b"{", b"", b"null", b"[]", b"42", b'"serial"', b"{\"serial\": }",
            b'{"serial": 123}', b'{"serial": ["a"]}', b'{"serial": "H-2", "loaner": "yes"}',
            b'{"serial": "H-3", "macs": "aa:bb:cc:dd:ee:ff"}', b'{"serial": "H-4", "purchase_price": 1e400}',
            b'{"serial": "H-5", "purchase_price": 99999999999999999999999999}',
            b'{"serial": "H-6", "purchase_price": "99999999999999999999999.00"}',
            b'{"serial": "H-7", "kind": {"nested": true}}', b'{"serial": "\xff\xfe invalid utf8"}',
            b"[" * 2000 + b"]" * 2000, b'{"a":' * 600 + b"1" + b"}" * 600,
            bytes(range(256)), b"\x00\x00\x00\x00",
        ]
        for body in bodies:
            with self.subTest(post=body[:60]):
                r = self.d.post("/api/v1/devices", body, content_type="application/json")
                self.assertClientError(r, "POST %r" % body[:40])
        # Duplicate names are legal JSON (RFC 8259 only says SHOULD be unique): accepted or refused, never a crash.
        r = self.d.post("/api/v1/devices", b'{"serial": "H-8", "serial": "H-9"}', content_type="application/json")
        self.assertLess(r.status, 500, r)
        patches = [b"{", b'{"version": "1"}', b'{"version": 1.5}', b'{"version": 99999999999999999999999}',
                   b'{"version": -1, "location": 5}', b'{"version": null}', b"[" * 4000]
        for body in patches:
            with self.subTest(patch=body[:60]):
                r = self.d.patch(path, body, content_type="application/json")
                self.assertIn(r.status, (400, 409, 413), "PATCH %r: %r" % (body[:40], r))
        for body in (b'{"to": 5}', b'{"to": null}', b"{}", b'{"to": "deployed", "reason": 7}', b"\x00"):
            with self.subTest(transition=body[:60]):
                r = self.d.post(path + "/transitions", body, content_type="application/json")
                self.assertClientError(r, "transition %r" % body[:40])
        self.assertTrue(self.d.alive())
        self.assertStatus(self.d.get("/healthz", token=None), 200)
        self.assertEqual(self.d.get(path).json()["version"], dev["version"], "no bad body changed the device")

    def test_garbage_requests_do_not_kill_the_daemon(self):
        for raw in (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64,  # a TLS hello
                    b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
                    b"POST /api/v1/devices HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999999\r\n\r\n{",
                    b"NONSENSE\r\n\r\n"):
            with socket.create_connection(("127.0.0.1", self.d.port), timeout=5) as s:
                s.sendall(raw)
                s.shutdown(socket.SHUT_WR)  # EOF, so a server waiting for the promised body gives up
                try:
                    data = s.recv(1024)
                except (ConnectionResetError, socket.timeout):
                    data = b""
                self.assertFalse(data.startswith(b"HTTP/1.1 5"), data[:100])
        self.assertTrue(self.d.alive())
        self.assertStatus(self.d.get("/healthz", token=None), 200)


if __name__ == "__main__":
    unittest.main()
