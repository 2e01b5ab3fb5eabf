"""Secrets from systemd credentials: with $CREDENTIALS_DIRECTORY set (LoadCredential=), a configured
secret file whose name is a loaded credential is read from there, even when the configured path itself
cannot be read (docs/config.md, "Secrets")."""

import os
import shutil
import sys
import tempfile
import unittest

from fleetkeepd import Daemon, DaemonTestCase, wait_until

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from fake_snipeit import FakeSnipeIt, asset  # noqa: E402


class CredentialsDirectory(DaemonTestCase):
    autostart = False

    def setUp(self):
        super().setUp()
        self.work = tempfile.mkdtemp(prefix="fk-creds-")
        self.addCleanup(shutil.rmtree, self.work, True)
        self.creds = os.path.join(self.work, "credentials")
        os.makedirs(self.creds)
        # The daemon and its tools inherit the environment, as they would from systemd.
        saved = os.environ.get("CREDENTIALS_DIRECTORY")
        os.environ["CREDENTIALS_DIRECTORY"] = self.creds
        self.addCleanup(lambda: os.environ.pop("CREDENTIALS_DIRECTORY", None) if saved is None
                        else os.environ.__setitem__("CREDENTIALS_DIRECTORY", saved))

    def credential(self, name, text):
        path = os.path.join(self.creds, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(path, 0o400)  # as systemd leaves them

    def test_a_source_reads_its_token_from_the_credential(self):
        fake = FakeSnipeIt([asset(1, "CR-1", "CRS-1")], token="from-credstore").start()
        self.addCleanup(fake.stop)
        self.credential("snipeit.token", "from-credstore\n")
        # The configured path is in a root-only folder the daemon could not read: only the name matters.
        d = self.start_daemon("sources:\n  - {name: snipe, plugin: snipeit, interval: 1h, base_url: %s,\n"
                              "     api_token_file: /etc/credstore/snipeit.token}\n" % fake.base_url,
                              workdir=self.work)
        dev = wait_until("the asset polled with the credential's token",
                         lambda: d.get("/api/v1/devices/tag:CR-1") if d.get("/api/v1/devices/tag:CR-1").status == 200
                         else None)
        self.assertEqual(dev.json()["serial"], "CRS-1")
        self.assertNotIn("from-credstore", d.log(), "secrets are never logged")

    def test_config_check_finds_the_smtp_password_among_the_credentials(self):
        config = ("notifications:\n  smtp: {url: \"smtp://127.0.0.1:2525\", from: library@example.org, "
                  "username: fk, password_file: /etc/credstore/smtp.password}\n")
        d = Daemon(config, workdir=self.work)
        r = d.run_tool("--check-config")
        self.assertEqual(r.returncode, 1, "no credential yet: the file cannot be read")
        self.assertIn("smtp.password", r.stdout + r.stderr)
        self.credential("smtp.password", "pw\n")
        r = d.run_tool("--check-config")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
