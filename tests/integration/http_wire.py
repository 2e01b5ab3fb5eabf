"""Raw HTTP/1.1 over one socket to 127.0.0.1, for tests about the connection itself (keep-alive,
pipelining, 100-continue, slow and idle clients) that http.client hides or papers over."""

import select
import socket

from fleetkeepd import Response


def request(method, path, token=None, body=None, content_type=None, headers=None):
    """The bytes of one request; `body` is bytes or str."""
    lines = ["%s %s HTTP/1.1" % (method, path), "Host: 127.0.0.1"]
    if token is not None:
        lines.append("Authorization: Bearer " + token)
    if isinstance(body, str):
        body = body.encode("utf-8")
    if body is not None:
        lines.append("Content-Length: %d" % len(body))
        if content_type:
            lines.append("Content-Type: " + content_type)
    for name, value in (headers or {}).items():
        lines.append("%s: %s" % (name, value))
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")


class Conn:
    """One client connection; responses are read one at a time, in the order they arrive."""

    def __init__(self, port, timeout=20.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""

    def close(self):
        self.sock.close()

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError("the server closed the connection")
        self.buf += chunk

    def response(self):
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        while len(self.buf) < length:
            self._fill()
        body, self.buf = self.buf[:length], self.buf[length:]
        return Response(status, headers, body)

    def readable(self, timeout=0.0):
        """True when the server sent something (or closed) within `timeout` seconds."""
        if self.buf:
            return True
        ready, _, _ = select.select([self.sock], [], [], timeout)
        return bool(ready)

    def closed_by_server(self):
        """Reads until the server closes (True) or the socket's timeout passes with it open (False)."""
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return True
                self.buf += chunk
        except socket.timeout:
            return False
        except ConnectionResetError:
            return True
