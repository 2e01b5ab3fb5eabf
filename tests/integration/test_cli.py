"""The fleetkeep CLI against a real daemon: output people read, --json scripts parse, exit codes."""

import csv
import io
import json
import os
import socket
import subprocess
import tempfile
import unittest

from fleetkeepd import import_counts, SharedDaemonTestCase, cli_path


class Cli(SharedDaemonTestCase):
    def run_cli(self, *args, token="admin", server=None, env_extra=None, expect=0, binary=False):
        env = {k: v for k, v in os.environ.items() if not k.startswith("FLEETKEEP_")}
        env["FLEETKEEP_SERVER"] = server or "http://127.0.0.1:%d" % self.d.port
        if token == "admin":
            token = self.d.token
        if token is not None:
            env["FLEETKEEP_TOKEN"] = token
        env.update(env_extra or {})
        r = subprocess.run([cli_path(), *args], capture_output=True, text=not binary, env=env,
                           timeout=30)
        if expect is not None:
            self.assertEqual(r.returncode, expect, "fleetkeep %s\nstdout:\n%s\nstderr:\n%s"
                             % (" ".join(args), r.stdout, r.stderr))
        return r

    def write(self, name, text):
        tmp = tempfile.NamedTemporaryFile("w", suffix="-" + name, delete=False, encoding="utf-8", newline="")
        self.addCleanup(os.unlink, tmp.name)
        tmp.write(text)
        tmp.close()
        return tmp.name

    def test_add_show_set_transition_history(self):
        r = self.run_cli("device", "add", "--tag", "CLI-1", "--serial", "CLIS-1", "--kind", "chromebook",
                         "--model", "HP Chromebook 11 G9 EE", "--location", "Library", "--price", "289",
                         "--mac", "AA:BB:CC:DD:EE:10", "--purchase-date", "2024-08-01")
        self.assertIn("CLI-1", r.stdout)

        r = self.run_cli("device", "show", "tag:CLI-1")
        lines = dict(l.split(":", 1) for l in r.stdout.splitlines() if ":" in l)
        self.assertEqual(lines["serial"].strip(), "CLIS-1")
        self.assertEqual(lines["macs"].strip(), "aa:bb:cc:dd:ee:10")
        self.assertEqual(lines["purchase_price"].strip(), "289.00")
        self.assertEqual(lines["status"].strip(), "in_stock")

        self.run_cli("device", "set", "tag:CLI-1", "location=Room 12", "notes=cracked bezel")
        dev = self.d.get("/api/v1/devices/tag:CLI-1").json()
        self.assertEqual((dev["location"], dev["notes"]), ("Room 12", "cracked bezel"))

        r = self.run_cli("device", "transition", "serial:CLIS-1", "deployed", "--reason", "issued")
        self.assertIn("deployed", r.stdout)
        r = self.run_cli("device", "transition", "serial:CLIS-1", "disposed", expect=1)
        self.assertIn("error:", r.stderr)
        for allowed in ("in_stock", "in_repair", "lost", "stolen"):
            self.assertIn(allowed, r.stderr)

        r = self.run_cli("device", "history", "tag:CLI-1")
        out = r.stdout.splitlines()
        self.assertIn("ACTOR", out[0])
        self.assertEqual(len(out), 4, r.stdout)  # header + created, updated, transition
        self.assertIn("created", out[1])
        self.assertIn("location: Library → Room 12", out[2])
        self.assertIn("status: in_stock → deployed", out[3])
        self.assertIn("token:admin", out[3])

        r = self.run_cli("--json", "device", "history", "tag:CLI-1")
        self.assertEqual([e["action"] for e in json.loads(r.stdout)["items"]][0], "created")

    def test_list_table_json_and_paging(self):
        for i in range(5):
            self.run_cli("device", "add", "--serial", "LST-%d" % i, "--kind", "laptop", "--location", "Lab 9")
        r = self.run_cli("device", "list", "--location", "Lab 9")
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0].split(), ["ID", "ASSET", "TAG", "SERIAL", "KIND", "MODEL", "STATUS", "LOCATION"])
        self.assertEqual(len(lines), 6)
        self.assertIn("LST-0", r.stdout)

        r = self.run_cli("device", "list", "--location", "Lab 9", "--limit", "2", "--json")
        page = json.loads(r.stdout)
        self.assertEqual(len(page["items"]), 2)
        self.assertTrue(page["next_cursor"])

        r = self.run_cli("--json", "device", "list", "--location", "Lab 9", "--limit", "2", "--all")
        serials = [d["serial"] for d in json.loads(r.stdout)["items"]]
        self.assertEqual(serials, ["LST-%d" % i for i in range(5)])

        r = self.run_cli("device", "list", "--q", "lst-3", "--json")
        self.assertEqual([d["serial"] for d in json.loads(r.stdout)["items"]], ["LST-3"])

    def test_import_export_and_errors(self):
        good = self.write("good.csv", "asset_tag,serial,kind,location\nIMP-1,IMPS-1,chromebook,\"Cart 3, Room 2\"\n"
                                      "IMP-2,IMPS-2,laptop,Office\n")
        r = self.run_cli("import", good)
        self.assertEqual(r.stdout.strip(), "created 2, updated 0, unchanged 0")
        r = self.run_cli("import", good)
        self.assertEqual(r.stdout.strip(), "created 0, updated 0, unchanged 2")
        r = self.run_cli("--json", "import", good)
        self.assertEqual(import_counts(json.loads(r.stdout)), {"created": 0, "updated": 0, "unchanged": 2})

        bad = self.write("bad.csv", "asset_tag,serial,kind\nIMP-3,IMPS-3,laptop\nIMP-4,IMPS-4,spaceship\n")
        r = self.run_cli("import", bad, expect=1)
        self.assertIn("error:", r.stderr)
        self.assertIn("line 3: kind:", r.stderr)
        self.assertEqual(self.d.get("/api/v1/devices/tag:IMP-3").status, 404)

        # Bytes, not text: the CSV's CRLF line ends must reach the file unchanged.
        r = self.run_cli("export", binary=True)
        rows = list(csv.DictReader(io.StringIO(r.stdout.decode("utf-8"), newline="")))
        self.assertIn("Cart 3, Room 2", [row["location"] for row in rows])
        out_dir = tempfile.TemporaryDirectory(prefix="fleetkeep-cli-")
        self.addCleanup(out_dir.cleanup)
        dest = os.path.join(out_dir.name, "out.csv")
        self.run_cli("export", dest)
        with open(dest, "rb") as f:
            self.assertEqual(f.read(), r.stdout)
        self.assertFalse(os.path.exists(dest + ".partial"))
        r = self.run_cli("import", dest)
        self.assertEqual(r.stdout.strip(), "created 0, updated 0, unchanged %d" % len(rows))

    def test_summary_and_models(self):
        self.run_cli("device", "add", "--serial", "SUM-1", "--kind", "tablet", "--model", "iPad 9")
        r = self.run_cli("--json", "summary")
        summary = json.loads(r.stdout)
        self.assertEqual(summary, self.d.get("/api/v1/reports/fleet-summary").json())
        r = self.run_cli("summary")
        self.assertRegex(r.stdout, r"devices:\s+%d\b" % summary["total"])
        self.assertIn("by status", r.stdout)
        self.assertIn("tablet", r.stdout)

        model = {"kind": "chromebook", "unit_cost": "299.00", "life_years": 5, "aue_date": "2030-06-01"}
        self.assertIn(self.d.put("/api/v1/models/CLI%20Book%20X", model).status, (200, 201))
        r = self.run_cli("models", "list")
        self.assertIn("CLI Book X", r.stdout)
        self.assertIn("299.00", r.stdout)
        r = self.run_cli("models", "show", "CLI Book X")
        self.assertIn("2030-06-01", r.stdout)
        self.run_cli("models", "show", "No Such Model", expect=1)

    def test_token_file_option(self):
        path = self.write("token", self.d.token + "\n")
        self.run_cli("--token-file", path, "device", "list", token=None)

    def test_exit_codes(self):
        r = self.run_cli("device", "list", token=None, expect=2)
        self.assertIn("no API token: set FLEETKEEP_TOKEN or pass --token-file", r.stderr)
        self.run_cli("device", "frobnicate", expect=2)
        self.run_cli("device", "list", "--no-such-option", expect=2)
        self.run_cli(expect=2)
        self.run_cli("device", "set", "tag:X", "no-equals-sign", expect=2)
        r = self.run_cli("device", "list", server="ftp://127.0.0.1/", expect=2)
        self.assertIn("http", r.stderr)

        r = self.run_cli("device", "show", "tag:NOT-THERE", expect=1)
        self.assertTrue(r.stderr.startswith("error: "), r.stderr)
        viewer = self.d.create_token("cli-viewer", "viewer")
        r = self.run_cli("device", "add", "--serial", "VIEW-1", token=viewer, expect=1)
        self.assertIn("error:", r.stderr)
        r = self.run_cli("device", "list", token="fk_1_" + "0" * 64, expect=1)
        self.assertIn("error:", r.stderr)

        with socket.socket() as s:  # a port with nobody listening
            s.bind(("127.0.0.1", 0))
            dead = "http://127.0.0.1:%d" % s.getsockname()[1]
        r = self.run_cli("device", "list", server=dead, expect=1)
        self.assertIn(dead, r.stderr)

        r = self.run_cli("--help", expect=0)
        self.assertIn("device", r.stdout)


if __name__ == "__main__":
    unittest.main()
