#!/usr/bin/env python3
"""The authenticated read path against nginx serving the same JSON as a static file.

Imports N generated devices (bench/gen_fleet.py) and a few hundred people into a fresh fleetkeepd on
127.0.0.1 (port 0), saves the exact bodies of one device by tag, one person by id and a 50-device list
page, has nginx serve those files on another 127.0.0.1 port, and runs wrk (one thread, 32 connections,
keep-alive) against each URL in turn: requests per second and p99 latency, fleetkeepd's as a share of
nginx's on the same bytes. `GET /healthz` (no auth, no SQLite) is printed as the server's own ceiling.

    bench/read_bench.py --rows 100000 --fleetkeepd build/bin/fleetkeepd

Debian packages: wrk, nginx. Prints one line per figure; exits non-zero if a response is not the one
saved (wrk counts non-2xx answers) or a tool is missing.
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
import gen_fleet  # noqa: E402

NGINX_CONF = """daemon off;
worker_processes 1;
pid %(work)s/nginx.pid;
error_log %(work)s/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path %(work)s/nginx-tmp;
  proxy_temp_path %(work)s/nginx-tmp;
  fastcgi_temp_path %(work)s/nginx-tmp;
  uwsgi_temp_path %(work)s/nginx-tmp;
  scgi_temp_path %(work)s/nginx-tmp;
  default_type application/json;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:%(port)d;
    root %(work)s/static;
  }
}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(url, seconds, connections, token=None):
    """(requests/s, p50 ms, p99 ms) from `wrk --latency`; fails on socket errors or non-2xx answers."""
    cmd = ["wrk", "-t1", "-c%d" % connections, "-d%ds" % seconds, "--latency", url]
    if token:
        cmd[1:1] = ["-H", "Authorization: Bearer " + token]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        benchlib.fail("wrk against %s saw errors:\n%s" % (url.split("?")[0], out))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def ms(label):
        m = re.search(r"\s%s%%\s+([\d.]+)(us|ms|s)\b" % label, out)
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]
        return float(m.group(1)) * scale

    return rps, ms("50"), ms("99")


def people_csv(count):
    lines = ["external_id,name,email,role,grade,homeroom,location"]
    for i in range(count):
        lines.append("S%06d,Student %d,s%d@example.org,student,%d,R%d,Bench High" % (i, i, i, 9 + i % 4, i % 30))
    return ("\n".join(lines) + "\n").encode()


def measure(args, work):
    csv_path = os.path.join(work, "fleet.csv")
    with open(csv_path, "w", newline="", encoding="utf-8") as out:
        gen_fleet.write_fleet(out, args.rows, args.seed)
    with open(csv_path, "rb") as f:
        body = f.read()
    tag = body.split(b"\n")[1 + args.rows // 2].split(b",")[0].decode()

    limit_mib = max(256, 2 * len(body) // (1 << 20) + 16)
    daemon = benchlib.Daemon(args.fleetkeepd, work, "log_level: warn\nlimits:\n  import_body_bytes: %dMiB\n" % limit_mib)
    static = os.path.join(work, "static")
    os.makedirs(os.path.join(work, "nginx-tmp"))
    os.makedirs(static)
    nginx = None
    results = []
    try:
        daemon.start()
        daemon.call("/api/v1/devices:import", body, "text/csv")
        daemon.call("/api/v1/people:import", people_csv(500), "text/csv")
        paths = {
            "device by tag": "/api/v1/devices/tag:" + tag,
            "person by id": "/api/v1/people/S000250",
            "device list page (50)": "/api/v1/devices?limit=50",
        }
        for i, (name, path) in enumerate(paths.items()):
            _, saved = daemon.call(path)
            with open(os.path.join(static, "r%d.json" % i), "wb") as f:
                f.write(saved)

        port = free_port()
        conf = os.path.join(work, "nginx.conf")
        with open(conf, "w", encoding="utf-8") as f:
            f.write(NGINX_CONF % {"work": work, "port": port})
        nginx = subprocess.Popen(["nginx", "-c", conf, "-e", os.path.join(work, "nginx-error.log")],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        static_base = "http://127.0.0.1:%d" % port
        for _ in range(200):
            try:
                if benchlib.request(static_base + "/r0.json", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if nginx.poll() is not None:
                benchlib.fail("nginx exited; see " + os.path.join(work, "nginx-error.log"))
            time.sleep(0.05)

        load = os.getloadavg()[0]
        h_rps, h_p50, h_p99 = wrk(daemon.base + "/healthz", args.seconds, args.connections)
        results.append(("GET /healthz (no auth)", h_rps, h_p50, h_p99, None, None))
        for i, (name, path) in enumerate(paths.items()):
            s_rps, _, s_p99 = wrk("%s/r%d.json" % (static_base, i), args.seconds, args.connections)
            f_rps, f_p50, f_p99 = wrk(daemon.base + path, args.seconds, args.connections, daemon.token)
            results.append((name, f_rps, f_p50, f_p99, s_rps, s_p99))
        return load, results
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait()
        daemon.stop(timeout=30)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", "-n", type=int, default=100000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration per URL")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--fleetkeepd", default="build/bin/fleetkeepd")
    args = parser.parse_args()
    benchlib.check_tools(parser, args)
    for tool in ("wrk", "nginx"):
        if shutil.which(tool) is None and not os.path.exists("/usr/sbin/" + tool):
            parser.error("%s not found (Debian package %s)" % (tool, tool))
    os.environ["PATH"] += ":/usr/sbin"
    work = tempfile.mkdtemp(prefix="fleetkeep-read-")
    # nginx's worker drops to an unprivileged user when started as root: it must be able to read the files.
    os.chmod(work, 0o755)
    try:
        load, results = measure(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("read path: %d devices, wrk -t1 -c%d -d%ds, load average %.1f at start"
          % (args.rows, args.connections, args.seconds, load))
    for name, rps, p50, p99, s_rps, s_p99 in results:
        if s_rps is None:
            print("  %-24s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms" % (name, rps, p50, p99))
        else:
            print("  %-24s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms | nginx static %9.0f req/s p99 %6.2f ms"
                  " | ratio %5.1f%%" % (name, rps, p50, p99, s_rps, s_p99, 100.0 * rps / s_rps))


if __name__ == "__main__":
    main()
