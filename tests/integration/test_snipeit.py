"""The snipeit source against tests/fake_snipeit.py: paging, Snipe-IT's escaping and values, 429 with
Retry-After, a bad token refused without retries, a truncated page failing the poll with nothing applied."""

import os
import shutil
import sys
import tempfile
import unittest

from fleetkeepd import DaemonTestCase, wait_until as wait_for

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from fake_snipeit import FakeSnipeIt, asset  # noqa: E402


class SnipeItSource(DaemonTestCase):
    autostart = False

    def daemon(self, fake, token_text="t0ken\n", mode=0o600, extra=""):
        workdir = tempfile.mkdtemp(prefix="fk-snipe-")
        self.addCleanup(shutil.rmtree, workdir, True)
        token = os.path.join(workdir, "snipe.token")
        with open(token, "w") as f:
            f.write(token_text)
        os.chmod(token, mode)
        return self.start_daemon("sources:\n  - {name: snipe, plugin: snipeit, interval: 1h, base_url: %s,\n"
                                 "     api_token_file: %s, page_size: 2, requests_per_minute: 6000%s}\n"
                                 % (fake.base_url, token, extra), workdir=workdir)

    def source(self, d):
        items = d.get("/api/v1/sources").json()["items"]
        return next(s for s in items if s["name"] == "snipe")

    def test_pages_escaping_and_throttling(self):
        fake = FakeSnipeIt([asset(i, "SN-%d" % i, "SNS-%d" % i, name="Cart & Co #%d" % i,
                                  notes='Sticker "A"' if i == 1 else None)
                            for i in range(1, 6)]).start()
        self.addCleanup(fake.stop)
        fake.faults = ["429"]
        d = self.daemon(fake)
        dev = wait_for("snipe devices", lambda: (d.get("/api/v1/devices/tag:SN-5").json()
                                                 if d.get("/api/v1/devices/tag:SN-5").status == 200 else None))
        self.assertEqual((dev["serial"], dev["kind"], dev["model"], dev["vendor"]),
                         ("SNS-5", "chromebook", "HP Chromebook 11 G9 EE", "CDW-G"))
        self.assertEqual((dev["name"], dev["purchase_price"], dev["po_number"], dev["warranty_end"]),
                         ("Cart & Co #5", "1234.56", "PO-7781", "2025-09-01"))
        self.assertEqual(dev["location"], "Maple Elementary")
        self.assertEqual(dev["seen"]["snipe"]["source_id"], "5")
        self.assertEqual(d.get("/api/v1/devices/tag:SN-1").json()["notes"], 'Sticker "A"')
        paths = [p for p, _ in fake.requests]
        self.assertTrue(paths[0].startswith("/api/v1/hardware?limit=2&offset=0&sort=id&order=asc"), paths)
        # One throttled request, waited out (Retry-After: 1), then three pages.
        self.assertEqual(len(paths), 4, paths)
        self.assertTrue(any("offset=4" in p for p in paths))

    def test_bad_token_is_refused_without_retries(self):
        fake = FakeSnipeIt([asset(1, "SB-1", "SBS-1")], token="right").start()
        self.addCleanup(fake.stop)
        d = self.daemon(fake, token_text="wrong\n")
        source = wait_for("failed poll", lambda: self.source(d) if self.source(d).get("last_error") else None)
        self.assertIn("401", source["last_error"])
        self.assertEqual(fake.count(), 1, "a refused token is not retried within the poll")
        self.assertEqual(d.get("/api/v1/devices/tag:SB-1").status, 404)

    def test_truncated_page_fails_the_poll_and_applies_nothing(self):
        fake = FakeSnipeIt([asset(i, "ST-%d" % i, "STS-%d" % i) for i in range(1, 6)]).start()
        self.addCleanup(fake.stop)
        fake.faults = [None, "truncated"]
        d = self.daemon(fake)
        source = wait_for("failed poll", lambda: self.source(d) if self.source(d).get("last_error") else None)
        self.assertIn("page 2", source["last_error"])
        self.assertEqual(d.get("/api/v1/devices/tag:ST-1").status, 404, "page 1 was read but nothing applied")

    def test_token_file_readable_by_others_is_refused(self):
        fake = FakeSnipeIt([asset(1, "SM-1", "SMS-1")]).start()
        self.addCleanup(fake.stop)
        d = self.daemon(fake, mode=0o644)
        source = wait_for("failed poll", lambda: self.source(d) if self.source(d).get("last_error") else None)
        self.assertIn("chmod 600", source["last_error"])
        self.assertEqual(fake.count(), 0)


if __name__ == "__main__":
    unittest.main()
