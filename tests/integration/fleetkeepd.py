"""Starts the real fleetkeepd for integration tests and talks to it over HTTP on 127.0.0.1.

Each Daemon lives in its own temporary directory (config, state_dir, database), binds port 0 and
publishes the bound port in <state_dir>/port, so tests can run in parallel without clashing.
"""

import http.client
import json
import os
import signal
import subprocess
import tempfile
import time
import unittest

START_TIMEOUT = 10.0
STOP_TIMEOUT = 10.0


def daemon_path():
    path = os.environ.get("FLEETKEEPD")
    if not path:
        raise unittest.SkipTest("FLEETKEEPD is not set (path to the fleetkeepd binary)")
    return path


def cli_path():
    path = os.environ.get("FLEETKEEP_CLI")
    if not path:
        raise unittest.SkipTest("FLEETKEEP_CLI is not set (path to the fleetkeep binary)")
    return path


def wait_until(what, predicate, timeout=30.0):
    """Polls `predicate` until it returns something truthy (returned), or fails naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.05)


def import_counts(summary):
    """The row counts of an import's answer (which also lists ignored columns, warnings, checkouts)."""
    return {k: summary[k] for k in ("created", "updated", "unchanged")}


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lower-case names
        self.body = body        # bytes

    @property
    def text(self):
        return self.body.decode("utf-8")

    def json(self):
        return json.loads(self.body)

    def error_code(self):
        try:
            return self.json()["error"]["code"]
        except (ValueError, KeyError, TypeError):
            return None

    def __repr__(self):
        return "<Response %d %r>" % (self.status, self.body[:300])


class Daemon:
    """One fleetkeepd process. `extra_config` is YAML appended to the generated config."""

    def __init__(self, extra_config="", seed_csv=None, workdir=None):
        self._tmp = None
        if workdir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="fleetkeepd-test-")
            workdir = self._tmp.name
        self.dir = workdir
        self.state_dir = os.path.join(workdir, "var")
        self.config_path = os.path.join(workdir, "fleetkeepd.yaml")
        self.log_path = os.path.join(workdir, "fleetkeepd.log")
        self.proc = None
        self.port = None
        self.token = None
        self.write_config(extra_config, seed_csv)

    # --- configuration -------------------------------------------------------------------------
    def config_text(self, extra_config="", seed_csv=None):
        text = "listen: 127.0.0.1:0\nstate_dir: var\ndatabase: fleetkeep.db\nlog_level: info\n"
        if seed_csv is not None:
            with open(os.path.join(self.dir, "seed.csv"), "w", encoding="utf-8", newline="") as f:
                f.write(seed_csv)
            text += "seed_inventory: seed.csv\n"
        return text + extra_config

    def write_config(self, extra_config="", seed_csv=None):
        with open(self.config_path, "w", encoding="utf-8") as f:
            f.write(self.config_text(extra_config, seed_csv))

    # --- process -------------------------------------------------------------------------------
    def start(self):
        port_file = os.path.join(self.state_dir, "port")
        if os.path.exists(port_file):
            os.unlink(port_file)  # left by an earlier run in this directory
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([daemon_path(), "--config", self.config_path],
                                     stdout=self._log, stderr=self._log, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                raise AssertionError("fleetkeepd exited with %d during start:\n%s"
                                     % (self.proc.returncode, self.log()))
            text = _read(port_file)
            if text is not None and text.endswith("\n") and text.strip().isdigit():
                self.port = int(text.strip())
                break
            if time.monotonic() > deadline:
                self.kill()
                raise AssertionError("fleetkeepd wrote no port file within %ss:\n%s"
                                     % (START_TIMEOUT, self.log()))
            time.sleep(0.02)
        token = _read(os.path.join(self.state_dir, "admin.token"))
        if token is None:
            raise AssertionError("no admin.token after start:\n" + self.log())
        self.token = token.strip()
        return self

    def stop(self):
        """SIGTERM, then insist on a clean exit (0) within STOP_TIMEOUT."""
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        proc.send_signal(signal.SIGTERM)
        try:
            rc = proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise AssertionError("fleetkeepd did not exit within %ss of SIGTERM:\n%s"
                                 % (STOP_TIMEOUT, self.log()))
        finally:
            self._log.close()
        if rc != 0:
            raise AssertionError("fleetkeepd exited with %d after SIGTERM:\n%s" % (rc, self.log()))

    def restart(self):
        self.stop()
        return self.start()

    def kill(self):
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None
            self._log.close()

    def signal(self, sig):
        self.proc.send_signal(sig)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def log(self):
        return (_read(self.log_path) or "")

    def cleanup(self):
        self.kill()
        if self._tmp is not None:
            self._tmp.cleanup()

    # --- subcommands (token, backup, --check-config) --------------------------------------------
    def run_tool(self, *args, timeout=20):
        return subprocess.run([daemon_path(), "--config", self.config_path, *args],
                              capture_output=True, text=True, timeout=timeout)

    def create_token(self, name, role):
        r = self.run_tool("token", "create", "--name", name, "--role", role)
        if r.returncode != 0:
            raise AssertionError("token create failed (%d): %s%s" % (r.returncode, r.stdout, r.stderr))
        tokens = [w for w in r.stdout.split() if w.startswith("fk_")]
        if len(tokens) != 1:
            raise AssertionError("token create printed no single fk_ token: %r" % r.stdout)
        return tokens[0]

    # --- HTTP ----------------------------------------------------------------------------------
    def request(self, method, path, body=None, token="admin", content_type=None, headers=None,
                timeout=15):
        """`body`: dict/list (sent as JSON), str or bytes (sent as is). token="admin" uses the admin
        token; None sends no Authorization header."""
        hdrs = dict(headers or {})
        if token == "admin":
            token = self.token
        if token is not None:
            hdrs["Authorization"] = "Bearer " + token
        data = None
        if body is not None:
            if isinstance(body, (dict, list)):
                data = json.dumps(body).encode()
                content_type = content_type or "application/json"
            elif isinstance(body, str):
                data = body.encode("utf-8")
            else:
                data = body
        if content_type is not None:
            hdrs["Content-Type"] = content_type
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=data, headers=hdrs)
            r = conn.getresponse()
            return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
        finally:
            conn.close()

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body, **kw)

    def create_device(self, **fields):
        r = self.post("/api/v1/devices", fields)
        if r.status != 201:
            raise AssertionError("create %r: %r" % (fields, r))
        return r.json()

    def import_csv(self, text, **kw):
        return self.post("/api/v1/devices:import", text, content_type="text/csv", **kw)

    def all_devices(self, query=""):
        items, cursor = [], None
        while True:
            sep = "&" if query else ""
            path = "/api/v1/devices?" + query + ("%scursor=%s" % (sep, cursor) if cursor else "")
            r = self.get(path)
            if r.status != 200:
                raise AssertionError("list: %r" % r)
            page = r.json()
            items += page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                return items


def _read(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        return None


class DaemonTestCase(unittest.TestCase):
    """Gives each test method a started daemon in self.d unless the class sets autostart = False."""

    autostart = True
    extra_config = ""
    seed_csv = None

    def setUp(self):
        self.d = None
        if self.autostart:
            self.d = self.start_daemon(self.extra_config, self.seed_csv)

    def start_daemon(self, extra_config="", seed_csv=None, workdir=None):
        d = Daemon(extra_config, seed_csv, workdir)
        self.addCleanup(d.cleanup)
        d.start()
        # Registered after cleanup, so it runs first: a clean SIGTERM exit is part of every test.
        self.addCleanup(d.stop)
        return d

    def assertStatus(self, response, status, msg=None):
        if response.status != status:
            self.fail("expected HTTP %d, got %r%s" % (status, response, (": " + msg) if msg else ""))

    def assertError(self, response, status, code):
        self.assertStatus(response, status)
        self.assertEqual(response.error_code(), code, response)
        self.assertIsInstance(response.json()["error"].get("message"), str)


class SharedDaemonTestCase(DaemonTestCase):
    """One daemon for the whole class (faster); tests must use their own serials and tags."""

    autostart = False

    @classmethod
    def setUpClass(cls):
        d = Daemon(cls.extra_config, cls.seed_csv)
        cls.addClassCleanup(d.cleanup)
        d.start()
        cls.addClassCleanup(d.stop)
        cls.shared = d

    def setUp(self):
        self.d = self.shared
