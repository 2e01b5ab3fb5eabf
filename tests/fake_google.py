#!/usr/bin/env python3
"""A local stand-in for Google's OAuth token endpoint and the Directory API's ChromeOS device list.

Python stdlib only; listens on 127.0.0.1, port 0. It checks what Google checks: the JWT assertion's
RS256 signature (against the public half of a key it generates with `openssl genpkey`, verified by
modular exponentiation) and its claims (iss, sub, scope, aud, iat/exp), the Bearer token on list calls,
maxResults <= 300 and the page tokens it handed out. It serves realistic pages, honours `query=sync:`
date ranges and `fields=` partial responses, and injects faults on request:

    fake = FakeGoogle(workdir)                 # writes workdir/service-account.json, starts serving
    fake.set_devices([make_device(i) for i in range(500)])
    fake.add_fault("list", "429", retry_after=1)       # next list call: 429 rateLimitExceeded
    fake.add_fault("list", "truncated", page=2)        # page 2 cut in half (200, broken JSON)
    fake.add_fault("token", "refuse")                  # next token request: 400 invalid_grant
    fake.list_requests()                               # [{"maxResults": "300", "query": ...}, ...]
    fake.close()

It also takes the write-back calls (PATCH of a device's annotations, batchChangeStatus, moveDevicesToOu),
with the read-write scope only, applies them to its devices and records them:

    fake.write_requests()                              # [{"method": "PATCH", "path": ..., "body": {...}}]
    fake.add_fault("write", "429", retry_after=1)      # next write call (or "patch"/"status"/"move" only)
    fake.add_fault("write", "403")                     # insufficient scope
    fake.fail_status_change(device_id, 412, "No license available")  # that device fails inside a batch

Run it alone (`tests/fake_google.py --devices 1000`) to poke at it with curl.
"""

import base64
import datetime
import hashlib
import http.server
import json
import os
import re
import subprocess
import threading
import time
import urllib.parse

SCOPE = "https://www.googleapis.com/auth/admin.directory.device.chromeos.readonly"
WRITE_SCOPE = "https://www.googleapis.com/auth/admin.directory.device.chromeos"
DEVICES_PATH = re.compile(r"^/admin/directory/v1/customer/([^/]+)/devices/chromeos")
WRITABLE = {"annotatedUser", "annotatedLocation", "notes", "orgUnitPath", "annotatedAssetId"}
STATUS_ACTIONS = {"CHANGE_CHROME_OS_DEVICE_STATUS_ACTION_DISABLE": ("ACTIVE", "DISABLED"),
                  "CHANGE_CHROME_OS_DEVICE_STATUS_ACTION_REENABLE": ("DISABLED", "ACTIVE"),
                  "CHANGE_CHROME_OS_DEVICE_STATUS_ACTION_DEPROVISION": (None, "DEPROVISIONED")}
CLIENT_EMAIL = "fleetkeep-sync@district-test.iam.gserviceaccount.com"
SUBJECT = "admin@district.example.org"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
LIST_PATH = re.compile(r"^/admin/directory/v1/customer/([^/]+)/devices/chromeos$")
# DER prefix of DigestInfo for SHA-256 (RFC 8017, 9.2 note 1).
SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")

MODELS = [("HP Chromebook 11 G9 EE", "2028-06-01"), ("Lenovo 100e Chromebook Gen 3", "2029-06-01"),
          ("Dell Chromebook 3100", "2026-06-01"), ("Acer Chromebook Spin 511", "2027-06-01"),
          ("ASUS Chromebook Flip C214", "2026-06-01")]
SCHOOLS = ["Lincoln MS", "Roosevelt ES", "Washington HS", "Jefferson ES", "Adams MS"]


def make_device(i, **overrides):
    """A ChromeOS device record as the FULL projection returns it (fields omitted when empty)."""
    model, aue = MODELS[i % len(MODELS)]
    school = SCHOOLS[i % len(SCHOOLS)]
    d = {
        "kind": "admin#directory#chromeosdevice",
        "etag": '"etag-%d"' % i,
        "deviceId": "%08x-%04x-4%03x-8%03x-%012x" % (0x9a1e0000 + i, i % 0xffff, i % 0xfff, i % 0xfff, i),
        "serialNumber": "5CD%07d" % i,
        "status": "ACTIVE",
        "lastSync": "2026-11-%02dT%02d:%02d:27.512Z" % (1 + i % 26, i % 24, i % 60),
        "annotatedAssetId": "CB-%06d" % i,
        "annotatedLocation": "%s / Cart %d" % (school, 1 + i % 9),
        "annotatedUser": "s%06d@students.example.org" % i,
        "model": model,
        "osVersion": "130.0.6723.%d" % (100 + i % 30),
        "platformVersion": "16002.51.0 (Official Build) stable-channel dedede",
        "firmwareVersion": "Google_Drawcia.13606.459.0",
        "bootMode": "Verified",
        "macAddress": "f8b46a%06x" % i,
        "ethernetMacAddress": "0C7A15%06X" % i,
        "orgUnitPath": "/Students/" + school,
        "orgUnitId": "03ph8a2z%07d" % (i % len(SCHOOLS)),
        "recentUsers": [{"type": "USER_TYPE_MANAGED", "email": "s%06d@students.example.org" % i},
                        {"type": "USER_TYPE_UNMANAGED"}],
        "activeTimeRanges": [{"date": "2026-11-25", "activeTime": 14400000}],
        "lastKnownNetwork": [{"ipAddress": "10.%d.%d.%d" % (i >> 16 & 255, i >> 8 & 255, i & 255),
                              "wanIpAddress": "203.0.113.7"}],
        "cpuStatusReports": [{"reportTime": "2026-11-26T14:00:00.000Z",
                              "cpuUtilizationPercentageInfo": [12, 7]}],
        "systemRamTotal": "4294967296",
        "autoUpdateThrough": aue,
        "chromeOsType": "chromeOs",
        "deviceLicenseType": "educationUpgradePerpetual",
    }
    d.update(overrides)
    return {k: v for k, v in d.items() if v is not None}


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify_rs256(n, e, signing_input, signature):
    """RSASSA-PKCS1-v1_5 with SHA-256, by the book: s^e mod n must be the padded DigestInfo."""
    k = (n.bit_length() + 7) // 8
    if len(signature) != k:
        return False
    em = pow(int.from_bytes(signature, "big"), e, n).to_bytes(k, "big")
    t = SHA256_DIGEST_INFO + hashlib.sha256(signing_input).digest()
    return em == b"\x00\x01" + b"\xff" * (k - len(t) - 3) + b"\x00" + t


def generate_key(workdir):
    """A throw-away RSA key; returns (pkcs8 pem, n, e)."""
    path = os.path.join(workdir, "fake-google-test-key.pem")
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                    "-out", path], check=True, capture_output=True)
    text = subprocess.run(["openssl", "rsa", "-in", path, "-noout", "-text"], check=True,
                          capture_output=True, text=True).stdout
    modulus = re.search(r"modulus:\s*\n((?:\s+[0-9a-f:]+\n)+)", text).group(1)
    n = int(re.sub(r"[\s:]", "", modulus), 16)
    e = int(re.search(r"publicExponent: (\d+)", text).group(1))
    with open(path, encoding="ascii") as f:
        pem = f.read()
    os.unlink(path)
    return pem, n, e


def error_body(code, reason, message):
    return {"error": {"code": code, "message": message,
                      "errors": [{"message": message, "domain": "global", "reason": reason}]}}


class FakeGoogle:
    def __init__(self, workdir, customer_id="my_customer", subject=SUBJECT, token_lifetime=3599):
        self.customer_id = customer_id
        self.subject = subject
        self.token_lifetime = token_lifetime
        self._lock = threading.Lock()
        self._devices = []
        self._encoded = []        # json.dumps of each device, so 100k-device pages are cheap to serve
        self._partial = {}        # the same cut down to a `fields=` selection
        self._faults = []
        self._list_requests = []
        self._tokens = {}         # access token -> the scope it was granted
        self._writes = []
        self._index = {}          # deviceId -> position in _devices
        self._status_failures = {}  # deviceId -> (code, message) for batchChangeStatus
        self.token_requests = 0
        self.token_rejections = []  # why an assertion was refused (bad signature, wrong claim...)
        pem, self._n, self._e = generate_key(workdir)
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.base_url = "http://127.0.0.1:%d" % self.port
        self.token_url = self.base_url + "/token"
        self.key_path = os.path.join(workdir, "service-account.json")
        key = {"type": "service_account", "project_id": "district-test",
               "private_key_id": "0123456789abcdef0123456789abcdef01234567", "private_key": pem,
               "client_email": CLIENT_EMAIL, "client_id": "123456789012345678901",
               "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": self.token_url}
        fd = os.open(self.key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            json.dump(key, f)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    # --- control --------------------------------------------------------------------------------
    def close(self):
        self._server.shutdown()
        self._server.server_close()

    def set_devices(self, devices):
        with self._lock:
            self._devices = list(devices)
            self._encoded = [json.dumps(d, separators=(",", ":")) for d in self._devices]
            self._partial = {}
            self._index = {d.get("deviceId"): i for i, d in enumerate(self._devices)}

    def update_device(self, index, **fields):
        with self._lock:
            self._update_locked(index, fields)

    def device(self, index):
        with self._lock:
            return dict(self._devices[index])

    def _update_locked(self, index, fields):
        d = dict(self._devices[index])
        d.update(fields)
        d = {k: v for k, v in d.items() if v is not None}
        self._devices[index] = d
        self._encoded[index] = json.dumps(d, separators=(",", ":"))
        self._partial = {}

    def add_fault(self, where, kind, times=1, retry_after=None, page=None):
        """where: "list", "token", or for write-back "write" (any write call), "patch", "status", "move".
        kinds: list 429|quota|503|500|403|401|truncated|malformed; token refuse|unauthorized_client|503;
        write 429|503|500|403. `page` (1-based) limits a list fault to that page."""
        with self._lock:
            self._faults.append({"where": where, "kind": kind, "times": times,
                                 "retry_after": retry_after, "page": page})

    def clear_faults(self):
        with self._lock:
            self._faults = []

    def grant_token(self, token, scope=WRITE_SCOPE):
        """Accepts `token` without a JWT exchange (for benchmarks calling the API directly)."""
        with self._lock:
            self._tokens[token] = scope

    def fail_status_change(self, device_id, code, message):
        """batchChangeStatus reports an error for this device (the others in the batch succeed)."""
        with self._lock:
            self._status_failures[device_id] = (code, message)

    def write_requests(self):
        with self._lock:
            return list(self._writes)

    def token_scopes(self):
        with self._lock:
            return sorted(set(self._tokens.values()))

    def revoke_tokens(self):
        with self._lock:
            self._tokens.clear()

    def list_requests(self):
        with self._lock:
            return list(self._list_requests)

    def clear_requests(self):
        with self._lock:
            self._list_requests = []
            self._writes = []
            self.token_requests = 0

    # --- serving --------------------------------------------------------------------------------
    def _take_fault(self, where, page=None):
        with self._lock:
            for f in self._faults:
                if f["where"] == where and f["times"] > 0 and (f["page"] is None or f["page"] == page):
                    f["times"] -= 1
                    return dict(f)
        return None

    def _encoded_for(self, wanted):
        """Each device as JSON, cut down to `wanted` fields (a partial response); cached. Holds _lock."""
        if wanted is None:
            return self._encoded
        key = tuple(sorted(wanted))
        if self._partial.get(key) is None or len(self._partial[key]) != len(self._devices):
            self._partial = {key: [json.dumps({k: v for k, v in d.items() if k in wanted}, separators=(",", ":"))
                                   for d in self._devices]}
        return self._partial[key]

    def _check_assertion(self, form):
        if form.get("grant_type") != JWT_BEARER:
            return "unsupported grant_type"
        parts = form.get("assertion", "").split(".")
        if len(parts) != 3:
            return "assertion is not a JWT"
        try:
            header = json.loads(b64url_decode(parts[0]))
            claims = json.loads(b64url_decode(parts[1]))
            signature = b64url_decode(parts[2])
        except ValueError:
            return "assertion is not base64url JSON"
        if header.get("alg") != "RS256":
            return "alg is not RS256"
        if not verify_rs256(self._n, self._e, (parts[0] + "." + parts[1]).encode(), signature):
            return "Invalid JWT Signature."
        now = time.time()
        checks = [(claims.get("iss") == CLIENT_EMAIL, "iss"), (claims.get("sub") == self.subject, "sub"),
                  (claims.get("scope") in (SCOPE, WRITE_SCOPE), "scope"), (claims.get("aud") == self.token_url, "aud"),
                  (isinstance(claims.get("iat"), int) and abs(claims["iat"] - now) < 300, "iat"),
                  (isinstance(claims.get("exp"), int) and claims["exp"] > now
                   and claims["exp"] - claims.get("iat", 0) <= 3600, "exp")]
        for ok, name in checks:
            if not ok:
                return "bad claim " + name
        return None

    def _token(self, form):
        with self._lock:
            self.token_requests += 1
        fault = self._take_fault("token")
        if fault and fault["kind"] == "refuse":
            return 400, {"error": "invalid_grant", "error_description": "Invalid email or User ID"}, {}
        if fault and fault["kind"] == "unauthorized_client":
            return 401, {"error": "unauthorized_client",
                         "error_description": "Client is unauthorized to retrieve access tokens"}, {}
        if fault and fault["kind"] == "503":
            return 503, {"error": "temporarily_unavailable"}, {}
        problem = self._check_assertion(form)
        if problem:
            with self._lock:
                self.token_rejections.append(problem)
            return 400, {"error": "invalid_grant", "error_description": problem}, {}
        token = "ya29.fake-" + base64.urlsafe_b64encode(os.urandom(18)).decode()
        scope = json.loads(b64url_decode(form["assertion"].split(".")[1]))["scope"]
        with self._lock:
            self._tokens[token] = scope
        return 200, {"access_token": token, "token_type": "Bearer", "expires_in": self.token_lifetime}, {}

    def _list(self, customer, query, authorization):
        with self._lock:
            self._list_requests.append(query)
            authorized = authorization.startswith("Bearer ") and authorization[7:] in self._tokens
        if not authorized:
            return 401, error_body(401, "authError", "Invalid Credentials"), {}
        if customer != self.customer_id:
            return 404, error_body(404, "notFound", "Resource Not Found: customer"), {}
        try:
            size = int(query.get("maxResults", "100"))
            start = int(base64.urlsafe_b64decode(query["pageToken"]).decode()[1:]) if "pageToken" in query else 0
        except ValueError:
            return 400, error_body(400, "invalid", "Invalid value"), {}
        if not 1 <= size <= 300:
            return 400, error_body(400, "invalid", "Invalid value for maxResults"), {}
        page = start // size + 1
        fault = self._take_fault("list", page)
        if fault:
            kind, headers = fault["kind"], {}
            if fault["retry_after"] is not None:
                headers["Retry-After"] = str(fault["retry_after"])
            if kind == "429":
                return 429, error_body(429, "rateLimitExceeded", "Rate Limit Exceeded"), headers
            if kind == "quota":
                return 403, error_body(403, "userRateLimitExceeded", "Queries per minute per user"), headers
            if kind in ("503", "500"):
                return int(kind), error_body(int(kind), "backendError", "Backend Error"), headers
            if kind == "403":
                return 403, error_body(403, "forbidden", "Not Authorized to access this resource/api"), {}
            if kind == "401":
                return 401, error_body(401, "authError", "Invalid Credentials"), {}
        since, until = sync_range(query.get("query", ""))
        wanted = device_fields(query.get("fields", ""))
        with self._lock:
            encoded = self._encoded_for(wanted)
            if since is None and until is None:
                chosen = encoded
            else:
                chosen = [encoded[i] for i, d in enumerate(self._devices)
                          if in_range(d.get("lastSync", ""), since, until)]
            items = chosen[start:start + size]
            more = start + size < len(chosen)
        body = '{"kind":"admin#directory#chromeosdevices","etag":"\\"page-%d\\""' % page
        if items:
            body += ',"chromeosdevices":[' + ",".join(items) + "]"
        if more:
            body += ',"nextPageToken":"%s"' % base64.urlsafe_b64encode(
                ("o%d" % (start + size)).encode()).decode()
        body += "}"
        if fault and fault["kind"] == "truncated":
            body = body[:len(body) // 2]
        elif fault and fault["kind"] == "malformed":
            body = "<html><body>Service Unavailable</body></html>"
        return 200, body, {}

    def _write(self, method, path, query, body_text, authorization):
        """A write-back call: recorded, checked like Google checks it, applied to the devices."""
        try:
            body = json.loads(body_text) if body_text else None
        except ValueError:
            body = body_text
        m = DEVICES_PATH.match(path)
        rest = path[m.end():] if m else ""
        kind = ("patch" if method == "PATCH" and rest.startswith("/") else
                "status" if method == "POST" and rest == ":batchChangeStatus" else
                "move" if method == "POST" and rest == "/moveDevicesToOu" else None)
        with self._lock:
            self._writes.append({"method": method, "path": path, "query": query, "body": body})
            scope = self._tokens.get(authorization[7:]) if authorization.startswith("Bearer ") else None
        if kind is None:
            return 404, error_body(404, "notFound", "Not Found"), {}
        if scope is None:
            return 401, error_body(401, "authError", "Invalid Credentials"), {}
        if urllib.parse.unquote(m.group(1)) != self.customer_id:
            return 404, error_body(404, "notFound", "Resource Not Found: customer"), {}
        fault = self._take_fault("write") or self._take_fault(kind)
        if fault:
            headers = {"Retry-After": str(fault["retry_after"])} if fault["retry_after"] is not None else {}
            if fault["kind"] == "429":
                return 429, error_body(429, "rateLimitExceeded", "Rate Limit Exceeded"), headers
            if fault["kind"] in ("503", "500"):
                return int(fault["kind"]), error_body(int(fault["kind"]), "backendError", "Backend Error"), headers
            if fault["kind"] == "403":
                return 403, error_body(403, "forbidden", "Not Authorized to access this resource/api"), {}
        if scope != WRITE_SCOPE:
            return 403, error_body(403, "insufficientPermissions",
                                   "Request had insufficient authentication scopes."), {}
        if kind == "patch":
            return self._patch(urllib.parse.unquote(rest[1:]), query, body)
        if not isinstance(body, dict) or not isinstance(body.get("deviceIds"), list):
            return 400, error_body(400, "invalid", "deviceIds is required"), {}
        ids = body["deviceIds"]
        if not 1 <= len(ids) <= 50:
            return 400, error_body(400, "invalid", "deviceIds takes 1 to 50 IDs"), {}
        if kind == "status":
            return self._change_status(ids, body)
        ou = query.get("orgUnitPath", "")
        if not ou.startswith("/"):
            return 400, error_body(400, "invalid", "Invalid Input: orgUnitPath"), {}
        with self._lock:
            for device_id in ids:  # like Google: unknown IDs pass without a word
                if device_id in self._index:
                    self._update_locked(self._index[device_id], {"orgUnitPath": ou})
        return 200, "", {}

    def _patch(self, device_id, query, body):
        if not isinstance(body, dict) or not body or set(body) - WRITABLE:
            return 400, error_body(400, "invalid", "Invalid Input: only %s can change" % sorted(WRITABLE)), {}
        if any(not isinstance(v, str) for v in body.values()):
            return 400, error_body(400, "invalid", "Invalid Input"), {}
        with self._lock:
            if device_id not in self._index:
                return 404, error_body(404, "notFound", "Resource Not Found: deviceId"), {}
            self._update_locked(self._index[device_id], body)
            return 200, self._devices[self._index[device_id]], {}

    def _change_status(self, ids, body):
        action = body.get("changeChromeOsDeviceStatusAction")
        if action not in STATUS_ACTIONS:
            return 400, error_body(400, "invalid", "Invalid changeChromeOsDeviceStatusAction"), {}
        if "deprovisionReason" in body and action != "CHANGE_CHROME_OS_DEVICE_STATUS_ACTION_DEPROVISION":
            return 400, error_body(400, "invalid", "deprovisionReason is for DEPROVISION only"), {}
        before, after = STATUS_ACTIONS[action]
        results = []
        with self._lock:
            for device_id in ids:
                if device_id in self._status_failures:
                    code, message = self._status_failures[device_id]
                    results.append({"deviceId": device_id, "error": {"code": code, "message": message}})
                elif device_id not in self._index:
                    results.append({"deviceId": device_id, "error": {"code": 404, "message": "Not found"}})
                elif before and self._devices[self._index[device_id]].get("status") != before:
                    results.append({"deviceId": device_id, "error": {
                        "code": 412, "message": "Device is not %s" % before.lower()}})
                else:
                    self._update_locked(self._index[device_id], {"status": after})
                    results.append({"deviceId": device_id, "response": {}})
        return 200, {"changeChromeOsDeviceStatusResults": results}, {}

    def _handler(self):
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes; with Nagle on, the body waits for the client's
            # delayed ACK (40 ms a page), which would be timed as the daemon's.
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def _reply(self, status, body, headers):
                data = (body if isinstance(body, str) else json.dumps(body)).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def _write(self):
                length = int(self.headers.get("Content-Length") or 0)
                url = urllib.parse.urlsplit(self.path)
                self._reply(*fake._write(self.command, url.path, dict(urllib.parse.parse_qsl(url.query)),
                                         self.rfile.read(length).decode(), self.headers.get("Authorization", "")))

            def do_PATCH(self):
                self._write()

            def do_POST(self):
                if urllib.parse.urlsplit(self.path).path != "/token":
                    return self._write()
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                self._reply(*fake._token(form))

            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                m = LIST_PATH.match(url.path)
                if not m:
                    return self._reply(404, error_body(404, "notFound", "Not Found"), {})
                query = dict(urllib.parse.parse_qsl(url.query))
                self._reply(*fake._list(urllib.parse.unquote(m.group(1)), query,
                                        self.headers.get("Authorization", "")))

        return Handler


def sync_range(query):
    """`sync:D..`, `sync:..D`, `sync:D1..D2` or `sync:D` to (since, until) dates, None for open ends."""
    m = re.fullmatch(r"sync:(\d{4}-\d{2}-\d{2})?(\.\.)?(\d{4}-\d{2}-\d{2})?", query.strip())
    if not query or not m:
        return None, None
    since = datetime.date.fromisoformat(m.group(1)) if m.group(1) else None
    until = datetime.date.fromisoformat(m.group(3)) if m.group(3) else None
    if not m.group(2):
        until = since
    return since, until


def device_fields(spec):
    """The device fields of a partial-response selection "nextPageToken,chromeosdevices(a,b)", or None
    for the whole record (no `fields`, or `chromeosdevices` named without a sub-selection)."""
    m = re.search(r"chromeosdevices\(([^)]*)\)", spec)
    return set(f.strip() for f in m.group(1).split(",")) if m else None


def in_range(last_sync, since, until):
    try:
        day = datetime.date.fromisoformat(last_sync[:10])
    except ValueError:
        return False
    return (since is None or day >= since) and (until is None or day <= until)


if __name__ == "__main__":
    import argparse
    import tempfile
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        fake = FakeGoogle(tmp)
        fake.set_devices([make_device(i) for i in range(args.devices)])
        print("list:  %s/admin/directory/v1/customer/my_customer/devices/chromeos" % fake.base_url)
        print("token: %s   key: %s" % (fake.token_url, fake.key_path), flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            fake.close()
