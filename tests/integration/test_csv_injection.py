"""CSV formula injection: every CSV download neutralises cells a spreadsheet would run as a formula
(a leading single quote, docs/api.md "CSV and spreadsheets"), plain numbers stay numbers, and an
export re-imports unchanged because the import takes the quote off again."""

import csv
import datetime
import io
import unittest

from fleetkeepd import import_counts, DaemonTestCase

MODEL = "HP Chromebook 11 G9 EE"
TODAY = datetime.date.today()
POLICY = """models:
  - {model: "HP Chromebook 11 G9 EE", kind: chromebook, unit_cost: "329.00", life_years: 5}
fees:
  school_year_start: "08-01"
  plans:
    - {name: protection, premium: "25.00", incidents: ["0.00", "50.00", full]}
"""

FORMULA = '=HYPERLINK("http://127.0.0.1/x","click")'
LEADS = ("=", "+", "-", "@", "\t", "\r")


def rows_of(text):
    return list(csv.reader(io.StringIO(text, newline="")))


class CsvInjection(DaemonTestCase):
    extra_config = POLICY

    def assertNoFormulaCells(self, text, allowed_numbers=()):
        for row in rows_of(text):
            for cell in row:
                if cell and cell[0] in LEADS:
                    self.assertIn(cell, allowed_numbers, "a cell that a spreadsheet would run: %r" % cell)

    def test_device_export_is_neutralised_and_round_trips(self):
        self.d.create_device(asset_tag="@TAG", serial="+SER", kind="chromebook", model=MODEL,
                             location="-Cart 1", notes=FORMULA, purchase_price="54.00")
        self.d.create_device(asset_tag="Q-1", kind="laptop", notes="'twas here", location="'=already quoted")
        r = self.d.get("/api/v1/devices:export")
        self.assertStatus(r, 200)
        first = r.text
        self.assertNoFormulaCells(first)
        rows = rows_of(first)
        by_tag = {row[1]: dict(zip(rows[0], row)) for row in rows[1:]}
        self.assertEqual(by_tag["'@TAG"]["serial"], "'+SER")
        self.assertEqual(by_tag["'@TAG"]["location"], "'-Cart 1")
        self.assertEqual(by_tag["'@TAG"]["notes"], "'" + FORMULA)
        self.assertEqual(by_tag["'@TAG"]["purchase_price"], "54.00")
        self.assertEqual(by_tag["Q-1"]["notes"], "'twas here")
        self.assertEqual(by_tag["Q-1"]["location"], "''=already quoted")

        r = self.d.import_csv(first)
        self.assertStatus(r, 200)
        self.assertEqual(import_counts(r.json()), {"created": 0, "updated": 0, "unchanged": 2})
        self.assertEqual(self.d.get("/api/v1/devices:export").text, first)
        d = self.d.get("/api/v1/devices/tag:@TAG").json()
        self.assertEqual((d["serial"], d["location"], d["notes"]), ("+SER", "-Cart 1", FORMULA))
        q = self.d.get("/api/v1/devices/tag:Q-1").json()
        self.assertEqual((q["notes"], q["location"]), ("'twas here", "'=already quoted"))

    def test_plan_csv_is_neutralised(self):
        self.d.create_device(asset_tag="PL-1", serial="=1+1", kind="chromebook", model=MODEL,
                             location="@school", aue_date=TODAY.isoformat(), purchase_date="2020-01-01")
        r = self.d.get("/api/v1/reports/replacement-plan?format=csv")
        self.assertStatus(r, 200)
        self.assertNoFormulaCells(r.text)
        row = [x for x in csv.DictReader(io.StringIO(r.text, newline="")) if x["asset_tag"] == "PL-1"]
        self.assertEqual(len(row), 1, r.text)
        self.assertEqual((row[0]["serial"], row[0]["location"]), ("'=1+1", "'@school"))

    def test_balances_csv_is_neutralised_and_negative_money_stays_a_number(self):
        for ext, name in (("=EVIL", "+cmd|' /C calc'!A0"), ("CREDIT", "Cara Credit")):
            self.assertStatus(self.d.post("/api/v1/people", {"external_id": ext, "name": name, "role": "student",
                                                             "household": "@home"}), 201)
            self.assertStatus(self.d.post("/api/v1/people/%s/plans" % ext, {"plan": "protection"}), 201)
        self.assertStatus(self.d.post("/api/v1/people/CREDIT/payments", {"amount": "30.00", "method": "cash"}), 201)
        r = self.d.get("/api/v1/reports/balances?format=csv&all=true")
        self.assertStatus(r, 200)
        self.assertNoFormulaCells(r.text, allowed_numbers=("-5.00",))
        mine = {row[0]: row for row in rows_of(r.text)[1:]}
        self.assertEqual(mine["'=EVIL"][1:4], ["'+cmd|' /C calc'!A0", "'@home", "25.00"])
        self.assertEqual(mine["CREDIT"][3], "-5.00")


if __name__ == "__main__":
    unittest.main()
