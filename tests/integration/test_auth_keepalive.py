"""A keep-alive connection remembers the bearer token it last proved (issue 22): the next request
presenting the same bytes, with no commit to the database since, skips hashing the token. Each case
keeps one connection open, uses the credential on it several times, ends the credential (from the
command line, another process, or from the API on another connection) and asserts the very next
request on the same connection is a 401, still on that connection."""

import http.client

from fleetkeepd import DaemonTestCase
from signin_client import PASSWORD, Browser, create_user

LIST = "/api/v1/devices?limit=1"  # answered on the worker pool
BY_TAG = "/api/v1/devices/tag:CB-KA-1"  # answered on the I/O thread


class KeptAlive:
    """One HTTP/1.1 connection for every request, failing if the server closed it in between."""

    def __init__(self, daemon):
        self.conn = http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=15)
        self.conn.connect()
        self.sock = self.conn.sock

    def get(self, path, headers):
        self.conn.request("GET", path, headers=headers)
        r = self.conn.getresponse()
        r.read()
        if self.conn.sock is not self.sock:
            raise AssertionError("the server closed the kept-alive connection")
        return r.status

    def close(self):
        self.conn.close()


class ProvenTokens(DaemonTestCase):
    def setUp(self):
        super().setUp()
        self.d.create_device(asset_tag="CB-KA-1", serial="KA1")

    def connection(self):
        c = KeptAlive(self.d)
        self.addCleanup(c.close)
        return c

    def bearer(self, token):
        return {"Authorization": "Bearer " + token}

    def test_revoked_from_the_command_line_on_each_kind_of_route(self):
        for path in (BY_TAG, LIST):
            with self.subTest(path=path):
                name = "desk-" + str(len(path))
                token = self.d.create_token(name, "technician")
                c = self.connection()
                for _ in range(5):
                    self.assertEqual(c.get(path, self.bearer(token)), 200)
                r = self.d.run_tool("token", "revoke", name)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(c.get(path, self.bearer(token)), 401)
                self.assertEqual(c.get(path, self.bearer(token)), 401)

    def test_a_role_changed_by_another_process_applies_on_the_next_request(self):
        token = self.d.create_token("desk-role", "admin")
        c = self.connection()
        for _ in range(5):
            self.assertEqual(c.get(BY_TAG, self.bearer(token)), 200)
        # Revoked and re-created under the same name: a new secret; the old one must not come back.
        self.assertEqual(self.d.run_tool("token", "revoke", "desk-role").returncode, 0)
        fresh = self.d.create_token("desk-role", "viewer")
        self.assertEqual(c.get(BY_TAG, self.bearer(token)), 401)
        self.assertEqual(c.get(BY_TAG, self.bearer(fresh)), 200)

    def test_other_bytes_on_the_same_connection_are_checked_as_themselves(self):
        token = self.d.create_token("desk-a", "technician")
        c = self.connection()
        for _ in range(3):
            self.assertEqual(c.get(BY_TAG, self.bearer(token)), 200)
        forged = token[:-1] + ("0" if token[-1] != "0" else "1")
        self.assertEqual(c.get(BY_TAG, self.bearer(forged)), 401)
        self.assertEqual(c.get(BY_TAG, self.bearer(token[:-1])), 401)
        self.assertEqual(c.get(BY_TAG, self.bearer(token + "0")), 401)
        self.assertEqual(c.get(BY_TAG, {}), 401)
        self.assertEqual(c.get(BY_TAG, self.bearer(token)), 200)

    def test_a_revoke_while_other_requests_write_through_the_api(self):
        # Commits by the daemon itself (API writes on other connections) between the requests: the
        # proof is dropped at each, and the revoke still reaches the next request.
        token = self.d.create_token("desk-w", "technician")
        c = self.connection()
        for i in range(3):
            self.assertEqual(c.get(BY_TAG, self.bearer(token)), 200)
            self.d.create_device(asset_tag="CB-KA-W%d" % i, serial="KAW%d" % i)
        self.assertEqual(self.d.run_tool("token", "revoke", "desk-w").returncode, 0)
        self.assertEqual(c.get(BY_TAG, self.bearer(token)), 401)


class SessionsOnAKeptAliveConnection(DaemonTestCase):
    """Sessions are not remembered per connection; a session ended from the API (logout, on another
    connection) or by the command line (user disabled) is refused on the same kept-alive connection."""

    def setUp(self):
        super().setUp()
        self.d.create_device(asset_tag="CB-KA-1", serial="KA1")
        self.assertEqual(create_user(self.d, "tech", "technician").returncode, 0)

    def kept_alive_session(self):
        b = Browser(self.d)
        self.assertStatus(b.login("tech", PASSWORD), 200)
        c = KeptAlive(self.d)
        self.addCleanup(c.close)
        cookie = {"Cookie": "fk_session=" + b.cookie}
        for path in (BY_TAG, LIST):
            for _ in range(3):
                self.assertEqual(c.get(path, cookie), 200)
        return b, c, cookie

    def test_logout_from_the_api(self):
        b, c, cookie = self.kept_alive_session()
        self.assertEqual(b.post("/auth/logout").status, 204)
        self.assertEqual(c.get(BY_TAG, cookie), 401)
        self.assertEqual(c.get(LIST, cookie), 401)

    def test_user_disabled_from_the_command_line(self):
        _, c, cookie = self.kept_alive_session()
        self.assertEqual(self.d.run_tool("user", "disable", "tech").returncode, 0)
        self.assertEqual(c.get(BY_TAG, cookie), 401)
        self.assertEqual(c.get(LIST, cookie), 401)

