"""Network sources (network_neighbors, dhcp_leases), the intune source against tests/fake_graph.py, and the
signals they feed: unknown MACs, lost devices sighted, stale and unmanaged devices."""

import datetime
import os
import json
import re
import subprocess
import sys
import time
import unittest

from fleetkeepd import Daemon, DaemonTestCase, cli_path

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from fake_graph import FakeGraph  # noqa: E402

HEADER = "asset_tag,serial,kind,manufacturer,model,purchase_date,purchase_price,vendor,po_number," \
         "funding_source,warranty_end,aue_date,location,org_unit,macs,loaner,status,notes\n"


def seed(*rows):
    """rows: (tag, serial, macs, status)"""
    text = HEADER
    for tag, serial, macs, status in rows:
        text += "%s,%s,chromebook,HP,HP Chromebook 11 G9 EE,,,,,,,,,/Students,%s,false,%s,\n" % (tag, serial, macs,
                                                                                                  status)
    return text


def arp(*entries):
    text = "IP address       HW type     Flags       HW address            Mask     Device\n"
    for ip, mac in entries:
        text += "%-16s 0x1         0x2         %s     *        eth0\n" % (ip, mac)
    return text


def instant(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def wait_for(what, fn, timeout=20.0):
    deadline = time.monotonic() + timeout
    while True:
        value = fn()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.2)


def cli(d, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLEETKEEP_")}
    env.update(FLEETKEEP_SERVER="http://127.0.0.1:%d" % d.port, FLEETKEEP_TOKEN=d.token)
    return subprocess.run([cli_path(), *args], capture_output=True, text=True, env=env, timeout=30)


def cli_serials(d, *args):
    r = cli(d, "--json", "device", "list", *args)
    if r.returncode != 0:
        raise AssertionError("fleetkeep %s: %d %s%s" % (" ".join(args), r.returncode, r.stdout, r.stderr))
    return [x["serial"] for x in json.loads(r.stdout)["items"]]


def metric(d, name, labels=""):
    """The value of one series in /metrics, or None."""
    text = d.get("/metrics", token=None).text
    pattern = re.escape(name) + (r"\{" + re.escape(labels) + r"\}" if labels else r"(?:\{\})?") + r" (?P<v>\S+)"
    m = re.search("^" + pattern + "$", text, re.M)
    return float(m.group("v")) if m else None


class NetworkSourcesTest(DaemonTestCase):
    autostart = False

    def daemon(self, extra_config, seed_csv, files):
        d = Daemon(extra_config, seed_csv)
        self.addCleanup(d.cleanup)
        for name, text in files.items():
            with open(os.path.join(d.dir, name), "w", encoding="utf-8") as f:
                f.write(text)
        d.start()
        self.addCleanup(d.stop)
        return d

    def polls(self, d, name):
        """How many polls of source `name` have finished (GET /api/v1/sources)."""
        r = d.get("/api/v1/sources")
        self.assertStatus(r, 200)
        return next((s["polls"] for s in r.json()["items"] if s["name"] == name), 0)

    def wait_polls(self, d, name, more):
        """Waits until `more` further polls of `name` have finished, whatever they did."""
        target = self.polls(d, name) + more
        wait_for("%d more %s polls" % (more, name), lambda: self.polls(d, name) >= target)

    def seen(self, d, ref, source):
        r = d.get("/api/v1/devices/" + ref)
        self.assertStatus(r, 200)
        return r.json().get("seen", {}).get(source)

    def test_neighbour_table_presence_and_unknown_macs(self):
        d = self.daemon("sources:\n  - {name: lan, plugin: network_neighbors, interval: 1h, path: arp}\n",
                        seed(("CB-1", "SN-N1", "3c:22:fb:12:34:56", "deployed"), ("CB-2", "SN-N2", "", "in_stock")),
                        {"arp": arp(("10.0.0.21", "3C:22:FB:12:34:56"), ("10.0.0.40", "52:54:00:ab:cd:ef")) +
                         "garbage line\n"})
        lan = wait_for("the lan poll", lambda: self.seen(d, "tag:CB-1", "lan"))
        self.assertEqual(lan["fields"]["ip"], "10.0.0.21")
        self.assertEqual(lan["fields"]["interface"], "eth0")
        self.assertIsNone(self.seen(d, "tag:CB-2", "lan"))

        r = d.get("/api/v1/network/unknown")
        self.assertStatus(r, 200)
        body = r.json()
        self.assertEqual(body["total"], 1)
        self.assertEqual([(m["mac"], m["ip"], m["source"]) for m in body["items"]],
                         [("52:54:00:ab:cd:ef", "10.0.0.40", "lan")])
        self.assertError(d.get("/api/v1/network/unknown?limit=0"), 400, "invalid")
        self.assertError(d.get("/api/v1/network/unknown?color=red"), 400, "invalid")
        self.assertError(d.get("/api/v1/network/unknown", token=None), 401, "unauthorized")

        today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
        ids = [x["serial"] for x in d.get("/api/v1/devices?seen_since=" + today).json()["items"]]
        self.assertEqual(ids, ["SN-N1"])
        self.assertEqual(d.get("/api/v1/devices?seen_since=2999-01-01").json()["items"], [])
        self.assertEqual(cli_serials(d, "--seen-since", today), ["SN-N1"])
        self.assertEqual(cli(d, "device", "list", "--seen-since", "soon").returncode, 1)  # refused by the server
        self.assertError(d.get("/api/v1/devices?seen_since=yesterday"), 400, "invalid")
        # No management source is configured, so every device seen on the LAN is unmanaged.
        wait_for("unmanaged metric", lambda: metric(d, "fleetkeep_devices_unmanaged_on_network") == 1.0, 15)

    def test_dhcp_leases_in_each_format(self):
        now = int(time.time())
        dnsmasq = "%d aa:bb:cc:00:00:01 10.0.1.1 cb-one *\n%d aa:bb:cc:00:00:09 10.0.1.9 gone *\nnot a lease\n" % (
            now + 3600, now - 3600)
        start = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=10)
        end = start + datetime.timedelta(hours=8)
        isc = ("lease 10.0.2.2 {\n  starts 1 %s;\n  ends 1 %s;\n  binding state active;\n"
               "  hardware ethernet aa:bb:cc:0:0:2;\n  client-hostname \"cb-two\";\n}\n"
               % (start.strftime("%Y/%m/%d %H:%M:%S"), end.strftime("%Y/%m/%d %H:%M:%S")))
        kea = ("address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state\n"
               "10.0.3.3,aa:bb:cc:00:00:03,,3600,%d,1,0,0,cb-three,0\n" % (now + 3000))
        d = self.daemon("sources:\n"
                        "  - {name: dnsmasq, plugin: dhcp_leases, interval: 1h, format: dnsmasq, path: dnsmasq.leases}\n"
                        "  - {name: isc, plugin: dhcp_leases, interval: 1h, format: isc, path: dhcpd.leases}\n"
                        "  - {name: kea, plugin: dhcp_leases, interval: 1h, format: kea, path: kea-leases4.csv}\n",
                        seed(("CB-1", "SN-D1", "aa:bb:cc:00:00:01", "deployed"),
                             ("CB-2", "SN-D2", "aa:bb:cc:00:00:02", "deployed"),
                             ("CB-3", "SN-D3", "aa:bb:cc:00:00:03", "deployed"),
                             ("CB-9", "SN-D9", "aa:bb:cc:00:00:09", "deployed")),
                        {"dnsmasq.leases": dnsmasq, "dhcpd.leases": isc, "kea-leases4.csv": kea})
        one = wait_for("dnsmasq poll", lambda: self.seen(d, "tag:CB-1", "dnsmasq"))
        self.assertEqual((one["fields"]["ip"], one["fields"]["hostname"]), ("10.0.1.1", "cb-one"))
        two = wait_for("isc poll", lambda: self.seen(d, "tag:CB-2", "isc"))
        self.assertEqual((two["fields"]["ip"], two["fields"]["hostname"]), ("10.0.2.2", "cb-two"))
        self.assertEqual(two["last_seen"], instant(start))  # the lease's start: the last contact it records
        three = wait_for("kea poll", lambda: self.seen(d, "tag:CB-3", "kea"))
        self.assertEqual((three["fields"]["ip"], three["fields"]["hostname"]), ("10.0.3.3", "cb-three"))
        self.assertIsNone(self.seen(d, "tag:CB-9", "dnsmasq"))  # its lease expired

    def test_intune_against_fake_graph_and_stale_sync(self):
        now = datetime.datetime.now(datetime.timezone.utc)
        devices = [
            {"id": "dev-%d" % i, "deviceName": "LAPTOP-%d" % i, "serialNumber": "5CD00%d" % i, "manufacturer": "HP",
             "model": "HP ProBook 440 G9", "operatingSystem": "Windows", "osVersion": "10.0.22631.%d" % i,
             "lastSyncDateTime": instant(now - datetime.timedelta(hours=1)), "enrolledDateTime": "2024-08-20T14:00:00Z",
             "complianceState": "compliant", "userPrincipalName": "user%d@district.example" % i,
             "wiFiMacAddress": "A4B1C10000%02d" % i, "azureADDeviceId": "aad-%d" % i}
            for i in range(1, 6)]
        devices[0]["lastSyncDateTime"] = instant(now - datetime.timedelta(days=60))
        fake = FakeGraph(devices, page_size=2).start()
        self.addCleanup(fake.stop)
        fake.faults = ["429"]  # the first page is throttled once: Retry-After 1 is waited out in the poll
        d = self.daemon("alerts: {stale_sync_days: 30}\n"
                        "sources:\n"
                        "  - {name: intune, plugin: intune, interval: 2s, tenant_id: %s, client_id: client-1,\n"
                        "     client_secret_file: intune.secret, graph_base_url: %s, token_url: %s}\n"
                        "  - {name: lan, plugin: network_neighbors, interval: 2s, path: arp}\n"
                        % (fake.tenant, fake.base_url, fake.token_url),
                        seed(("CB-1", "SN-U1", "aa:bb:cc:00:00:01", "deployed")),
                        {"intune.secret": "s3cret\n",
                         "arp": arp(("10.0.0.1", "aa:bb:cc:00:00:01"), ("10.0.0.5", "a4:b1:c1:00:00:05"))})
        laptop = wait_for("intune devices", lambda: (d.get("/api/v1/devices/serial:5CD005").json()
                                                     if d.get("/api/v1/devices/serial:5CD005").status == 200 else None))
        self.assertEqual(laptop["kind"], "laptop")
        self.assertEqual(laptop["model"], "HP ProBook 440 G9")
        self.assertEqual(laptop["macs"], ["a4:b1:c1:00:00:05"])
        seen = laptop["seen"]["intune"]
        self.assertEqual(seen["source_id"], "dev-5")
        self.assertEqual(seen["fields"]["os_version"], "10.0.22631.5")
        self.assertEqual(seen["fields"]["user"], "user5@district.example")
        self.assertTrue(any("skiptoken" in p for p in fake.device_requests))  # followed the next links
        self.assertEqual(len([x for x in d.all_devices() if x["serial"].startswith("5CD")]), 5)

        # Deploy the laptop that last synced 60 days ago, and a fresh one: only the first is stale.
        for serial in ("5CD001", "5CD002"):
            self.assertStatus(d.post("/api/v1/devices/serial:%s/transitions" % serial, {"to": "deployed"}), 200)
        stale = [x["serial"] for x in d.get("/api/v1/devices?stale=true").json()["items"]]
        self.assertEqual(stale, ["5CD001"])
        self.assertEqual(cli_serials(d, "--stale"), ["5CD001"])
        self.assertError(d.get("/api/v1/devices?stale=maybe"), 400, "invalid")
        wait_for("stale metric", lambda: metric(d, "fleetkeep_devices_stale_sync", 'source="intune"') == 1.0, 15)
        # CB-1 is on the LAN but Intune does not list it; the Intune laptop on the LAN is managed.
        wait_for("unmanaged metric", lambda: metric(d, "fleetkeep_devices_unmanaged_on_network") == 1.0, 15)
        self.assertIsNone(metric(d, "fleetkeep_devices_stale_sync", 'source="lan"'))  # not a management source

    def test_lost_device_sighted_once_per_episode(self):
        d = self.daemon("sources:\n  - {name: lan, plugin: network_neighbors, interval: 1s, path: arp}\n",
                        seed(("CB-L", "SN-L1", "3c:22:fb:00:00:07", "deployed")),
                        {"arp": arp(("10.0.0.7", "3c:22:fb:00:00:07"))})
        wait_for("the lan poll", lambda: self.seen(d, "tag:CB-L", "lan"))
        self.assertEqual(d.get("/api/v1/devices?lost_seen=true").json()["items"], [])
        self.assertStatus(d.post("/api/v1/devices/tag:CB-L/transitions", {"to": "lost", "reason": "left on bus"}), 200)

        def sightings():
            return [e for e in d.get("/api/v1/devices/tag:CB-L/events").json()["items"] if e["action"] == "sighted"]

        first = wait_for("a sighting event", sightings)
        self.assertEqual(first[0]["actor"], "source:lan")
        self.assertIn("10.0.0.7", first[0]["reason"])
        self.assertIn("eth0", first[0]["reason"])
        self.wait_polls(d, "lan", 2)  # more polls see it again: still one event
        self.assertEqual(len(sightings()), 1)
        self.assertEqual([x["asset_tag"] for x in d.get("/api/v1/devices?lost_seen=true").json()["items"]], ["CB-L"])
        self.assertEqual(cli_serials(d, "--lost-seen"), ["SN-L1"])
        wait_for("lost_seen metric", lambda: metric(d, "fleetkeep_devices_lost_seen") == 1.0, 15)

        # Found: it leaves the signal.
        self.assertStatus(d.post("/api/v1/devices/tag:CB-L/transitions", {"to": "in_stock"}), 200)
        self.assertEqual(d.get("/api/v1/devices?lost_seen=true").json()["items"], [])
        wait_for("lost_seen metric back to 0", lambda: metric(d, "fleetkeep_devices_lost_seen") == 0.0, 15)

    def test_lost_device_seen_by_management_source(self):
        now = datetime.datetime.now(datetime.timezone.utc)
        fake = FakeGraph([{"id": "dev-s", "serialNumber": "5CDSTOLEN", "operatingSystem": "Windows",
                           "lastSyncDateTime": instant(now - datetime.timedelta(days=2))}]).start()
        self.addCleanup(fake.stop)
        d = self.daemon("sources:\n"
                        "  - {name: intune, plugin: intune, interval: 1s, tenant_id: %s, client_id: client-1,\n"
                        "     client_secret_file: intune.secret, graph_base_url: %s, token_url: %s}\n"
                        % (fake.tenant, fake.base_url, fake.token_url), None, {"intune.secret": "s3cret"})
        wait_for("intune poll", lambda: d.get("/api/v1/devices/serial:5CDSTOLEN").status == 200)
        self.assertStatus(d.post("/api/v1/devices/serial:5CDSTOLEN/transitions", {"to": "stolen"}), 200)
        self.wait_polls(d, "intune", 2)  # listed again with its old sync: not a sighting

        def sightings():
            return [e for e in d.get("/api/v1/devices/serial:5CDSTOLEN/events").json()["items"]
                    if e["action"] == "sighted"]

        self.assertEqual(sightings(), [])
        fake.devices[0]["lastSyncDateTime"] = instant(datetime.datetime.now(datetime.timezone.utc)
                                                      + datetime.timedelta(seconds=5))
        event = wait_for("a sighting from intune", sightings)
        self.assertEqual(event[0]["actor"], "source:intune")

    def test_bad_intune_secret_fails_the_poll_without_leaking_it(self):
        fake = FakeGraph([]).start()
        self.addCleanup(fake.stop)
        d = self.daemon("sources:\n"
                        "  - {name: intune, plugin: intune, interval: 1h, tenant_id: %s, client_id: client-1,\n"
                        "     client_secret_file: intune.secret, graph_base_url: %s, token_url: %s}\n"
                        % (fake.tenant, fake.base_url, fake.token_url), None, {"intune.secret": "wrong-secret"})
        wait_for("the auth failure metric",
                 lambda: (metric(d, "fleetkeep_source_poll_errors_total", 'reason="auth",source="intune"') or 0) >= 1
                 or (metric(d, "fleetkeep_source_poll_errors_total", 'source="intune",reason="auth"') or 0) >= 1)
        self.assertNotIn("wrong-secret", d.log())

    def test_check_config_accepts_the_plugin_samples(self):
        root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "plugins")
        d = Daemon()
        self.addCleanup(d.cleanup)
        for plugin in ("network_neighbors", "dhcp_leases", "intune"):
            with open(os.path.join(root, plugin, "sample.yaml"), encoding="utf-8") as f:
                d.write_config(f.read())
            r = d.run_tool("--check-config")
            self.assertEqual(r.returncode, 0, plugin + ": " + r.stdout + r.stderr)
        d.write_config("network: {unknown_mac_ttl: 7d, unknown_mac_limit: 100}\n"
                       "sources:\n  - {name: d, plugin: dhcp_leases, format: bind, path: x, interval: 5m}\n"
                       "  - {name: i, plugin: intune, client_id: c, client_secret_file: s, graph_base_url: ftp://x}\n")
        r = d.run_tool("--check-config")
        self.assertEqual(r.returncode, 1)
        out = r.stdout + r.stderr
        self.assertRegex(out, r"fleetkeepd\.yaml:\d+:\d+: sources\[0\]\.format: .*bind")
        self.assertRegex(out, r"fleetkeepd\.yaml:\d+:\d+: sources\[1\].*tenant_id")
        self.assertRegex(out, r"fleetkeepd\.yaml:\d+:\d+: sources\[1\]\.graph_base_url")


if __name__ == "__main__":
    unittest.main()
