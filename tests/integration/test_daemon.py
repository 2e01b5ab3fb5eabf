"""fleetkeepd as a process: flags, files it writes, signals, token and backup subcommands."""

import os
import re
import shutil
import signal
import stat
import subprocess
import tempfile
import time
import unittest

from fleetkeepd import Daemon, DaemonTestCase, daemon_path

TOKEN_RE = re.compile(r"^fk_[0-9A-Za-z]+_[0-9a-f]{64}$")


def wait_until(predicate, timeout=5.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


class VersionAndConfigCheck(unittest.TestCase):
    def setUp(self):
        tmp = tempfile.TemporaryDirectory(prefix="fleetkeepd-check-")
        self.addCleanup(tmp.cleanup)
        self.dir = tmp.name

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def test_version_prints_semver_and_exits_0(self):
        r = subprocess.run([daemon_path(), "--version"], capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout + r.stderr, r"\b\d+\.\d+\.\d+\b")

    def test_check_config_accepts_a_good_config(self):
        path = self.write("good.yaml", "listen: 127.0.0.1:0\nstate_dir: var\nlog_level: info\n"
                          "limits:\n  json_body_bytes: 1MiB\n"
                          "models:\n  - {model: \"HP Chromebook 11 G9 EE\", kind: chromebook,"
                          " unit_cost: \"289.00\", life_years: 5, aue_date: 2028-06-01}\n")
        r = subprocess.run([daemon_path(), "--config", path, "--check-config"],
                           capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        # Checking must not create the state directory or database.
        self.assertFalse(os.path.exists(os.path.join(self.dir, "var", "fleetkeep.db")))

    def test_check_config_reports_every_problem_with_file_line_col(self):
        path = self.write("bad.yaml",
                          "listen: 127.0.0.1:0\n"           # line 1
                          "state_dir: var\n"                 # line 2
                          "bogus_key: 1\n"                   # line 3, col 1: unknown key
                          "sources:\n"                       # line 4
                          "  - name: lan\n"                  # line 5
                          "    plugin: network_neighbors\n"  # line 6
                          "    interval: 5 minutes\n")       # line 7, col 15: bad duration
        r = subprocess.run([daemon_path(), "--config", path, "--check-config"],
                           capture_output=True, text=True, timeout=10)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        lines = (r.stdout + r.stderr).splitlines()
        unknown = [l for l in lines if l.startswith(path + ":3:1: ")]
        self.assertTrue(unknown, "no %s:3:1: line for the unknown key in:\n%s" % (path, "\n".join(lines)))
        self.assertIn("bogus_key", unknown[0])
        duration = [l for l in lines if l.startswith(path + ":7:15: ")]
        self.assertTrue(duration, "no %s:7:15: line for the bad duration in:\n%s" % (path, "\n".join(lines)))
        self.assertIn("5 minutes", duration[0])

    def test_start_refuses_a_bad_config(self):
        path = self.write("bad.yaml", "listen: 127.0.0.1:0\nstate_dir: var\nlimits: {json_body_bytes: lots}\n")
        r = subprocess.run([daemon_path(), "--config", path], capture_output=True, text=True, timeout=10)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(path + ":3:", r.stdout + r.stderr)


class StateFiles(DaemonTestCase):
    def test_port_file_holds_the_bound_port(self):
        with open(os.path.join(self.d.state_dir, "port"), encoding="utf-8") as f:
            text = f.read()
        self.assertRegex(text, r"^[0-9]+\n$")
        self.assertNotEqual(int(text), 0)
        self.assertStatus(self.d.get("/healthz", token=None), 200)

    def test_admin_token_is_private_and_works(self):
        path = os.path.join(self.d.state_dir, "admin.token")
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        self.assertTrue(text.endswith("\n"), repr(text))
        self.assertRegex(text.strip(), TOKEN_RE)
        self.assertStatus(self.d.get("/api/v1/devices"), 200)
        self.assertNotIn(text.strip(), self.d.log(), "the token must never be logged")

    def test_health_and_readiness_need_no_token(self):
        self.assertStatus(self.d.get("/healthz", token=None), 200)
        self.assertStatus(self.d.get("/readyz", token=None), 200)


class Signals(DaemonTestCase):
    def test_sigterm_exits_0_and_data_survives_a_restart(self):
        created = self.d.create_device(asset_tag="CB-1", serial="S-1", kind="chromebook", model="M1")
        r = self.d.post("/api/v1/devices/%d/transitions" % created["id"], {"to": "deployed", "reason": "issued"})
        self.assertStatus(r, 200)
        token_before = self.d.token
        self.d.restart()  # stop() asserts exit code 0
        self.assertEqual(self.d.token, token_before, "a restart must not replace the admin token")
        r = self.d.get("/api/v1/devices/tag:CB-1")
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["id"], created["id"])
        self.assertEqual(r.json()["status"], "deployed")
        events = self.d.get("/api/v1/devices/tag:CB-1/events").json()["items"]
        self.assertEqual([e["action"] for e in events][:1], ["created"])
        self.assertEqual(len(events), 2)

    def test_sighup_with_a_broken_config_keeps_serving_the_old_one(self):
        self.d.create_device(serial="S-HUP")
        with open(self.d.config_path, "a", encoding="utf-8") as f:
            f.write("no_such_key: true\n")
        log_before = len(self.d.log())
        self.d.signal(signal.SIGHUP)
        self.assertTrue(wait_until(lambda: len(self.d.log()) > log_before),
                        "SIGHUP with a broken config logged nothing")
        new_log = self.d.log()[log_before:]
        self.assertIn("no_such_key", new_log, "the refused reload should name the problem:\n" + new_log)
        self.assertTrue(self.d.alive(), "fleetkeepd died on SIGHUP with a broken config:\n" + self.d.log())
        self.assertStatus(self.d.get("/healthz", token=None), 200)
        self.assertStatus(self.d.get("/api/v1/devices/serial:S-HUP"), 200)

    def test_sighup_with_a_valid_change_applies_it(self):
        model = "Reload Test Chromebook 3100"
        self.assertStatus(self.d.get("/api/v1/models/" + model.replace(" ", "%20")), 404)
        self.d.write_config("models:\n  - {model: \"%s\", kind: chromebook, unit_cost: \"199.00\","
                            " life_years: 4, aue_date: 2029-06-01}\n" % model)
        self.d.signal(signal.SIGHUP)
        ok = wait_until(lambda: self.d.get("/api/v1/models/" + model.replace(" ", "%20")).status == 200)
        self.assertTrue(ok, "the catalog entry added to the config did not appear after SIGHUP:\n" + self.d.log())
        entry = self.d.get("/api/v1/models/" + model.replace(" ", "%20")).json()
        self.assertEqual(entry["unit_cost"], "199.00")
        self.assertEqual(entry["life_years"], 4)
        self.assertTrue(self.d.alive())


class TokenSubcommands(DaemonTestCase):
    def test_create_list_revoke_and_revoked_token_gets_401(self):
        token = self.d.create_token("ci-reader", "viewer")
        self.assertRegex(token, TOKEN_RE)
        self.assertStatus(self.d.get("/api/v1/devices", token=token), 200)

        listed = self.d.run_tool("token", "list")
        self.assertEqual(listed.returncode, 0, listed.stderr)
        self.assertIn("ci-reader", listed.stdout)
        self.assertIn("viewer", listed.stdout)
        self.assertIn("admin", listed.stdout)
        self.assertNotIn(token, listed.stdout, "token list must not show secrets")

        dup = self.d.run_tool("token", "create", "--name", "ci-reader", "--role", "viewer")
        self.assertNotEqual(dup.returncode, 0, "a second token with the same name must be refused")

        revoked = self.d.run_tool("token", "revoke", "ci-reader")
        self.assertEqual(revoked.returncode, 0, revoked.stderr)
        r = self.d.get("/api/v1/devices", token=token)
        self.assertError(r, 401, "unauthorized")
        self.assertNotIn("ci-reader", self.d.run_tool("token", "list").stdout)
        self.assertNotIn(token, self.d.log(), "tokens must never be logged")

    def test_revoke_unknown_and_bad_role_fail(self):
        self.assertNotEqual(self.d.run_tool("token", "revoke", "nobody").returncode, 0)
        self.assertNotEqual(self.d.run_tool("token", "create", "--name", "x", "--role", "root").returncode, 0)


class Backup(DaemonTestCase):
    def test_backup_is_a_database_the_daemon_starts_on(self):
        for i in range(5):
            self.d.create_device(serial="BK-%d" % i, kind="laptop")
        dest = os.path.join(self.d.dir, "backup.db")
        r = self.d.run_tool("backup", dest)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertTrue(os.path.getsize(dest) > 0)

        # A second daemon whose database is the backup sees the same devices and tokens.
        other = tempfile.mkdtemp(prefix="fleetkeepd-restore-")
        self.addCleanup(shutil.rmtree, other, True)
        os.makedirs(os.path.join(other, "var"))
        shutil.copy(dest, os.path.join(other, "var", "fleetkeep.db"))
        restored = Daemon(workdir=other)
        self.addCleanup(restored.cleanup)
        # No new admin.token is written when tokens exist, so reuse the original one.
        token_file = os.path.join(other, "var", "admin.token")
        with open(token_file, "w", encoding="utf-8") as f:
            f.write(self.d.token + "\n")
        os.chmod(token_file, 0o600)
        restored.start()
        self.addCleanup(restored.stop)
        serials = sorted(d["serial"] for d in restored.all_devices())
        self.assertEqual(serials, ["BK-%d" % i for i in range(5)])


if __name__ == "__main__":
    unittest.main()
