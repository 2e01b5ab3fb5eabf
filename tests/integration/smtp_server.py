"""A real SMTP server on 127.0.0.1 for the notification tests (Debian's python3-aiosmtpd), with faults
chosen per recipient: a 421 at DATA the first time, a dropped connection the first time, a 550 at RCPT
always. It records every accepted message with its envelope and parsed headers."""

import asyncio
import email
import email.policy
import sys
import threading
import warnings

# The test server takes AUTH in plain text on loopback on purpose.
warnings.filterwarnings("ignore", module="aiosmtpd")

try:
    from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
except ImportError:
    # A Python other than Debian's (pyenv, a venv) does not see Debian's packages; the module is pure
    # Python, so Debian's copy serves any 3.x that runs the tests.
    sys.path.append("/usr/lib/python3/dist-packages")
    from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Message:
    def __init__(self, mail_from, rcpt_tos, data):
        self.mail_from = mail_from
        self.rcpt_tos = sorted(rcpt_tos)
        self.raw = data
        self.parsed = email.message_from_bytes(data, policy=email.policy.default)

    def header(self, name):
        value = self.parsed[name]
        return str(value) if value is not None else None

    def part(self, subtype):
        for p in self.parsed.walk():
            if p.get_content_type() == "text/" + subtype:
                return p.get_content()
        return None


class _Handler:
    def __init__(self, server):
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.server.reject:
            return "550 5.1.1 <%s>: no such mailbox" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.server.lock:
            for rcpt in envelope.rcpt_tos:
                if rcpt in self.server.busy_once and rcpt not in self.server.faulted:
                    self.server.faulted.add(rcpt)
                    self.server.faults.append(("421", rcpt))
                    return "421 4.3.2 busy, try again later"
                if rcpt in self.server.drop_once and rcpt not in self.server.faulted:
                    self.server.faulted.add(rcpt)
                    self.server.faults.append(("drop", rcpt))
                    server.transport.close()
                    return "250 never seen"
            self.server.messages.append(Message(envelope.mail_from, envelope.rcpt_tos, envelope.content))
        return "250 OK queued"


class SmtpServer:
    def __init__(self, port=0, username=None, password=None):
        self.messages, self.faults = [], []
        self.reject, self.busy_once, self.drop_once, self.faulted = set(), set(), set(), set()
        self.logins = []
        self.lock = threading.Lock()
        self._username, self._password = username, password
        self._loop = asyncio.new_event_loop()
        handler = _Handler(self)

        def factory():
            kw = {}
            if username is not None:
                kw = {"authenticator": self._authenticate, "auth_require_tls": False, "auth_required": True}
            return SMTP(handler, hostname="fleetkeep-test", loop=self._loop, **kw)

        self._server = self._loop.run_until_complete(self._loop.create_server(factory, "127.0.0.1", port))
        self.port = self._server.sockets[0].getsockname()[1]
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == self._username
              and auth_data.password.decode() == self._password)
        with self.lock:
            self.logins.append((mechanism, ok))
        return AuthResult(success=ok)

    def to(self, address):
        with self.lock:
            return [m for m in self.messages if address in m.rcpt_tos]

    def count(self):
        with self.lock:
            return len(self.messages)

    def close(self):
        def stop():
            self._server.close()
            self._loop.stop()
        self._loop.call_soon_threadsafe(stop)
        self._thread.join(10)
        self._loop.close()
