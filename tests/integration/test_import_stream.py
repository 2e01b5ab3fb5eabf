"""Bodies in pieces (issue 22): the device import reads its body as it arrives, and the device export
and the plan's CSV are written with chunked transfer encoding. What must not change: an import is all
or none and lists every bad line, a body cut off or over the limit changes nothing, 100-continue, a
busy database's 503, and the exported bytes."""

import csv
import io
import socket
import unittest

from fleetkeepd import DaemonTestCase, import_counts, wait_until
from http_wire import Conn, request
from test_db_contention import WriteLock, in_progress


def rows_csv(count, start=0, prefix="ST"):
    lines = ["asset_tag,serial,kind,location,purchase_date"]
    for i in range(start, start + count):
        lines.append("%s-%d,%sS-%d,chromebook,Room %d,2024-08-%02d" % (prefix, i, prefix, i, i % 40, 1 + i % 28))
    return "\r\n".join(lines) + "\r\n"


def chunked_head(token, path="/api/v1/devices:import", extra=()):
    lines = ["POST %s HTTP/1.1" % path, "Host: 127.0.0.1", "Authorization: Bearer " + token,
             "Content-Type: text/csv", "Transfer-Encoding: chunked"] + list(extra)
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def chunked(body, piece):
    out = b""
    for i in range(0, len(body), piece):
        part = body[i:i + piece]
        out += b"%x\r\n" % len(part) + part + b"\r\n"
    return out + b"0\r\n\r\n"


class StreamedImport(DaemonTestCase):
    extra_config = "limits:\n  import_body_bytes: 2MiB\n"

    def conn(self):
        c = Conn(self.d.port, timeout=60)
        self.addCleanup(c.close)
        return c

    def test_a_chunked_body_in_small_pieces_is_imported_whole(self):
        body = rows_csv(3000).encode()
        c = self.conn()
        c.send(chunked_head(self.d.token))
        # Many pieces, each its own send: the parser sees records split anywhere.
        for i in range(0, len(body), 997):
            part = body[i:i + 997]
            c.send(b"%x\r\n" % len(part) + part + b"\r\n")
        c.send(b"0\r\n\r\n")
        r = c.response()
        self.assertStatus(r, 200)
        self.assertEqual(import_counts(r.json()), {"created": 3000, "updated": 0, "unchanged": 0})
        # The connection carries the next request.
        c.send(request("GET", "/api/v1/devices/tag:ST-2999", self.d.token))
        self.assertEqual(c.response().json()["location"], "Room %d" % (2999 % 40))

    def test_every_bad_line_is_listed_and_nothing_is_written(self):
        lines = rows_csv(20000).split("\r\n")
        lines[5] = "ST-X5,STS-X5,toaster,Room 1,2024-08-01"           # unknown kind
        lines[10000] = "ST-X10000,STS-X10000,laptop,Room 1,31/31/2024"  # not a date
        lines[15000] = "ST-X15000,STS-7,laptop,Room 1,2024-08-01"       # the serial of line 9
        lines[20000] = "ST-X20000,STS-X20000,laptop,Room 1,2024-08-01,extra"  # the last line
        body = "\r\n".join(lines)
        for how in ("content-length", "chunked"):
            with self.subTest(how):
                if how == "chunked":
                    c = self.conn()
                    c.send(chunked_head(self.d.token) + chunked(body.encode(), 65536))
                    r = c.response()
                else:
                    r = self.d.import_csv(body, timeout=60)
                self.assertError(r, 400, "invalid")
                errors = r.json()["error"]["details"]["errors"]
                self.assertEqual([e["line"] for e in errors], [6, 10001, 15001, 20001], errors)
                self.assertIn("repeats line 9", errors[2]["message"])
                self.assertEqual(self.d.all_devices(), [])

    def test_a_body_cut_off_mid_stream_changes_nothing(self):
        self.d.create_device(asset_tag="KEEP-1", serial="KEEPS-1")
        body = rows_csv(20000).encode()
        head = request("POST", "/api/v1/devices:import", self.d.token, body, "text/csv")
        head = head[:len(head) - len(body)]
        c = Conn(self.d.port, timeout=60)
        c.send(head + body[:len(body) * 2 // 3])
        # The handler has the first two thirds (thousands of rows written in its transaction)...
        wait_until("the import to start", lambda: (in_progress(self.d) or 0) >= 1)
        # ... when the client goes away.
        c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        c.close()
        wait_until("the import to end", lambda: in_progress(self.d) == 0)
        self.assertEqual([d["asset_tag"] for d in self.d.all_devices()], ["KEEP-1"])
        # The write lock went with it: writes and imports go through at once.
        self.assertStatus(self.d.post("/api/v1/devices", {"asset_tag": "AFTER-1"}), 201)
        r = self.d.import_csv(rows_csv(10))
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["created"], 10)
        self.assertNotIn("handler failed", self.d.log())

    def test_a_chunked_body_over_the_limit_is_413_and_changes_nothing(self):
        body = rows_csv(60000).encode()
        self.assertGreater(len(body), 2 << 20)
        c = self.conn()
        try:
            c.send(chunked_head(self.d.token) + chunked(body, 65536))
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may stop reading once it has answered
        self.assertError(c.response(), 413, "payload_too_large")
        self.assertEqual(self.d.all_devices(), [])
        self.assertStatus(self.d.import_csv(rows_csv(5)), 200)

    def test_expect_100_continue(self):
        body = rows_csv(500).encode()
        whole = request("POST", "/api/v1/devices:import", self.d.token, body, "text/csv",
                        {"Expect": "100-continue"})
        c = self.conn()
        c.send(whole[:len(whole) - len(body)])
        self.assertEqual(c.response().status, 100)
        c.send(body)
        r = c.response()
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["created"], 500)

    def test_a_refusal_before_the_body_is_read_keeps_the_connection(self):
        body = rows_csv(8000).encode()  # far more than the pipe holds
        c = self.conn()
        c.send(request("POST", "/api/v1/devices:import?encoding=klingon", self.d.token, body, "text/csv"))
        self.assertError(c.response(), 400, "invalid")
        c.send(request("GET", "/healthz"))
        self.assertEqual(c.response().status, 200)
        self.assertEqual(self.d.all_devices(), [])

    def test_windows_1252_body_in_pieces(self):
        body = "asset_tag,serial,location\r\nW-1,WS-1,B\xe9guin Hall\r\nW-2,WS-2,Caf\xe9\r\n".encode("cp1252")
        c = self.conn()
        c.send(chunked_head(self.d.token, "/api/v1/devices:import?encoding=windows-1252") + chunked(body, 3))
        self.assertStatus(c.response(), 200)
        self.assertEqual(self.d.get("/api/v1/devices/tag:W-1").json()["location"], "B\u00e9guin Hall")

    def test_an_import_under_a_held_write_lock_gets_503_and_changes_nothing(self):
        lock = WriteLock(self.d)
        self.addCleanup(lock.release)
        r = self.d.import_csv(rows_csv(3000), timeout=60)
        self.assertError(r, 503, "unavailable")
        self.assertTrue(r.headers.get("retry-after", "").isdigit(), r.headers)
        lock.release()
        self.assertEqual(self.d.all_devices(), [])
        self.assertStatus(self.d.import_csv(rows_csv(3000)), 200)


class ChunkedExports(DaemonTestCase):
    def test_device_export_is_chunked_and_holds_every_device_in_order(self):
        # More than one batch of the cursor (1,000 devices), and not a multiple of it.
        self.assertStatus(self.d.import_csv(rows_csv(2345), timeout=60), 200)
        r = self.d.get("/api/v1/devices:export", timeout=60)
        self.assertStatus(r, 200)
        self.assertEqual(r.headers.get("transfer-encoding"), "chunked")
        self.assertNotIn("content-length", r.headers)
        rows = list(csv.reader(io.StringIO(r.text, newline="")))
        ids = [int(row[0]) for row in rows[1:]]
        self.assertEqual(ids, sorted(d["id"] for d in self.d.all_devices()))
        self.assertEqual(len(ids), 2345)

    def test_http_1_0_gets_the_export_unchunked_until_close(self):
        self.d.create_device(asset_tag="OLD-1", serial="OLDS-1")
        whole = self.d.get("/api/v1/devices:export").body
        c = Conn(self.d.port)
        self.addCleanup(c.close)
        c.send(("GET /api/v1/devices:export HTTP/1.0\r\nAuthorization: Bearer %s\r\n\r\n" % self.d.token).encode())
        self.assertTrue(c.closed_by_server())
        head, _, body = c.buf.partition(b"\r\n\r\n")
        self.assertNotIn(b"chunked", head.lower())
        self.assertEqual(body, whole)

    def test_plan_csv_is_chunked(self):
        self.assertStatus(self.d.import_csv(rows_csv(1500)), 200)
        r = self.d.get("/api/v1/reports/replacement-plan?format=csv&years=10", timeout=60)
        self.assertStatus(r, 200)
        self.assertEqual(r.headers.get("transfer-encoding"), "chunked")
        rows = list(csv.reader(io.StringIO(r.text, newline="")))
        self.assertEqual(rows[0][:3], ["fiscal_year", "id", "asset_tag"])
        self.assertEqual(len(rows) - 1, len({row[1] for row in rows[1:]}), "a device listed twice")


if __name__ == "__main__":
    unittest.main()
