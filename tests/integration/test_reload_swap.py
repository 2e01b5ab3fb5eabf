"""Reload is a swap: a source whose plugin keys change is stopped before its successor starts, so it never
has two polls at once, and GET /api/v1/sources lists the sources all the way through a reload.

A Snipe-IT source polls a slow fake (each answer held a quarter of a second, its interval 1 s, so it is
nearly always mid-poll) while the config is reloaded again and again with a changed plugin key."""

import os
import select
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import unittest

from fleetkeepd import DaemonTestCase, wait_until

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from fake_snipeit import FakeSnipeIt, asset  # noqa: E402

RELOADS = 10
HOLD = 0.25  # seconds each answer is held, as a slow server would


def hung_up(sock):
    """True once the client closed its end (a poll that was cancelled)."""
    try:
        readable, _, _ = select.select([sock], [], [], 0)
        return bool(readable) and sock.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


class SlowSnipeIt(FakeSnipeIt):
    """Holds each answer HOLD seconds and notes any request that arrives while another is being held."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.held = set()
        self.overlaps = []
        self.abandoned = 0

    def _hardware(self, handler):
        sock = handler.connection
        with self.lock:
            # A client that hung up (its poll cancelled by the reload) is no longer being served.
            self.held = {s for s in self.held if not hung_up(s)}
            if self.held:
                self.overlaps.append(handler.path)
            self.held.add(sock)
        deadline = time.monotonic() + HOLD
        while time.monotonic() < deadline and not hung_up(sock):
            time.sleep(0.01)  # the fake's slowness, not a test waiting for state
        with self.lock:
            self.held.discard(sock)
            gone = hung_up(sock)
            if gone:
                self.abandoned += 1
        if not gone:
            super()._hardware(handler)


class ReloadSwap(DaemonTestCase):
    autostart = False

    def test_reloads_never_overlap_polls_nor_empty_the_source_list(self):
        fake = SlowSnipeIt([asset(i, "RS-%d" % i, "RSS-%d" % i) for i in range(1, 6)]).start()
        self.addCleanup(fake.stop)
        steady = FakeSnipeIt([asset(9, "RO-9", "ROS-9")]).start()  # the source no reload touches
        self.addCleanup(steady.stop)
        workdir = tempfile.mkdtemp(prefix="fk-reload-")
        self.addCleanup(shutil.rmtree, workdir, True)
        token = os.path.join(workdir, "snipe.token")
        with open(token, "w") as f:
            f.write("t0ken\n")
        os.chmod(token, 0o600)

        def config(page_size):
            return ("sources:\n  - {name: snipe, plugin: snipeit, interval: 1s, base_url: %s,\n"
                    "     api_token_file: %s, page_size: %d, requests_per_minute: 6000}\n"
                    "  - {name: other, plugin: snipeit, interval: 1h, base_url: %s,\n"
                    "     api_token_file: %s, page_size: 500}\n"
                    % (fake.base_url, token, page_size, steady.base_url, token))

        d = self.start_daemon(config(2), workdir=workdir)
        wait_until("the first poll", lambda: d.get("/api/v1/devices/tag:RS-5").status == 200)

        # Watches the list the API serves for the whole run.
        listings, empty, stop = [0], [], threading.Event()

        def watch():
            while not stop.is_set():
                r = d.get("/api/v1/sources")
                names = sorted(s["name"] for s in r.json()["items"]) if r.status == 200 else []
                if names != ["other", "snipe"]:
                    empty.append((r.status, names))
                listings[0] += 1

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        self.addCleanup(stop.set)

        for i in range(RELOADS):
            # Reload while a poll is under way: a request is being held right now.
            wait_until("a poll under way", lambda: fake.held)
            d.write_config(config(3 if i % 2 == 0 else 2))
            d.signal(signal.SIGHUP)
            wait_until("reload %d" % (i + 1),
                       lambda: d.log().count("source snipe: plugin settings changed; restarting it") >= i + 1)
        wait_until("a poll after the last reload", lambda: fake.held)
        stop.set()
        watcher.join(10)

        self.assertGreater(fake.abandoned, 0, "the reloads did catch polls under way")
        self.assertEqual(fake.overlaps, [], "one source, two polls at once")
        self.assertGreater(listings[0], RELOADS)
        self.assertEqual(empty, [], "GET /api/v1/sources lacked a source during a reload")
        self.assertNotIn("plugin settings changed; restarting it", "\n".join(
            line for line in d.log().splitlines() if "source other:" in line), "an unchanged source keeps running")
        wait_until("a successful poll after the reloads",
                   lambda: next(s for s in d.get("/api/v1/sources").json()["items"]
                                if s["name"] == "snipe")["last_result"] == "ok")


if __name__ == "__main__":
    unittest.main()
