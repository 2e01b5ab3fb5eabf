"""Admin commands beside a live database: they never migrate it, refuse a schema they do not know, and
`backup` writes an owner-only file that is never partial."""

import os
import sqlite3
import stat
import subprocess
import unittest

from fleetkeepd import Daemon, DaemonTestCase, daemon_path


def user_version(path):
    with sqlite3.connect(path) as db:
        return db.execute("PRAGMA user_version").fetchone()[0]


def set_user_version(path, version):
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA user_version = %d" % version)
        db.commit()
    finally:
        db.close()


def schema(path):
    with sqlite3.connect(path) as db:
        return sorted(db.execute("SELECT type, name, sql FROM sqlite_master").fetchall())


class AdminCommands(DaemonTestCase):
    def setUp(self):
        super().setUp()
        self.db = os.path.join(self.d.state_dir, "fleetkeep.db")

    def tool(self, *args, umask=None):
        return subprocess.run([daemon_path(), "--config", self.d.config_path, *args], capture_output=True,
                              text=True, timeout=30, preexec_fn=(lambda: os.umask(umask)) if umask is not None else None)

    def test_backup_is_owner_only_whatever_the_umask_and_leaves_no_temp_file(self):
        self.d.create_device(serial="ADM-1", kind="laptop")
        dest = os.path.join(self.d.dir, "backup.db")
        r = self.tool("backup", dest, umask=0o022)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(stat.S_IMODE(os.stat(dest).st_mode), 0o600)
        self.assertEqual([n for n in os.listdir(self.d.dir) if "partial" in n], [])
        with sqlite3.connect(dest) as db:
            self.assertEqual(db.execute("PRAGMA integrity_check").fetchone()[0], "ok")
            self.assertEqual(db.execute("SELECT count(*) FROM devices WHERE serial = 'ADM-1'").fetchone()[0], 1)

        again = self.tool("backup", dest)
        self.assertEqual(again.returncode, 1)
        self.assertIn("already exists", again.stderr)

    def test_commands_refuse_an_unmigrated_database_and_change_nothing(self):
        self.d.stop()
        latest = user_version(self.db)
        older = latest - 1
        set_user_version(self.db, older)
        before = schema(self.db)
        for args in (("token", "list"), ("user", "list"), ("token", "create", "--name", "x", "--role", "viewer")):
            r = self.tool(*args)
            self.assertEqual(r.returncode, 1, args)
            self.assertIn("schema version %d" % older, r.stderr, args)
            self.assertIn("restart", r.stderr, args)
            self.assertEqual(user_version(self.db), older, args)
            self.assertEqual(schema(self.db), before, args)
        # A backup copies pages: an unmigrated database can be backed up, and still is not migrated.
        dest = os.path.join(self.d.dir, "older.db")
        r = self.tool("backup", dest)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(user_version(dest), older)
        self.assertEqual(user_version(self.db), older)

    def test_commands_refuse_a_newer_database(self):
        self.d.stop()
        newer = user_version(self.db) + 1
        set_user_version(self.db, newer)
        for args in (("token", "list"), ("backup", os.path.join(self.d.dir, "newer.db"))):
            r = self.tool(*args)
            self.assertEqual(r.returncode, 1, args)
            self.assertIn("newer than this fleetkeepd", r.stderr, args)
        self.assertFalse(os.path.exists(os.path.join(self.d.dir, "newer.db")))
        self.assertEqual(user_version(self.db), newer)


class WithoutADatabase(unittest.TestCase):
    def test_reading_commands_create_nothing_and_token_create_still_sets_up_an_install(self):
        d = Daemon()
        self.addCleanup(d.cleanup)
        db = os.path.join(d.state_dir, "fleetkeep.db")
        r = d.run_tool("token", "list")
        self.assertEqual(r.returncode, 1)
        self.assertIn("no database", r.stderr)
        self.assertFalse(os.path.exists(db))
        r = d.run_tool("backup", os.path.join(d.dir, "b.db"))
        self.assertEqual(r.returncode, 1)
        self.assertFalse(os.path.exists(db))
        # A new install: the first token may be made before the first start.
        d.create_token("early", "viewer")
        self.assertTrue(os.path.exists(db))
        self.assertIn("early", d.run_tool("token", "list").stdout)


if __name__ == "__main__":
    unittest.main()
