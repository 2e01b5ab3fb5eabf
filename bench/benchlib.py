"""What the Python bench drivers share: a fleetkeepd run in a scratch directory, /proc readings, the
sqlite3 shell's .import as the floor, and failing with the daemon's log tail.

Standard library only, like the drivers; it is imported from beside them (bench/ is on sys.path).
"""

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request


def fail(message, log_path=None):
    """Prints "<driver>: message" (and the last lines of the daemon's log) to stderr and exits 1."""
    name = os.path.splitext(os.path.basename(sys.argv[0]))[0] or "bench"
    print("%s: %s" % (name, message), file=sys.stderr)
    if log_path and os.path.exists(log_path):
        with open(log_path, encoding="utf-8", errors="replace") as log:
            tail = log.readlines()[-30:]
        print("--- fleetkeepd log (last lines) ---", file=sys.stderr)
        sys.stderr.writelines(tail)
    sys.exit(1)


def check_tools(parser, args):
    """Refuses (as a usage error) a --fleetkeepd that is not executable, or a --sqlite3 not on PATH."""
    if not os.access(args.fleetkeepd, os.X_OK):
        parser.error("%s is not an executable (build it, or pass --fleetkeepd)" % args.fleetkeepd)
    sqlite3 = getattr(args, "sqlite3", None)
    if sqlite3 is not None and shutil.which(sqlite3) is None:
        parser.error("%s not found (Debian package sqlite3)" % sqlite3)


def wait_for_file(path, proc, timeout, log_path):
    """Returns the stripped contents once the file exists and ends with a newline (written whole)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            fail("fleetkeepd exited early with status %d" % proc.returncode, log_path)
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
            if text.endswith("\n"):
                return text.strip()
        except FileNotFoundError:
            pass
        time.sleep(0.05)
    fail("timed out waiting for " + path, log_path)


def request(url, token=None, data=None, content_type=None, timeout=3600, method=None):
    """(status, body bytes); POST when there is data (or method says so). HTTP errors raise HTTPError."""
    req = urllib.request.Request(url, data=data, method=method or ("POST" if data is not None else "GET"))
    if token:
        req.add_header("Authorization", "Bearer " + token)
    if content_type:
        req.add_header("Content-Type", content_type)
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return resp.status, resp.read()


def proc_memory(pid):
    """VmRSS and VmHWM (peak resident) in KiB, from /proc."""
    values = {}
    with open("/proc/%d/status" % pid, encoding="utf-8") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
    return values


def proc_cpu_seconds(pid):
    """User + system CPU time the process has used so far (all threads): steadier than wall time on a busy
    machine."""
    with open("/proc/%d/stat" % pid, encoding="utf-8") as f:
        fields = f.read().rpartition(")")[2].split()
    # After the command name: state is field 3 of stat(5), utime and stime are fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Daemon:
    """fleetkeepd on 127.0.0.1 (port 0) with a fresh state directory under `work`.

    `config` is the YAML after listen and state_dir; `suffix` tells apart several daemons in one work dir.
    """

    def __init__(self, binary, work, config="log_level: warn\n", suffix=""):
        self.binary = binary
        self.state = os.path.join(work, "state" + suffix)
        self.config_path = os.path.join(work, "fleetkeepd%s.yaml" % suffix)
        self.log_path = os.path.join(work, "fleetkeepd%s.log" % suffix)
        self.config = config
        self.proc = None
        self.port = self.token = self.base = None

    def start(self, wait_ready=True):
        with open(self.config_path, "w", encoding="utf-8") as f:
            f.write("listen: 127.0.0.1:0\nstate_dir: %s\n%s" % (self.state, self.config))
        with open(self.log_path, "w", encoding="utf-8") as log:
            self.proc = subprocess.Popen([self.binary, "--config", self.config_path], stdout=log,
                                         stderr=subprocess.STDOUT)
        self.port = int(wait_for_file(os.path.join(self.state, "port"), self.proc, 30, self.log_path))
        self.token = wait_for_file(os.path.join(self.state, "admin.token"), self.proc, 30, self.log_path)
        self.base = "http://127.0.0.1:%d" % self.port
        if wait_ready:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if request(self.base + "/readyz", timeout=5)[0] == 200:
                        break
                except (urllib.error.URLError, OSError):
                    pass
                if time.monotonic() > deadline:
                    self.fail("fleetkeepd never became ready")
                time.sleep(0.05)
        return self

    def fail(self, message):
        fail(message, self.log_path)

    def call(self, path, data=None, content_type=None, timeout=3600, method=None):
        """request() against this daemon with its admin token."""
        return request(self.base + path, self.token, data, content_type, timeout, method)

    def memory(self):
        return proc_memory(self.proc.pid)

    def cpu_seconds(self):
        return proc_cpu_seconds(self.proc.pid)

    def db_bytes(self):
        return sum(os.path.getsize(os.path.join(self.state, n)) for n in os.listdir(self.state)
                   if n.endswith((".db", ".db-wal")))

    def stop(self, timeout=30, check=True):
        """SIGTERM and wait (for a `finally:`); with `check`, fails when it has to be killed."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            if check:
                self.fail("fleetkeepd did not stop within %d s of SIGTERM" % timeout)

    def check_clean_exit(self):
        """After stop() on the normal path: a daemon that stopped with a non-zero status fails the run."""
        if self.proc.returncode != 0:
            self.fail("fleetkeepd exited with status %d after SIGTERM" % self.proc.returncode)


def sqlite3_import(sqlite3, work, csv_path, columns, expected_rows):
    """The floor: the sqlite3 shell's .import of `csv_path` into a bare all-TEXT table in a fresh database.
    Returns (wall seconds, CPU seconds); fails unless exactly `expected_rows` rows arrive."""
    db = os.path.join(work, "bare.db")
    script = "CREATE TABLE devices (%s);\n.import --csv --skip 1 '%s' devices\n" % (
        ", ".join("%s TEXT" % c for c in columns), csv_path)
    start, cpu_start = time.perf_counter(), os.times()
    done = subprocess.run([sqlite3, db], input=script, text=True, capture_output=True)
    seconds, cpu_end = time.perf_counter() - start, os.times()
    cpu = (cpu_end.children_user - cpu_start.children_user) + (cpu_end.children_system - cpu_start.children_system)
    if done.returncode != 0 or done.stderr.strip():
        fail("sqlite3 import failed: " + done.stderr.strip())
    count = subprocess.run([sqlite3, db, "SELECT count(*) FROM devices;"], text=True,
                           capture_output=True, check=True).stdout.strip()
    if count != str(expected_rows):
        fail("sqlite3 imported %s rows, expected %d" % (count, expected_rows))
    return seconds, cpu
