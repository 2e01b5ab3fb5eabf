"""A fake Snipe-IT API for the snipeit plugin's tests (Python stdlib, 127.0.0.1).

Serves GET /api/v1/hardware?limit=&offset=&sort=id&order=asc with a bearer token, answering as Snipe-IT
does: {"total", "rows"}, every string HTML-escaped, dates as {"date", "formatted"}, a bad token as
401 {"error": "Unauthorized or unauthenticated."}, and scripted faults. Use it in-process:
FakeSnipeIt(assets, token="t0ken").start().
"""

import html
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HARDWARE_PATH = "/api/v1/hardware"


def escape(value):
    """Snipe-IT escapes every string it returns (&amp; &lt; &gt; &quot; &#039;)."""
    if isinstance(value, str):
        return html.escape(value, quote=True).replace("&#x27;", "&#039;")
    if isinstance(value, dict):
        return {k: escape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [escape(v) for v in value]
    return value


def asset(id, tag, serial, model="HP Chromebook 11 G9 EE", category="Chromebooks", status="Ready to Deploy",
          meta="deployable", **extra):
    row = {"id": id, "name": extra.pop("name", None), "asset_tag": tag, "serial": serial,
           "model": {"id": 1, "name": model}, "model_number": extra.pop("model_number", ""),
           "category": {"id": 2, "name": category}, "manufacturer": {"id": 3, "name": "HP"},
           "supplier": {"id": 4, "name": extra.pop("supplier", "CDW-G")},
           "location": {"id": 5, "name": extra.pop("location", "Maple Elementary")},
           "status_label": {"id": 1, "name": status, "status_type": meta, "status_meta": meta},
           "purchase_date": {"date": "2022-09-01", "formatted": "09/01/2022"}, "purchase_cost": "1,234.56",
           "order_number": "PO-7781", "warranty_expires": {"date": "2025-09-01", "formatted": "09/01/2025"},
           "asset_eol_date": None, "notes": extra.pop("notes", None), "assigned_to": None}
    row.update(extra)
    return row


class FakeSnipeIt:
    def __init__(self, assets=None, token="t0ken"):
        self.assets = list(assets or [])
        self.token = token
        # Each entry answers one request instead of the real page: "429" (Retry-After: 1), "truncated".
        self.faults = []
        self.requests = []  # (path, Authorization header), in order
        self.lock = threading.Lock()
        self.server = None

    @property
    def base_url(self):
        return "http://127.0.0.1:%d" % self.server.server_address[1]

    def start(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                fake._hardware(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def count(self):
        with self.lock:
            return len(self.requests)

    def _send(self, handler, status, body, headers=()):
        data = json.dumps(body).encode() if not isinstance(body, bytes) else body
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)

    def _hardware(self, handler):
        url = urllib.parse.urlsplit(handler.path)
        auth = handler.headers.get("Authorization", "")
        with self.lock:
            self.requests.append((handler.path, auth))
            fault = self.faults.pop(0) if self.faults else None
        if url.path != HARDWARE_PATH:
            return self._send(handler, 404, {"status": "error", "messages": "Not found", "payload": None})
        if auth != "Bearer " + self.token:
            return self._send(handler, 401, {"error": "Unauthorized or unauthenticated."})
        if fault == "429":
            return self._send(handler, 429, {"status": "error", "messages": "Too many requests. Try again in 1 seconds.",
                                             "status_code": 429, "retryAfter": 1},
                              [("Retry-After", "1"), ("X-RateLimit-Limit", "120"), ("X-RateLimit-Remaining", "0")])
        query = urllib.parse.parse_qs(url.query)
        limit = max(1, min(500, int(query.get("limit", ["500"])[0])))
        offset = min(int(query.get("offset", ["0"])[0]), len(self.assets))
        rows = sorted(self.assets, key=lambda a: a["id"])[offset:offset + limit]
        body = json.dumps({"total": len(self.assets), "rows": escape(rows)}).encode()
        if fault == "truncated":
            body = body[:len(body) // 2]
        self._send(handler, 200, body, [("X-RateLimit-Limit", "120")])
