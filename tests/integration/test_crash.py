"""Crash and fault safety against the real fleetkeepd: kill -9 under writes, a damaged database at start,
and a disk that fills up during an import (docs/reliability.md)."""

import ctypes
import ctypes.util
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import unittest

from fleetkeepd import Daemon, DaemonTestCase, daemon_path, wait_until

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import kill9  # noqa: E402  (the bench driver: the same checks, fewer kills)

EXIT_DATABASE_DAMAGED = 65  # daemon/daemon.hpp kExitDatabaseDamaged
RAW_SQLITE = re.compile(r"SQLITE|disk I/O error|database or disk is full|database disk image", re.I)


def devices_csv(prefix, n):
    return "asset_tag,serial,kind,location\n" + "".join(
        "%s-%05d,S%s-%05d,laptop,Depot\n" % (prefix, i, prefix, i) for i in range(n))


class KillNine(unittest.TestCase):
    def test_acknowledged_writes_survive_sigkill(self):
        r = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "kill9.py"), "--kills", "6",
                            "--max-delay", "0.8", "--fleetkeepd", daemon_path()],
                           capture_output=True, text=True, timeout=100)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("6 kills, 0 failures", r.stdout)

    def test_the_check_sees_a_half_applied_import(self):
        # The driver's verdict must be able to say no: take one row out of an acknowledged import.
        with tempfile.TemporaryDirectory(prefix="fleetkeep-kill9-") as work:
            kill9.write_listing(work, 0)
            d = kill9.Daemon(daemon_path(), work)
            d.start()
            ledger = kill9.Ledger()
            kill9.setup(d, ledger)
            status, _ = kill9.call(d.base, d.token, "POST", "/api/v1/devices:import",
                                   "asset_tag,serial,kind,notes\nIMP-000000-0000,S0,laptop,x\n"
                                   "IMP-000000-0001,S1,laptop,x\nIMPCOUNTER,SC,other,import 0\n", "text/csv")
            self.assertEqual(status, 200)
            ledger.imports[0] = {"rows": 2, "state": "acked"}
            d.stop()
            outcomes = {"import_applied": 0, "import_absent": 0, "checkout_unknown": 0}
            self.assertEqual(kill9.verify(d.db, ledger, outcomes), [])
            with sqlite3.connect(d.db) as con:  # foreign keys off: the device's events may stay
                con.execute("DELETE FROM devices WHERE asset_tag = 'IMP-000000-0001'")
            failures = kill9.verify(d.db, ledger, outcomes)
            self.assertTrue(any("half-applied" in f for f in failures), failures)


class DamagedDatabase(DaemonTestCase):
    autostart = False

    def damaged_start(self, damage):
        d = Daemon()
        self.addCleanup(d.cleanup)
        d.start()
        d.import_csv(devices_csv("DMG", 2000))
        d.stop()
        db = os.path.join(d.state_dir, "fleetkeep.db")
        damage(db)
        with open(db, "rb") as f:
            before = f.read()
        r = subprocess.run([daemon_path(), "--config", d.config_path], capture_output=True, text=True, timeout=60)
        with open(db, "rb") as f:
            self.assertEqual(f.read(), before, "the damaged file was changed")
        return r

    def test_a_file_that_is_not_a_database(self):
        def header(db):
            with open(db, "r+b") as f:
                f.write(b"this is not a database file!" * 4)
        r = self.damaged_start(header)
        self.assertEqual(r.returncode, EXIT_DATABASE_DAMAGED, r.stderr)
        self.assertIn("fleetkeep.db is damaged: it is not a SQLite database", r.stderr)
        self.assertIn("restore the last backup", r.stderr)

    def test_a_damaged_page(self):
        def page(db):
            size = os.path.getsize(db)
            with open(db, "r+b") as f:
                f.seek(size // 2 // 16384 * 16384)  # a page in the middle, whole
                f.write(b"\xa5" * 16384)
        r = self.damaged_start(page)
        self.assertEqual(r.returncode, EXIT_DATABASE_DAMAGED, r.stderr)
        self.assertIn("is damaged", r.stderr)

    def test_the_unit_does_not_restart_on_a_damaged_database(self):
        with open(os.path.join(ROOT, "systemd", "fleetkeepd.service"), encoding="utf-8") as f:
            unit = f.read()
        codes = re.search(r"^RestartPreventExitStatus=(.*)$", unit, re.M)
        self.assertIsNotNone(codes, "the unit has no RestartPreventExitStatus=")
        self.assertIn(str(EXIT_DATABASE_DAMAGED), codes.group(1).split())
        self.assertRegex(unit, r"(?m)^StartLimitBurst=\d+$")
        self.assertRegex(unit, r"(?m)^StartLimitIntervalSec=\S+$")


def mount_tmpfs(path, size):
    """Mounts a tmpfs of `size` at `path`; None on success, else why not (for the skip message)."""
    if os.geteuid() != 0:
        return "needs root to mount a tmpfs"
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    if libc.mount(b"tmpfs", path.encode(), b"tmpfs", 0, ("size=%d,mode=0700" % size).encode()) != 0:
        return "mount(tmpfs) refused here: %s" % os.strerror(ctypes.get_errno())
    return None


def umount(path):
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    libc.umount2(path.encode(), 2)  # MNT_DETACH: the daemon has stopped, nothing holds it


class DiskFull(DaemonTestCase):
    autostart = False

    def test_import_on_a_full_disk(self):
        work = tempfile.TemporaryDirectory(prefix="fleetkeepd-full-")
        self.addCleanup(work.cleanup)
        var = os.path.join(work.name, "var")
        os.mkdir(var)
        why = mount_tmpfs(var, 24 << 20)
        if why:
            self.skipTest("disk-full test: " + why)
        self.addCleanup(umount, var)
        # Config and log stay outside the small file system; only state_dir (the database) is in it.
        d = self.start_daemon(workdir=work.name)
        self.assertEqual(d.import_csv(devices_csv("OK", 200)).status, 200)

        filler = os.path.join(var, "filler")
        with open(filler, "wb") as f:
            try:
                while True:
                    f.write(b"\0" * 65536)
                    f.flush()
            except OSError:
                pass  # ENOSPC: full
        os.truncate(filler, os.path.getsize(filler) - (1 << 20))  # 1 MiB left: the import needs more

        r = d.import_csv(devices_csv("FULL", 20000))
        self.assertEqual(r.status, 507, r)
        self.assertEqual(r.error_code(), "insufficient_storage")
        self.assertNotRegex(r.text, RAW_SQLITE)
        self.assertIn("disk is full", r.json()["error"]["message"])
        self.assertIn("the disk is full", d.log())  # the operator learns it from the log

        # Nothing of the import, the daemon keeps serving reads, and writes again once there is room.
        self.assertEqual(d.get("/healthz").status, 200)
        self.assertEqual(len(d.all_devices("q=FULL-")), 0)
        self.assertEqual(len(d.all_devices("q=OK-")), 200)
        os.unlink(filler)
        r = wait_until("a write after space is freed",
                       lambda: (lambda r: r if r.status == 200 else None)(d.import_csv(devices_csv("LATER", 500))))
        self.assertEqual(r.json()["created"], 500)
        with sqlite3.connect(os.path.join(var, "fleetkeep.db")) as con:
            self.assertEqual(con.execute("PRAGMA integrity_check").fetchall(), [("ok",)])
            self.assertEqual(con.execute("SELECT count(*) FROM devices WHERE asset_tag GLOB 'FULL-*'").fetchone(), (0,))


if __name__ == "__main__":
    unittest.main()
