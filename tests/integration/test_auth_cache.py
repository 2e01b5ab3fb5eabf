"""Tokens and sessions are remembered between requests (issue 22), so every way one ends must still be
refused on the very next request: each case below first uses the credential several times, so the
daemon has it in memory, then ends it and asserts the next request is a 401."""

import os
import tempfile

from fleetkeepd import DaemonTestCase
from signin_client import PASSWORD, Browser, create_user

DEVICES = "/api/v1/devices?limit=1"


class RevokedTokens(DaemonTestCase):
    def warm(self, token):
        for _ in range(5):
            self.assertStatus(self.d.get(DEVICES, token=token), 200)

    def test_revoked_from_the_command_line_beside_the_daemon(self):
        token = self.d.create_token("desk-1", "technician")
        other = self.d.create_token("desk-2", "viewer")
        self.warm(token)
        self.warm(other)
        # Another process writes the database; the daemon's own write counter never moves.
        r = self.d.run_tool("token", "revoke", "desk-1")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertError(self.d.get(DEVICES, token=token), 401, "unauthorized")
        self.assertStatus(self.d.get(DEVICES, token=other), 200)

    def test_revoked_on_the_reads_answered_on_the_io_threads(self):
        # GET by tag and by person id check the token on the I/O thread, not the worker pool.
        self.d.create_device(asset_tag="CB-IO-1", serial="IO1")
        self.assertStatus(self.d.post("/api/v1/people", {"external_id": "S-IO-1", "name": "Io", "role": "student"}),
                          201)
        token = self.d.create_token("desk-io", "viewer")
        for path in ("/api/v1/devices/tag:CB-IO-1", "/api/v1/people/S-IO-1"):
            for _ in range(5):
                self.assertStatus(self.d.get(path, token=token), 200)
        r = self.d.run_tool("token", "revoke", "desk-io")
        self.assertEqual(r.returncode, 0, r.stderr)
        for path in ("/api/v1/devices/tag:CB-IO-1", "/api/v1/people/S-IO-1"):
            self.assertError(self.d.get(path, token=token), 401, "unauthorized")

    def test_a_forged_secret_for_a_remembered_id_is_refused(self):
        token = self.d.create_token("desk-1", "technician")
        self.warm(token)
        forged = token[:-1] + ("0" if token[-1] != "0" else "1")
        self.assertError(self.d.get(DEVICES, token=forged), 401, "unauthorized")
        self.assertStatus(self.d.get(DEVICES, token=token), 200)


class EndedSessions(DaemonTestCase):
    def signed_in(self, name):
        b = Browser(self.d)
        self.assertStatus(b.login(name, PASSWORD), 200)
        for _ in range(5):
            self.assertStatus(b.get(DEVICES), 200)
        return b

    def setUp(self):
        super().setUp()
        for name in ("tech", "other"):
            r = create_user(self.d, name, "technician")
            self.assertEqual(r.returncode, 0, r.stderr)

    def test_logout(self):
        b = self.signed_in("tech")
        stolen = b.cookie
        self.assertEqual(b.post("/auth/logout").status, 204)
        b.cookie = stolen  # the old cookie, replayed
        self.assertError(b.get(DEVICES), 401, "unauthorized")

    def test_user_disabled(self):
        b = self.signed_in("tech")
        other = self.signed_in("other")
        self.assertEqual(self.d.run_tool("user", "disable", "tech").returncode, 0)
        self.assertError(b.get(DEVICES), 401, "unauthorized")
        self.assertStatus(other.get(DEVICES), 200)

    def test_password_changed(self):
        b = self.signed_in("tech")
        f = tempfile.NamedTemporaryFile("w", delete=False)
        f.write("the replacement password\n")
        f.close()
        self.addCleanup(os.unlink, f.name)
        r = self.d.run_tool("user", "set-password", "tech", "--password-file", f.name)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertError(b.get(DEVICES), 401, "unauthorized")
