"""CSV import and export: both column sets, CSV edge cases, all-or-none, idempotent re-import."""

import csv
import io
import unittest

from fleetkeepd import import_counts, DaemonTestCase, SharedDaemonTestCase

EXPORT_HEADER = ["id", "asset_tag", "serial", "kind", "manufacturer", "model", "purchase_date", "purchase_price",
                 "vendor", "po_number", "funding_source", "warranty_end", "aue_date", "location", "org_unit",
                 "macs", "loaner", "status", "notes", "version", "created_at", "updated_at", "name",
                 "model_number", "replacement_date"]

OWN = ("asset_tag,serial,kind,manufacturer,model,purchase_date,purchase_price,location,macs\n"
       "IM-1,IMS-1,chromebook,HP,HP Chromebook 11 G9 EE,2024-08-01,289.00,North,AA:BB:CC:00:00:01\n"
       "IM-2,IMS-2,laptop,Dell,Latitude 3140,2023-07-15,650,South,\n"
       "IM-3,IMS-3,tablet,Apple,iPad 9,2022-01-10,,North,\n")


class Import(SharedDaemonTestCase):
    def device(self, ref):
        r = self.d.get("/api/v1/devices/" + ref)
        self.assertStatus(r, 200, ref)
        return r.json()

    def test_own_format_creates_devices(self):
        r = self.d.import_csv(OWN)
        self.assertStatus(r, 200)
        self.assertEqual(import_counts(r.json()), {"created": 3, "updated": 0, "unchanged": 0})
        d1 = self.device("tag:IM-1")
        self.assertEqual((d1["serial"], d1["kind"], d1["model"], d1["purchase_price"], d1["macs"]),
                         ("IMS-1", "chromebook", "HP Chromebook 11 G9 EE", "289.00", ["aa:bb:cc:00:00:01"]))
        self.assertEqual(self.device("serial:IMS-2")["purchase_price"], "650.00")
        self.assertIsNone(self.device("serial:IMS-3")["purchase_price"])
        events = self.d.get("/api/v1/devices/tag:IM-1/events").json()["items"]
        self.assertEqual(events[0]["actor"], "token:admin")

        # Re-import with one change: an update, not a duplicate.
        again = OWN.replace("2023-07-15,650,South", "2023-07-15,650,West")
        r = self.d.import_csv(again)
        self.assertStatus(r, 200)
        self.assertEqual(import_counts(r.json()), {"created": 0, "updated": 1, "unchanged": 2})
        self.assertEqual(len(self.d.all_devices("q=IMS-")), 3)
        self.assertEqual(self.device("tag:IM-2")["location"], "West")
        changes = self.d.get("/api/v1/devices/tag:IM-2/events").json()["items"][-1]["changes"]
        self.assertEqual(changes, [{"field": "location", "old": "South", "new": "West"}])

    def test_snipe_it_export_columns(self):
        text = ("Asset Tag,Serial,Model,Manufacturer,Category,Purchase Date,Purchase Cost,Supplier,"
                "Order Number,Location,Notes,Warranty months\n"
                "SN-1,SNS-1,Chromebook 314,Acer,Chromebooks,2024-08-01,\"1,234.50\",CDW,PO-77,East HS,"
                "from snipe,36\n")
        r = self.d.import_csv(text)
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["created"], 1)
        d = self.device("tag:SN-1")
        self.assertEqual((d["serial"], d["model"], d["manufacturer"], d["kind"]),
                         ("SNS-1", "Chromebook 314", "Acer", "chromebook"))
        self.assertEqual((d["purchase_date"], d["purchase_price"], d["vendor"], d["po_number"]),
                         ("2024-08-01", "1234.50", "CDW", "PO-77"))
        self.assertEqual((d["location"], d["notes"]), ("East HS", "from snipe"))
        self.assertEqual(d["warranty_end"], "2027-08-01", "purchase date + 36 months")

    def test_bom_quoted_commas_and_newlines(self):
        text = ("\ufeffasset_tag,serial,location,notes\r\n"
                "Q-1,QS-1,\"Room 12, Building A\",\"first line\nsecond line\"\r\n"
                "Q-2,QS-2,\"Say \"\"hi\"\"\",plain\r\n")
        r = self.d.import_csv(text.encode("utf-8"))
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["created"], 2)
        q1 = self.device("tag:Q-1")
        self.assertEqual(q1["location"], "Room 12, Building A")
        self.assertEqual(q1["notes"], "first line\nsecond line")
        self.assertEqual(self.device("tag:Q-2")["location"], 'Say "hi"')

    def test_all_or_none_with_line_numbers(self):
        text = ("asset_tag,serial,kind,purchase_date,notes\n"   # line 1
                "AN-1,ANS-1,laptop,2024-01-01,\"two\nlines\"\n"  # lines 2-3
                "AN-2,ANS-2,spaceship,2024-01-01,\n"            # line 4: bad kind
                "AN-3,ANS-3,laptop,2024-02-30,\n"               # line 5: bad date
                "AN-4,ANS-4,laptop,2024-03-01,\n")              # line 6: fine
        r = self.d.import_csv(text)
        self.assertError(r, 400, "invalid")
        errors = r.json()["error"]["details"]["errors"]
        found = {(e["line"], e["field"]) for e in errors}
        self.assertIn((4, "kind"), found, errors)
        self.assertIn((5, "purchase_date"), found, errors)
        self.assertEqual({line for line, _ in found}, {4, 5}, errors)
        for e in errors:
            self.assertTrue(e["message"])
        self.assertEqual(self.d.all_devices("q=ANS-"), [], "nothing may be imported when a row is bad")

    def test_problem_after_thousands_of_rows_refuses_the_whole_file(self):
        # Rows are written while later ones are still being read: the refusal must undo all of them.
        rows = ["LT-%d,LTS-%d,chromebook,North" % (i, i) for i in range(3000)]
        rows.append("LT-bad,LTS-bad,chromebook,North,extra")     # line 3002: a cell too many
        rows.append("LT-7,LTS-new,laptop,South")                  # line 3003: tag of line 9
        text = "asset_tag,serial,kind,location\n" + "\n".join(rows) + "\n"
        r = self.d.import_csv(text)
        self.assertError(r, 400, "invalid")
        details = r.json()["error"]["details"]
        self.assertEqual([(e["line"], e["field"]) for e in details["errors"]], [(3002, ""), (3003, "asset_tag")])
        self.assertEqual(details["error_count"], 2)
        self.assertEqual(self.d.all_devices("q=LTS-"), [], "nothing may be imported when a row is bad")

        r = self.d.import_csv(text.replace("LT-bad,LTS-bad,chromebook,North,extra\n", "")
                              .replace("LT-7,LTS-new,laptop,South", "LT-3000,LTS-3000,laptop,South"))
        self.assertStatus(r, 200)
        self.assertEqual(import_counts(r.json()), {"created": 3001, "updated": 0, "unchanged": 0})
        self.assertEqual(self.device("serial:LTS-2999")["location"], "North")

    def test_duplicate_serial_inside_one_file_is_refused(self):
        text = "asset_tag,serial\nDD-1,DDS-1\nDD-2,DDS-1\n"
        r = self.d.import_csv(text)
        self.assertError(r, 400, "invalid")
        self.assertIn(3, [e["line"] for e in r.json()["error"]["details"]["errors"]])
        self.assertEqual(self.d.all_devices("q=DDS-"), [])

    def test_unknown_column_is_ignored_and_listed_or_refused_when_strict(self):
        r = self.d.post("/api/v1/devices:import?strict=true", "asset_tag,serial,colour\nUC-1,UCS-1,red\n",
                        content_type="text/csv")
        self.assertError(r, 400, "invalid")
        self.assertIn("colour", r.text)
        self.assertEqual(self.d.all_devices("q=UCS-"), [])
        r = self.d.import_csv("asset_tag,serial,colour\nUC-1,UCS-1,red\n")
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["ignored_columns"], ["colour"])
        self.assertEqual(r.json()["created"], 1)

    def test_wrong_content_type_is_415(self):
        r = self.d.post("/api/v1/devices:import", "asset_tag\nCT-1\n", content_type="application/json")
        self.assertError(r, 415, "unsupported_media_type")


class ExportRoundTrip(DaemonTestCase):
    def test_export_then_import_changes_nothing(self):
        self.d.create_device(asset_tag="RT-1", serial="RTS-1", kind="chromebook", model="M \"quoted\"",
                             location="Cart 3, Room 2", notes="line one\nline two", purchase_price="54.5",
                             macs=["aa:bb:cc:dd:ee:02", "AA-BB-CC-DD-EE-01"], loaner=True,
                             purchase_date="2024-08-01", aue_date="2029-06-01")
        self.d.create_device(asset_tag="RT-2", kind="laptop")
        self.d.create_device(serial="RTS-3", kind="tablet", status="on_order")
        r = self.d.get("/api/v1/devices:export")
        self.assertStatus(r, 200)
        self.assertTrue(r.headers.get("content-type", "").startswith("text/csv"), r.headers)
        first = r.text
        rows = list(csv.reader(io.StringIO(first, newline="")))
        self.assertEqual(rows[0], EXPORT_HEADER)
        self.assertEqual(len(rows), 4)
        by_tag = {row[1]: dict(zip(rows[0], row)) for row in rows[1:]}
        self.assertEqual(by_tag["RT-1"]["notes"], "line one\nline two")
        self.assertEqual(by_tag["RT-1"]["purchase_price"], "54.50")

        r = self.d.import_csv(first)
        self.assertStatus(r, 200)
        self.assertEqual(import_counts(r.json()), {"created": 0, "updated": 0, "unchanged": 3})
        self.assertEqual(self.d.get("/api/v1/devices:export").text, first)
        self.assertEqual(len(self.d.get("/api/v1/devices/tag:RT-1/events").json()["items"]), 1)

    def test_viewer_may_export_but_not_import(self):
        viewer = self.d.create_token("exp-viewer", "viewer")
        self.assertStatus(self.d.get("/api/v1/devices:export", token=viewer), 200)
        r = self.d.import_csv("asset_tag\nV-1\n", token=viewer)
        self.assertError(r, 403, "forbidden")


class ImportLimits(DaemonTestCase):
    extra_config = "limits:\n  import_body_bytes: 2KiB\n"

    def test_import_over_the_limit_is_413_and_imports_nothing(self):
        text = "asset_tag,serial\n" + "".join("BIG-%d,BIGS-%d\n" % (i, i) for i in range(400))
        self.assertGreater(len(text), 2048)
        r = self.d.import_csv(text)
        self.assertError(r, 413, "payload_too_large")
        self.assertEqual(self.d.all_devices(), [])
        small = self.d.import_csv("asset_tag,serial\nOK-1,OKS-1\n")
        self.assertStatus(small, 200)


class SeedInventory(DaemonTestCase):
    seed_csv = "asset_tag,serial,kind,location\nSEED-1,SEEDS-1,chromebook,North\nSEED-2,SEEDS-2,laptop,South\n"

    def test_seed_is_imported_on_first_start_by_system_only_once(self):
        tags = sorted(d["asset_tag"] for d in self.d.all_devices())
        self.assertEqual(tags, ["SEED-1", "SEED-2"])
        events = self.d.get("/api/v1/devices/tag:SEED-1/events").json()["items"]
        self.assertEqual(events[0]["actor"], "system")
        dev = self.d.get("/api/v1/devices/tag:SEED-1").json()
        self.assertStatus(self.d.patch("/api/v1/devices/tag:SEED-1", {"location": "Moved",
                                                                       "version": dev["version"]}), 200)
        self.d.restart()
        self.assertEqual(len(self.d.all_devices()), 2)
        self.assertEqual(self.d.get("/api/v1/devices/tag:SEED-1").json()["location"], "Moved",
                         "the seed applies only to an empty registry")


if __name__ == "__main__":
    unittest.main()
