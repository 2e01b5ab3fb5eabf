#!/usr/bin/env python3
"""Notification figures: planning over 100k people / 50k open loans and the SMTP send rate against a
local aiosmtpd server on 127.0.0.1. Usage: bench/notify_bench.py BUILD/bin/notify_bench [--sends N]"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))
from smtp_server import SmtpServer  # noqa: E402


def main():
    binary = sys.argv[1]
    rest = sys.argv[2:]
    server = SmtpServer()
    try:
        subprocess.run([binary, "--smtp-port", str(server.port), *rest], check=True)
        print("server received %d mails" % server.count())
    finally:
        server.close()


if __name__ == "__main__":
    main()
