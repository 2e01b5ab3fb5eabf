"""People sign in against a real daemon: users on the command line, sessions, cookie, throttling, CSRF."""

import os
import stat
import tempfile
import unittest

from fleetkeepd import DaemonTestCase, SharedDaemonTestCase
from signin_client import PASSWORD, Browser, create_user



class FirstStart(DaemonTestCase):
    def test_admin_user_and_password_file(self):
        path = os.path.join(self.d.state_dir, "admin.password")
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        with open(path) as f:
            password = f.read().strip()
        self.assertGreaterEqual(len(password), 10)
        b = Browser(self.d)
        r = b.login("admin", password)
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["role"], "admin")
        self.assertEqual(r.json()["scopes"], [])
        # A restart keeps the user and does not write a new password.
        self.d.restart()
        with open(path) as f:
            self.assertEqual(f.read().strip(), password)
        self.assertStatus(Browser(self.d).login("admin", password), 200)
        self.assertNotIn(password, self.d.log())


class UserCommands(DaemonTestCase):
    def test_create_list_disable_enable_set_password(self):
        r = create_user(self.d, "ms.rivera", "technician", scopes=["Elm Valley Middle"], email="rivera@example.org")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn(PASSWORD, r.stdout + r.stderr)
        r = create_user(self.d, "librarian", "viewer", via_file=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = create_user(self.d, "short", "viewer", password="123456789")
        self.assertEqual(r.returncode, 1)
        self.assertIn("at least 10", r.stderr)
        r = create_user(self.d, "ms.rivera", "viewer")
        self.assertEqual(r.returncode, 1)
        self.assertIn("already exists", r.stderr)

        listed = self.d.run_tool("user", "list")
        self.assertEqual(listed.returncode, 0)
        self.assertIn("ms.rivera", listed.stdout)
        self.assertIn("Elm Valley Middle", listed.stdout)
        self.assertIn("rivera@example.org", listed.stdout)
        self.assertNotIn("short", listed.stdout)
        self.assertNotIn("argon2", listed.stdout)

        b = Browser(self.d)
        self.assertStatus(b.login("librarian", PASSWORD), 200)
        self.assertStatus(b.get("/auth/me"), 200)
        self.assertEqual(self.d.run_tool("user", "disable", "librarian").returncode, 0)
        self.assertError(b.get("/auth/me"), 401, "unauthorized")  # the session ended at once
        self.assertError(Browser(self.d).login("librarian", PASSWORD), 401, "unauthorized")
        self.assertEqual(self.d.run_tool("user", "enable", "librarian").returncode, 0)
        self.assertStatus(b.login("librarian", PASSWORD), 200)

        f = tempfile.NamedTemporaryFile("w", delete=False)
        f.write("the replacement password\n")
        f.close()
        self.addCleanup(os.unlink, f.name)
        r = self.d.run_tool("user", "set-password", "librarian", "--password-file", f.name)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertError(b.get("/auth/me"), 401, "unauthorized")
        self.assertError(Browser(self.d).login("librarian", PASSWORD), 401, "unauthorized")
        self.assertStatus(Browser(self.d).login("librarian", "the replacement password"), 200)
        self.assertEqual(self.d.run_tool("user", "disable", "nobody").returncode, 1)


class Sessions(SharedDaemonTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for name, role in (("tech", "technician"), ("viewer", "viewer")):
            r = create_user(cls.shared, name, role)
            assert r.returncode == 0, r.stderr

    def test_login_me_logout(self):
        b = Browser(self.d)
        r = b.login("tech", PASSWORD)
        self.assertStatus(r, 200)
        body = r.json()
        self.assertEqual(body["name"], "tech")
        self.assertEqual(body["role"], "technician")
        self.assertEqual(body["scopes"], [])
        self.assertGreaterEqual(len(body["csrf"]), 32)
        self.assertEqual(r.headers.get("cache-control"), "no-store")
        me = b.get("/auth/me")
        self.assertStatus(me, 200)
        self.assertEqual(me.json()["name"], "tech")
        self.assertEqual(me.json()["csrf"], body["csrf"])
        self.assertStatus(b.get("/api/v1/devices"), 200)
        old = b.cookie
        self.assertStatus(b.post("/auth/logout"), 204)
        b.cookie = old
        self.assertError(b.get("/auth/me"), 401, "unauthorized")
        self.assertError(b.get("/api/v1/devices"), 401, "unauthorized")
        self.assertError(Browser(self.d).get("/auth/me"), 401, "unauthorized")

    def test_cookie_attributes(self):
        r = Browser(self.d).login("tech", PASSWORD)
        cookies = [c for c in r.set_cookies if c.startswith("fk_session=")]
        self.assertEqual(len(cookies), 1)
        parts = [p.strip() for p in cookies[0].split(";")]
        value = parts[0].split("=", 1)[1]
        self.assertEqual(len(value), 43)  # 256 bits
        self.assertIn("HttpOnly", parts)
        self.assertIn("SameSite=Strict", parts)
        self.assertIn("Path=/", parts)
        self.assertNotIn("Secure", parts)

    def test_wrong_name_and_wrong_password_look_the_same(self):
        wrong_pw = Browser(self.d).login("viewer", "not the password at all")
        wrong_name = Browser(self.d).login("no-such-user", PASSWORD)
        self.assertError(wrong_pw, 401, "unauthorized")
        self.assertError(wrong_name, 401, "unauthorized")
        self.assertEqual(wrong_pw.json(), wrong_name.json())
        self.assertError(Browser(self.d).post("/auth/login", {"name": "viewer"}), 400, "invalid")
        self.assertError(Browser(self.d).post("/auth/login", "name=viewer", content_type="text/plain"), 415,
                         "unsupported_media_type")

    def test_csrf(self):
        b = Browser(self.d)
        self.assertStatus(b.login("tech", PASSWORD), 200)
        device = {"asset_tag": "CSRF-1", "serial": "SN-CSRF-1", "kind": "chromebook"}
        self.assertError(b.post("/api/v1/devices", device, csrf=False), 403, "csrf")
        self.assertError(b.post("/api/v1/devices", device, csrf=False, headers={"X-CSRF-Token": "x" * 43}),
                         403, "csrf")
        self.assertError(b.post("/auth/logout", csrf=False), 403, "csrf")
        self.assertStatus(self.d.get("/api/v1/devices/tag:CSRF-1"), 404)  # nothing was written
        evil = Browser(self.d, origin="http://evil.example")
        evil.cookie, evil.csrf = b.cookie, b.csrf
        self.assertError(evil.post("/api/v1/devices", device), 403, "csrf")
        self.assertError(evil.get("/api/v1/devices"), 403, "csrf")
        self.assertError(Browser(self.d, origin="http://evil.example").post(
            "/auth/login", {"name": "tech", "password": PASSWORD}), 403, "csrf")
        same = Browser(self.d, origin="http://127.0.0.1:%d" % self.d.port)
        same.cookie, same.csrf = b.cookie, b.csrf
        created = same.post("/api/v1/devices", device)
        self.assertStatus(created, 201)
        # The actor is the signed-in user.
        events = self.d.get("/api/v1/devices/tag:CSRF-1/events").json()["items"]
        self.assertEqual(events[0]["actor"], "user:tech")
        # Bearer tokens need no CSRF token, even from a browser-ish client.
        r = self.d.post("/api/v1/devices", {"asset_tag": "CSRF-2", "serial": "SN-CSRF-2", "kind": "laptop"},
                        headers={"Origin": "http://evil.example"})
        self.assertStatus(r, 201)

    def test_roles_still_apply_to_sessions(self):
        b = Browser(self.d)
        self.assertStatus(b.login("viewer", PASSWORD), 200)
        r = b.post("/api/v1/devices", {"asset_tag": "V-1", "serial": "SN-V-1", "kind": "laptop"})
        self.assertError(r, 403, "forbidden")

    def test_zz_no_secrets_in_the_log(self):
        b = Browser(self.d)
        self.assertStatus(b.login("tech", PASSWORD), 200)
        self.assertStatus(b.get("/auth/me"), 200)
        Browser(self.d).login("tech", "a wrong password here")
        log = self.d.log()
        self.assertIn("tech", log)
        for secret in (PASSWORD, "a wrong password here", b.cookie, b.csrf, self.d.token):
            self.assertNotIn(secret, log)
        self.assertNotIn("argon2", log)


class Throttling(DaemonTestCase):
    def test_five_failures_from_one_address_block_it(self):
        self.assertEqual(create_user(self.d, "throttled", "viewer").returncode, 0)
        self.assertEqual(create_user(self.d, "other", "viewer").returncode, 0)
        b = Browser(self.d)
        for _ in range(5):
            self.assertError(b.login("throttled", "wrong password guess"), 401, "unauthorized")
        r = b.login("throttled", PASSWORD)  # even the right password, while blocked
        self.assertError(r, 429, "too_many_requests")
        retry = int(r.headers["retry-after"])
        self.assertGreater(retry, 0)
        self.assertLessEqual(retry, 15 * 60)
        # Every test client is 127.0.0.1, so this is the per-address rule (per-name: core's unit test).
        self.assertError(Browser(self.d).login("other", PASSWORD), 429, "too_many_requests")
        self.assertIn("sign-in throttled", self.d.log())


class SecureCookie(DaemonTestCase):
    extra_config = "web:\n  cookie_secure: true\n  session_idle: 1h\n  session_max: 1d\n"

    def test_secure_flag(self):
        self.assertEqual(create_user(self.d, "tech", "technician").returncode, 0)
        r = Browser(self.d).login("tech", PASSWORD)
        self.assertStatus(r, 200)
        self.assertIn("Secure", [p.strip() for p in r.set_cookies[0].split(";")])


class WebConfig(DaemonTestCase):
    autostart = False

    def test_bad_web_block_is_refused_with_positions(self):
        from fleetkeepd import Daemon
        d = Daemon("web:\n  enabled: maybe\n  session_idle: forever\n  colour: blue\n  oidc:\n    issuer: x\n")
        self.addCleanup(d.cleanup)
        r = d.run_tool("--check-config")
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, r"fleetkeepd.yaml:6:12: web.enabled")
        self.assertRegex(r.stderr, r"fleetkeepd.yaml:7:17: web.session_idle")
        self.assertRegex(r.stderr, r"fleetkeepd.yaml:8:\d+: .*colour")
        self.assertIn("web.oidc: missing required key \"client_id\"", r.stderr)
        d2 = Daemon("web:\n  enabled: false\n  session_idle: 30m\n  session_max: 8h\n  cookie_secure: true\n")
        self.addCleanup(d2.cleanup)
        self.assertEqual(d2.run_tool("--check-config").returncode, 0)


if __name__ == "__main__":
    unittest.main()
