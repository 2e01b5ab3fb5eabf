"""A daemon seeded so that every metric family in the contract has something to say.

Used by test_metrics_contract.py (golden families, promtool lint).
Each step goes through the public API or config. Features still being built are skipped step by step,
and the skipped steps are returned, so a failing contract test says both which families are missing and
which seeding step the daemon refused.
"""

import os

from fleetkeepd import Daemon

REPO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
SAMPLE_INVENTORY = os.path.join(REPO, "config", "sample-inventory.csv")

CATALOG = """\
fiscal_year_start: "07-01"
planning:
  replacement_model: {chromebook: "HP Chromebook 11 G9 EE", laptop: "Dell Latitude 3440"}
models:
  - {model: "HP Chromebook 11 G9 EE", kind: chromebook, unit_cost: "289.00", life_years: 5, aue_date: 2028-06-01}
  - {model: "Lenovo 300e Chromebook Gen 3", kind: chromebook, unit_cost: "329.00", life_years: 5, aue_date: 2030-06-01}
  - {model: "Dell Latitude 3440", kind: laptop, unit_cost: "899.00", life_years: 4}
alerts:
  stale_sync_days: 30
"""

# One entry per source plugin that feeds a contract family; a plugin the daemon does not know yet is
# left out (its families are then reported missing, which is the point).
ARP_TABLE = ("IP address       HW type     Flags       HW address            Mask     Device\n"
             "192.0.2.10       0x1         0x2         02:00:00:00:00:01     *        eth0\n")
SOURCES = [
    ("inventory", "  - {name: inventory, plugin: csv_import, interval: 1m, path: source-inventory.csv}\n"),
    ("lan", "  - {name: lan, plugin: network_neighbors, interval: 1m, path: arp}\n"),
    # A management source whose endpoints are a closed loopback port: its polls fail, which is what
    # brings fleetkeep_source_poll_errors_total and fleetkeep_devices_stale_sync{source} into view.
    ("mdm", "  - {name: mdm, plugin: intune, interval: 1m, tenant_id: district.example, client_id: fk-test,\n"
            "     client_secret_file: mdm.secret, graph_base_url: \"http://127.0.0.1:9\",\n"
            "     token_url: \"http://127.0.0.1:9/token\"}\n"),
    # Google with write-back (its endpoints closed too): brings the fleetkeep_writeback_* series into view.
    ("google", "  - {name: google, plugin: google_admin, interval: 1m, customer_id: my_customer,\n"
               "     credentials_file: google.json, subject: admin@district.example.org,\n"
               "     api_base_url: \"http://127.0.0.1:9\", token_url: \"http://127.0.0.1:9/token\",\n"
               "     write_back: {asset_id: true}}\n"),
]
SOURCE_INVENTORY = ("asset_tag,serial,kind,model,status\n"
                    "SRC-1,SRCSERIAL1,chromebook,HP Chromebook 11 G9 EE,deployed\n")


def make_daemon(addcleanup):
    """A started Daemon with the catalog and every source plugin its config check accepts.
    Returns (daemon, notes); notes name what was left out."""
    notes = []
    d = Daemon(CATALOG)
    addcleanup(d.cleanup)
    with open(os.path.join(d.dir, "source-inventory.csv"), "w", encoding="utf-8") as f:
        f.write(SOURCE_INVENTORY)
    with open(os.path.join(d.dir, "arp"), "w", encoding="utf-8") as f:
        f.write(ARP_TABLE)
    with open(os.path.join(d.dir, "mdm.secret"), "w", encoding="utf-8") as f:
        f.write("not-a-real-secret\n")
    accepted = []
    for name, entry in SOURCES:
        d.write_config(CATALOG + "sources:\n" + "".join(e for _, e in accepted) + entry)
        r = d.run_tool("--check-config")
        if r.returncode == 0:
            accepted.append((name, entry))
        else:
            notes.append("source %s left out: %s" % (name, (r.stdout + r.stderr).strip().splitlines()[-1:]))
    d.write_config(CATALOG + ("sources:\n" + "".join(e for _, e in accepted) if accepted else ""))
    d.start()
    addcleanup(d.stop)
    return d, notes


def _ok(notes, what, r, *statuses):
    if r.status in statuses:
        return True
    notes.append("%s refused: HTTP %d %s" % (what, r.status, r.body[:200].decode("utf-8", "replace")))
    return False


def _nth(d, query, n=0):
    r = d.get("/api/v1/devices?limit=%d&%s" % (n + 1, query))
    items = r.json().get("items", []) if r.status == 200 else []
    return items[n] if len(items) > n else None


def seed(d):
    """Devices, a loan, work orders with cost: returns notes on steps the daemon refused."""
    notes = []
    with open(SAMPLE_INVENTORY, encoding="utf-8") as f:
        _ok(notes, "import", d.import_csv(f.read()), 200)
    # Requests that miss, so the HTTP counter has more than one code.
    d.get("/api/v1/devices/serial:NO-SUCH-SERIAL")

    r = d.post("/api/v1/people", {"external_id": "S10001", "name": "Ada Lovelace", "role": "student"})
    if _ok(notes, "POST /api/v1/people", r, 201):
        device = _nth(d, "status=in_stock&kind=chromebook")
        if device:
            _ok(notes, "POST /api/v1/checkouts", d.post("/api/v1/checkouts", {
                "device": "tag:" + device["asset_tag"], "person": "S10001", "due": "2099-06-15"}), 201)

    # One work order resolved with a part and a payer (cost, opened and resolved counters), one left open.
    for n, resolve in enumerate((True, False)):
        device = _nth(d, "status=deployed&kind=chromebook", n)
        if not device:
            notes.append("no deployed chromebook for work order %d" % n)
            continue
        r = d.post("/api/v1/work-orders", {"device": "tag:" + device["asset_tag"], "category": "screen",
                                           "description": "cracked screen", "priority": "normal"})
        if not _ok(notes, "POST /api/v1/work-orders", r, 201):
            break
        order = r.json()
        path = "/api/v1/work-orders/%s" % order["id"]
        _ok(notes, "POST parts", d.post(path + "/parts", {"part": "LCD panel", "quantity": 1,
                                                          "unit_cost": "54.00"}), 200, 201)
        if resolve:
            # Orders move open -> in_repair -> resolved; the cost is booked to the payer.
            for body in ({"status": "in_repair", "payer": "district"}, {"status": "resolved"}):
                current = d.get(path)
                if current.status == 200 and "version" in current.json():
                    body["version"] = current.json()["version"]
                if not _ok(notes, "PATCH work order %s" % body, d.patch(path, body), 200):
                    break
    # An open audit and an open collection campaign (their families exist only while one is open).
    _ok(notes, "POST /api/v1/audits",
        d.post("/api/v1/audits", {"name": "Seed audit", "location": "Alder Heights High School"}), 201)
    _ok(notes, "POST /api/v1/collections",
        d.post("/api/v1/collections", {"name": "Seed collection", "deadline": "2099-06-10"}), 201)
    return notes
