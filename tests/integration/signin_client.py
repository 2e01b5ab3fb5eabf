"""A browser-like client for the sign-in tests: keeps the fk_session cookie and the CSRF token."""

import http.client
import json
import os
import subprocess
import tempfile

from fleetkeepd import Response, daemon_path

PASSWORD = "a long staff password"


def create_user(d, name, role, password=PASSWORD, scopes=(), email=None, via_file=False):
    args = ["user", "create", "--name", name, "--role", role]
    for s in scopes:
        args += ["--scope", s]
    if email:
        args += ["--email", email]
    if via_file:
        f = tempfile.NamedTemporaryFile("w", delete=False)
        f.write(password + "\n")
        f.close()
        try:
            return d.run_tool(*args, "--password-file", f.name)
        finally:
            os.unlink(f.name)
    return subprocess.run([daemon_path(), "--config", d.config_path, *args], input=password + "\n",
                          capture_output=True, text=True, timeout=30)


class Browser:
    def __init__(self, daemon, origin=None):
        self.d = daemon
        self.cookie = None
        self.csrf = None
        self.origin = origin  # sent as Origin on every request when set

    def request(self, method, path, body=None, csrf=True, headers=None, content_type=None):
        hdrs = dict(headers or {})
        if self.cookie:
            hdrs["Cookie"] = "fk_session=" + self.cookie
        if csrf and self.csrf and method not in ("GET", "HEAD"):
            hdrs["X-CSRF-Token"] = self.csrf
        if self.origin:
            hdrs["Origin"] = self.origin
        data = None
        if body is not None:
            if isinstance(body, (dict, list)):
                data = json.dumps(body).encode()
                content_type = content_type or "application/json"
            else:
                data = body.encode() if isinstance(body, str) else body
        if content_type:
            hdrs["Content-Type"] = content_type
        conn = http.client.HTTPConnection("127.0.0.1", self.d.port, timeout=15)
        try:
            conn.request(method, path, body=data, headers=hdrs)
            r = conn.getresponse()
            headers = {}
            set_cookies = []
            for k, v in r.getheaders():
                headers[k.lower()] = v
                if k.lower() == "set-cookie":
                    set_cookies.append(v)
            resp = Response(r.status, headers, r.read())
            resp.set_cookies = set_cookies
            return resp
        finally:
            conn.close()

    def login(self, name, password):
        r = self.request("POST", "/auth/login", {"name": name, "password": password})
        if r.status == 200:
            for c in r.set_cookies:
                if c.startswith("fk_session="):
                    self.cookie = c.split(";", 1)[0].split("=", 1)[1]
            self.csrf = r.json()["csrf"]
        return r

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body, **kw)
