"""A fake Microsoft Graph + Entra token endpoint for the intune plugin's tests (Python stdlib, 127.0.0.1).

Serves POST /{tenant}/oauth2/v2.0/token (client credentials) and
GET /v1.0/deviceManagement/managedDevices with $select, paging by @odata.nextLink ($skiptoken) and
scripted faults. Use it in-process (FakeGraph(...).start()) or run it:

    python3 tests/fake_graph.py --devices devices.json [--page-size 2] [--port 0]
"""

import argparse
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DEVICES_PATH = "/v1.0/deviceManagement/managedDevices"


class FakeGraph:
    def __init__(self, devices=None, tenant="tenant-1", client_id="client-1", client_secret="s3cret",
                 page_size=2):
        self.devices = list(devices or [])
        self.tenant = tenant
        self.client_id = client_id
        self.client_secret = client_secret
        self.page_size = page_size
        # Each entry answers one devices request instead of the real page: "429" (Retry-After: 1),
        # "429-long" (Retry-After: 3600), "401", "500", "garbage".
        self.faults = []
        self.token_requests = 0
        self.device_requests = []  # request paths, in order
        self.issued = set()
        self.lock = threading.Lock()
        self.server = None
        self.thread = None

    @property
    def base_url(self):
        return "http://127.0.0.1:%d" % self.server.server_address[1]

    @property
    def token_url(self):
        return "%s/%s/oauth2/v2.0/token" % (self.base_url, self.tenant)

    def start(self, port=0):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                fake._token(self)

            def do_GET(self):
                fake._devices(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    # --- endpoints ---------------------------------------------------------------------------
    def _send(self, handler, status, body, headers=()):
        data = json.dumps(body).encode() if not isinstance(body, bytes) else body
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)

    def _token(self, handler):
        length = int(handler.headers.get("Content-Length") or 0)
        form = urllib.parse.parse_qs(handler.rfile.read(length).decode())
        with self.lock:
            self.token_requests += 1
            n = self.token_requests
        if handler.path != "/%s/oauth2/v2.0/token" % self.tenant:
            return self._send(handler, 400, {"error": "invalid_request",
                                             "error_description": "AADSTS90002: Tenant not found."})
        expected = {"grant_type": ["client_credentials"], "client_id": [self.client_id],
                    "client_secret": [self.client_secret], "scope": ["https://graph.microsoft.com/.default"]}
        if form != expected:
            return self._send(handler, 401, {"error": "invalid_client",
                                             "error_description": "AADSTS7000215: Invalid client secret provided."})
        token = "fake-token-%d" % n
        with self.lock:
            self.issued.add(token)
        self._send(handler, 200, {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599,
                                  "access_token": token})

    def _devices(self, handler):
        url = urllib.parse.urlsplit(handler.path)
        with self.lock:
            self.device_requests.append(handler.path)
            fault = self.faults.pop(0) if self.faults else None
        if url.path != DEVICES_PATH:
            return self._send(handler, 404, {"error": {"code": "ResourceNotFound", "message": "no such path"}})
        auth = handler.headers.get("Authorization", "")
        if fault == "401" or not auth.startswith("Bearer ") or auth[7:] not in self.issued:
            return self._send(handler, 401, {"error": {"code": "InvalidAuthenticationToken",
                                                       "message": "Access token is empty or invalid."}})
        if fault == "429":
            return self._send(handler, 429, {"error": {"code": "TooManyRequests", "message": "slow down"}},
                              [("Retry-After", "1")])
        if fault == "429-long":
            return self._send(handler, 429, {"error": {"code": "TooManyRequests", "message": "slow down"}},
                              [("Retry-After", "3600")])
        if fault == "500":
            return self._send(handler, 500, {"error": {"code": "InternalServerError", "message": "oops"}})
        if fault == "garbage":
            return self._send(handler, 200, b"<html>not json</html>")
        query = urllib.parse.parse_qs(url.query)
        select = query.get("$select", [""])[0].split(",")
        skip = int(query.get("$skiptoken", ["0"])[0])
        page = self.devices[skip:skip + self.page_size]
        body = {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#deviceManagement/managedDevices",
                "value": [{k: v for k, v in d.items() if k in select} for d in page]}
        if skip + self.page_size < len(self.devices):
            next_query = urllib.parse.urlencode({"$select": ",".join(select), "$skiptoken": skip + self.page_size},
                                                safe="$,")
            body["@odata.nextLink"] = "%s%s?%s" % (self.base_url, DEVICES_PATH, next_query)
        self._send(handler, 200, body)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--devices", help="JSON file: a list of managedDevice objects")
    parser.add_argument("--page-size", type=int, default=2)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--secret", default="s3cret")
    args = parser.parse_args()
    devices = []
    if args.devices:
        with open(args.devices, encoding="utf-8") as f:
            devices = json.load(f)
    fake = FakeGraph(devices, client_secret=args.secret, page_size=args.page_size).start(args.port)
    print("graph_base_url: %s\ntoken_url: %s" % (fake.base_url, fake.token_url), flush=True)
    try:
        fake.thread.join()
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
