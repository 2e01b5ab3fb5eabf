"""OpenID Connect sign-in against a real daemon and a local fake provider (tests/fake_oidc.py)."""

import http.client
import os
import sys
import time
import unittest
import urllib.parse

from fleetkeepd import DaemonTestCase
from signin_client import create_user

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from fake_oidc import FakeProvider  # noqa: E402


class Oidc(DaemonTestCase):
    autostart = False

    def setUp(self):
        super().setUp()
        self.provider = FakeProvider()
        self.addCleanup(self.provider.close)
        import tempfile
        secret = tempfile.NamedTemporaryFile("w", delete=False)
        secret.write(FakeProvider.CLIENT_SECRET + "\n")
        secret.close()
        self.addCleanup(os.unlink, secret.name)
        self.d = self.start_daemon(
            "web:\n  oidc:\n    issuer: %s\n    client_id: %s\n    client_secret_file: %s\n"
            "    redirect_url: http://127.0.0.1/auth/oidc/callback\n    allowed_domains: [example.org]\n"
            % (self.provider.issuer, FakeProvider.CLIENT_ID, secret.name))
        self.assertEqual(create_user(self.d, "ms.rivera", "technician", email="Rivera@example.org").returncode, 0)

    def get(self, path, cookie=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.d.port, timeout=15)
        try:
            conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            r = conn.getresponse()
            cookies = [v for k, v in r.getheaders() if k.lower() == "set-cookie"]
            return r.status, r.getheader("Location"), cookies, r.read().decode()
        finally:
            conn.close()

    def sign_in(self, overrides=None, bad_key=False):
        status, location, cookies, _ = self.get("/auth/oidc/start")
        self.assertEqual(status, 302)
        self.assertTrue(location.startswith(self.provider.issuer + "/authorize?"), location)
        state_cookie = [c.split(";")[0] for c in cookies if c.startswith("fk_oidc_state=")][0]
        code, state, query = self.provider.approve(location, overrides, bad_key)
        self.assertEqual(query["hd"], "example.org")
        self.assertEqual(query["scope"], "openid email")
        self.assertGreaterEqual(len(query["nonce"]), 32)
        path = "/auth/oidc/callback?" + urllib.parse.urlencode({"code": code, "state": state})
        return self.get(path, state_cookie), path, state_cookie

    def session_of(self, cookies):
        found = [c.split(";")[0] for c in cookies if c.startswith("fk_session=") and not c.startswith("fk_session=;")]
        return found[0] if found else None

    def test_good_login(self):
        (status, location, cookies, _), _, _ = self.sign_in()
        self.assertEqual(status, 302)
        self.assertEqual(location, "/")
        session = self.session_of(cookies)
        self.assertIsNotNone(session)
        self.assertIn("SameSite=Strict", [c for c in cookies if c.startswith("fk_session=")][0])
        status, _, _, body = self.get("/auth/me", session)
        self.assertEqual(status, 200, body)
        self.assertIn('"ms.rivera"', body)
        self.assertEqual(len(self.provider.token_requests), 1)

    def refused(self, overrides=None, bad_key=False, expect="Sign-in refused"):
        (status, _, cookies, body), _, _ = self.sign_in(overrides, bad_key)
        self.assertEqual(status, 403, body)
        self.assertIn(expect, body)
        self.assertIsNone(self.session_of(cookies))
        return body

    def test_wrong_audience(self):
        self.refused({"aud": "another-client", "azp": "another-client"})

    def test_expired(self):
        self.refused({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200})

    def test_bad_signature(self):
        self.refused(bad_key=True)

    def test_wrong_domain(self):
        self.refused({"hd": "other.org", "email": "rivera@other.org"})
        self.refused({"hd": None})  # a consumer account has no hd

    def test_unverified_email(self):
        self.refused({"email_verified": False})

    def test_unknown_email(self):
        body = self.refused({"email": "stranger@example.org"}, expect="No fleetkeep account")
        self.assertIn("stranger@example.org", body)

    def test_the_client_secret_goes_only_where_credentials_may(self):
        # Discovery names a token endpoint with user info in front of the host: a URL that reads two
        # ways. It still points at this provider, so a secret sent anyway would show up here.
        self.provider.token_endpoint = "http://fleetkeep@%s/token" % self.provider.issuer[len("http://"):]
        (status, _, cookies, body), _, _ = self.sign_in()
        self.assertEqual(status, 502, body)
        self.assertIsNone(self.session_of(cookies))
        self.assertEqual(self.provider.token_requests, [], "the client secret was sent")
        self.assertIn("token_endpoint", self.d.log())

    def test_disabled_user(self):
        self.assertEqual(self.d.run_tool("user", "disable", "ms.rivera").returncode, 0)
        self.refused(expect="No fleetkeep account")

    def test_replayed_state(self):
        (status, _, _, _), path, state_cookie = self.sign_in()
        self.assertEqual(status, 302)
        status, _, cookies, body = self.get(path, state_cookie)
        self.assertEqual(status, 403, body)
        self.assertIn("already used", body)
        self.assertIsNone(self.session_of(cookies))

    def test_state_must_come_from_the_same_browser(self):
        status, location, _, _ = self.get("/auth/oidc/start")
        code, state, _ = self.provider.approve(location)
        path = "/auth/oidc/callback?" + urllib.parse.urlencode({"code": code, "state": state})
        status, _, cookies, body = self.get(path)  # no fk_oidc_state cookie
        self.assertEqual(status, 403, body)
        self.assertIsNone(self.session_of(cookies))

    def test_zz_no_secrets_in_the_log(self):
        (status, _, cookies, _), _, _ = self.sign_in()
        self.assertEqual(status, 302)
        log = self.d.log()
        self.assertIn("signed in through", log)
        self.assertNotIn(FakeProvider.CLIENT_SECRET, log)
        self.assertNotIn(self.session_of(cookies).split("=", 1)[1], log)


class NotConfigured(DaemonTestCase):
    def test_start_is_404_without_oidc(self):
        r = self.d.get("/auth/oidc/start", token=None)
        self.assertError(r, 404, "not_found")


if __name__ == "__main__":
    unittest.main()
