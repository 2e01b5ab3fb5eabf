"""Getting the district's data in: CSV files as people have them and Snipe-IT's columns as Snipe-IT means
them (statuses, warranty, EOL dates, checkouts to people and places), through the real daemon."""

import datetime
import os
import unittest

from fleetkeepd import SharedDaemonTestCase, DaemonTestCase

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data_in")


def fixture(name):
    with open(os.path.join(DATA, name), "rb") as f:
        return f.read()


class CsvAsPeopleHaveIt(SharedDaemonTestCase):
    def post(self, body, query=""):
        return self.d.post("/api/v1/devices:import" + query, body, content_type="text/csv")

    def device(self, ref):
        r = self.d.get("/api/v1/devices/" + ref)
        self.assertStatus(r, 200, ref)
        return r.json()

    def test_bom_and_semicolons(self):
        r = self.post(fixture("bom_semicolon.csv"))
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["created"], 2)
        self.assertEqual(self.device("tag:DI-BOM-1")["location"], "Room 4; east")

    def test_cr_only_line_ends_and_tabs(self):
        r = self.post(fixture("cr_only_tab.csv"))
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["created"], 2)
        self.assertEqual(self.device("tag:DI-CR-1")["notes"], "two\rlines")

    def test_windows_1252_needs_the_encoding(self):
        body = fixture("windows1252.csv")
        r = self.post(body)
        self.assertError(r, 400, "invalid")
        error = r.json()["error"]["details"]["errors"][0]
        self.assertEqual(error["line"], 2)
        self.assertIn("column", error["message"])
        self.assertEqual(self.d.all_devices("q=DIW-"), [])
        r = self.post(body, "?encoding=windows-1252")
        self.assertStatus(r, 200)
        d = self.device("tag:DI-W-1")
        self.assertEqual(d["location"], "B\u00e2timent Nord")
        self.assertEqual(d["notes"], "\u201cGood\u201d \u2013 caf\u00e9 \u20ac5")
        self.assertError(self.post(body, "?encoding=latin-9"), 400, "invalid")

    def test_duplicate_and_blank_headers(self):
        r = self.post(fixture("duplicate_blank_headers.csv"))
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["ignored_columns"], ["Category", "Colour"])
        self.assertEqual(self.device("tag:DI-DUP-1")["kind"], "chromebook", "the first Category wins")
        r = self.post(fixture("duplicate_blank_headers.csv"), "?strict=true")
        self.assertError(r, 400, "invalid")

    def test_excel_numbers_refuse_the_file_naming_the_line(self):
        r = self.post(fixture("excel_numbers.csv"))
        self.assertError(r, 400, "invalid")
        errors = r.json()["error"]["details"]["errors"]
        self.assertEqual([(e["line"], e["field"]) for e in errors], [(3, "Serial")])
        self.assertIn("Excel", errors[0]["message"])
        self.assertEqual(self.d.all_devices("q=DI-X-"), [], "all or none")

    def test_both_date_orders(self):
        r = self.post(fixture("dates_mdy.csv"))
        self.assertError(r, 400, "invalid")
        self.assertEqual(r.json()["error"]["details"]["errors"][0]["line"], 2)
        self.assertIn("date_order", r.json()["error"]["details"]["errors"][0]["message"])
        r = self.post(fixture("dates_mdy.csv"), "?date_order=mdy")
        self.assertStatus(r, 200)
        self.assertEqual(self.device("tag:DI-M-1")["purchase_date"], "2024-03-04")
        self.assertEqual(self.device("tag:DI-M-2")["purchase_date"], "2023-12-25")
        r = self.post(fixture("dates_dmy.csv"), "?date_order=dmy")
        self.assertStatus(r, 200)
        self.assertEqual(self.device("tag:DI-D-2")["purchase_date"], "2024-04-03")
        self.assertEqual(self.device("tag:DI-D-3")["purchase_date"], "2022-09-01")
        self.assertError(self.post(fixture("dates_dmy.csv"), "?date_order=ymd"), 400, "invalid")

    def test_roster_import_reads_the_same_way(self):
        body = "external_id;name;role;nickname\rDI-R-1;Ren\u00e9e Roux;student;Ren\r".encode("cp1252")
        r = self.d.post("/api/v1/people:import?encoding=windows-1252", body, content_type="text/csv")
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["ignored_columns"], ["nickname"])
        self.assertEqual(self.d.get("/api/v1/people/DI-R-1").json()["name"], "Ren\u00e9e Roux")


class SnipeItAssets(DaemonTestCase):
    def test_snipe_it_file_imports_as_it_is(self):
        d = self.d
        d.stop()
        d.write_config("import:\n  status_labels:\n    Purple: retired\n")
        d.start()
        # One holder exists already, keyed by the username the file uses.
        self.assertStatus(d.post("/api/v1/people", {"external_id": "DIS-EXIST", "name": "Existing Holder",
                                                     "role": "staff"}), 201)
        body = fixture("snipeit_assets.csv")
        r = d.post("/api/v1/devices:import", body, content_type="text/csv")
        self.assertStatus(r, 200)
        summary = r.json()
        self.assertEqual((summary["created"], summary["checkouts"], summary["people_created"]), (6, 3, 1))
        self.assertEqual(summary["ignored_columns"], ["Company", "Model Notes"])
        self.assertEqual(summary["warnings"], [], "Purple is mapped by the config")

        s1 = d.get("/api/v1/devices/tag:DI-S-1").json()
        self.assertEqual((s1["name"], s1["model_number"], s1["notes"], s1["kind"]),
                         ("Cart 3 #12", "4Z9X0UT", "Sticker, scuffed", "chromebook"))
        self.assertEqual((s1["warranty_end"], s1["replacement_date"]), ("2025-09-01", "2027-06-30"))
        self.assertEqual(s1["status"], "deployed")
        self.assertEqual((s1["holder"]["type"], s1["holder"]["external_id"]), ("person", "dis-jlee"))
        person = d.get("/api/v1/people/dis-jlee").json()
        self.assertEqual((person["name"], person["email"]), ("Jordan Lee", "dis-jlee@example.org"))

        s2 = d.get("/api/v1/devices/tag:DI-S-2").json()
        self.assertEqual(s2["status"], "deployed")
        self.assertIn("Maple Elementary / Cart 3", str(s2["holder"]))
        self.assertEqual(d.get("/api/v1/devices/tag:DI-S-3").json()["status"], "in_repair")
        self.assertEqual(d.get("/api/v1/devices/tag:DI-S-4").json()["status"], "retired")
        self.assertEqual(d.get("/api/v1/devices/tag:DI-S-5").json()["status"], "retired")
        self.assertIn("Existing Holder", str(d.get("/api/v1/devices/tag:DI-S-6").json()["holder"]))

        # Default loan length: the config's checkout.default_loan_days (180).
        loans = d.get("/api/v1/checkouts?open=true").json()["items"]
        self.assertEqual(len(loans), 3)
        due = (datetime.date.today() + datetime.timedelta(days=180)).isoformat()
        self.assertTrue(all(abs((datetime.date.fromisoformat(l["due"]) - datetime.date.fromisoformat(due)).days) <= 1
                            for l in loans), loans)
        history = [e["action"] for e in d.get("/api/v1/devices/tag:DI-S-1/events").json()["items"]]
        self.assertEqual(history, ["imported", "checked_out"])

        # Importing the same file again changes nothing and lends nothing twice.
        r = d.post("/api/v1/devices:import", body, content_type="text/csv")
        self.assertStatus(r, 200)
        self.assertEqual((r.json()["created"], r.json()["checkouts"], r.json()["people_created"]), (0, 0, 0))
        self.assertEqual(len(d.get("/api/v1/checkouts?open=true").json()["items"]), 3)

    def test_unknown_label_is_a_warning_and_a_bad_checkout_refuses_all(self):
        d = self.d
        r = d.post("/api/v1/devices:import", "Asset Tag,Status\nDI-U-1,Purple\n", content_type="text/csv")
        self.assertStatus(r, 200)
        self.assertEqual(d.get("/api/v1/devices/tag:DI-U-1").json()["status"], "in_stock")
        self.assertEqual([(w["line"], w["field"]) for w in r.json()["warnings"]], [(2, "Status")])

        # A device lent to one person, re-imported as lent to another: refused, nothing applied.
        first = ("Asset Tag,Checkout Type,Checked Out To: Username\nDI-U-2,User,di-u-a\n")
        self.assertStatus(d.post("/api/v1/devices:import", first, content_type="text/csv"), 200)
        second = ("Asset Tag,Checkout Type,Checked Out To: Username\nDI-U-3,,\nDI-U-2,User,di-u-b\n")
        r = d.post("/api/v1/devices:import", second, content_type="text/csv")
        self.assertError(r, 400, "invalid")
        self.assertEqual(r.json()["error"]["details"]["errors"][0]["line"], 3)
        self.assertEqual(d.get("/api/v1/devices/tag:DI-U-3").status, 404, "all or none")
        self.assertEqual(d.get("/api/v1/people/di-u-b").status, 404, "no holder created either")


if __name__ == "__main__":
    unittest.main()
