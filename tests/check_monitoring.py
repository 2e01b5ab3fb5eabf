#!/usr/bin/env python3
"""Static checks of the shipped monitoring files, no daemon needed.

- config/grafana/fleetkeep.json: valid JSON, stable uid, id null, the rows the dashboard promises, every
  panel and query on the ${datasource} variable (provisioning-safe), unique ids, panels inside the grid
  and not overlapping;
- config/prometheus/fleetkeep-alerts.yml: every alert has for, severity, summary, description and a
  runbook_url whose anchor is a heading of docs/alerts.md; the alerts the product promises all exist;
- every fleetkeep_ metric the rules or the dashboard name is in the metrics contract
  (tests/integration/metrics_contract.txt), every recording rule the dashboard uses is defined, and every
  contract name is documented in docs/metrics.md.

Exit 0 when clean, 1 with one line per problem.  Usage: check_monitoring.py [REPO_ROOT]
"""

import json
import os
import re
import sys

EXPECTED_ALERTS = [
    "FleetkeepDown", "FleetkeepSourceFailing", "FleetkeepSourceStale", "FleetkeepDevicesPastAUE",
    "FleetkeepAUECliff", "FleetkeepRepairBacklog", "FleetkeepOverdueLoans", "FleetkeepLoanerPoolLow",
    "FleetkeepStaleDevices", "FleetkeepLostDeviceSeen",
]
EXPECTED_ROWS = ["Overview", "Repairs", "Replacement planning", "Sources", "Daemon", "Audits and collections"]
DASHBOARD_UID = "fleetkeep-overview"
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
SEVERITIES = {"critical", "warning", "info"}
HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")

# A metric name not preceded or followed by name characters or a colon, so the fleetkeep_... inside a
# recording rule name (instance:fleetkeep_devices_in_service:sum) is not taken for a metric.
METRIC = re.compile(r"(?<![A-Za-z0-9_:])(fleetkeep_[A-Za-z0-9_]+)(?![A-Za-z0-9_:])")
RECORDING = re.compile(r"(?<![A-Za-z0-9_:])([a-z_]+:fleetkeep_[A-Za-z0-9_:]+)")


def read(root, rel):
    with open(os.path.join(root, rel), encoding="utf-8") as f:
        return f.read()


def load_contract(root):
    """{family: (type, [label names])} from tests/integration/metrics_contract.txt."""
    contract = {}
    for line in read(root, "tests/integration/metrics_contract.txt").splitlines():
        if line.strip() and not line.startswith("#"):
            name, kind, labels = line.split()
            contract[name] = (kind, [] if labels == "-" else labels.split(","))
    return contract


def family_of(name, contract):
    """The contract family a name in a query refers to (histogram series carry a suffix), or None."""
    if name in contract:
        return name
    for suffix in HISTOGRAM_SUFFIXES:
        base = name[: -len(suffix)]
        if name.endswith(suffix) and contract.get(base, ("",))[0] == "histogram":
            return base
    return None


def alert_blocks(rules_text):
    """{alertname: block text}: each `- alert:` item up to the next rule item or group."""
    blocks = {}
    for m in re.finditer(r"^( *)- alert: *(\S+)\n(.*?)(?=^ *- (?:alert|record):|^ *- name:|\Z)",
                         rules_text, re.M | re.S):
        blocks[m.group(2)] = m.group(3)
    return blocks


def anchors(markdown):
    """GitHub-style heading anchors: lower case, punctuation dropped, spaces to dashes."""
    out = set()
    for line in markdown.splitlines():
        m = re.match(r"^#{1,6}\s+(.*?)\s*$", line)
        if m:
            out.add(re.sub(r"[^a-z0-9 _-]", "", m.group(1).lower()).replace(" ", "-"))
    return out


def check_rules(root, problems):
    text = read(root, "config/prometheus/fleetkeep-alerts.yml")
    blocks = alert_blocks(text)
    for name in EXPECTED_ALERTS:
        if name not in blocks:
            problems.append("rules: alert %s is missing" % name)
    doc_anchors = anchors(read(root, "docs/alerts.md"))
    for name, block in blocks.items():
        if not re.search(r"^\s+for: *\d+[smhd]\s*$", block, re.M):
            problems.append("rules: %s has no for:" % name)
        severity = re.search(r"^\s+severity: *(\S+)", block, re.M)
        if not severity or severity.group(1) not in SEVERITIES:
            problems.append("rules: %s needs severity one of %s" % (name, sorted(SEVERITIES)))
        for key in ("summary", "description"):
            if not re.search(r"^\s+%s: *\S" % key, block, re.M):
                problems.append("rules: %s has no %s" % (name, key))
        url = re.search(r'^\s+runbook_url: *"?([^"\s]+)"?', block, re.M)
        if not url or "docs/alerts.md#" not in url.group(1):
            problems.append("rules: %s has no runbook_url into docs/alerts.md" % name)
        elif url.group(1).split("#", 1)[1] not in doc_anchors:
            problems.append("rules: %s runbook_url anchor #%s is not a heading in docs/alerts.md"
                            % (name, url.group(1).split("#", 1)[1]))
    return text, set(re.findall(r"^\s*- record: *(\S+)", text, re.M))


def panels_of(dashboard):
    for panel in dashboard.get("panels", []):
        yield panel
        for inner in panel.get("panels", []):  # collapsed rows carry their own panels
            yield inner


def check_dashboard(root, problems):
    text = read(root, "config/grafana/fleetkeep.json")
    try:
        dash = json.loads(text)
    except ValueError as e:
        problems.append("dashboard: not valid JSON: %s" % e)
        return ""
    if dash.get("uid") != DASHBOARD_UID:
        problems.append("dashboard: uid must stay %r (provisioning upserts by it), got %r"
                        % (DASHBOARD_UID, dash.get("uid")))
    if dash.get("id") is not None:
        problems.append("dashboard: id must be null in a provisioned file")
    if "__inputs" in dash or "${DS_" in text:
        problems.append("dashboard: uses import-only __inputs/${DS_...}; provisioning would not resolve it")
    variables = {v.get("name"): v for v in dash.get("templating", {}).get("list", [])}
    ds_var = variables.get("datasource", {})
    if ds_var.get("type") != "datasource" or ds_var.get("query") != "prometheus":
        problems.append("dashboard: needs a datasource variable named 'datasource' of type prometheus")
    for name, var in variables.items():
        if "datasource" in var and var["datasource"] != DATASOURCE:
            problems.append("dashboard: variable %s does not use ${datasource}" % name)
    rows = [p.get("title") for p in dash.get("panels", []) if p.get("type") == "row"]
    for title in EXPECTED_ROWS:
        if title not in rows:
            problems.append("dashboard: row %r is missing" % title)

    ids, cells = set(), {}
    for panel in panels_of(dash):
        title = panel.get("title", "?")
        pid = panel.get("id")
        if pid in ids:
            problems.append("dashboard: panel id %s used twice" % pid)
        ids.add(pid)
        g = panel.get("gridPos", {})
        if not all(isinstance(g.get(k), int) for k in "hwxy") or g["x"] < 0 or g["w"] < 1 or g["x"] + g["w"] > 24:
            problems.append("dashboard: panel %r has a bad gridPos %r" % (title, g))
        else:
            for x in range(g["x"], g["x"] + g["w"]):
                for y in range(g["y"], g["y"] + g["h"]):
                    if (x, y) in cells:
                        problems.append("dashboard: panel %r overlaps %r" % (title, cells[(x, y)]))
                        break
                    cells[(x, y)] = title
                else:
                    continue
                break
        if panel.get("type") == "row":
            continue
        if panel.get("datasource") != DATASOURCE:
            problems.append("dashboard: panel %r datasource is %r, not the ${datasource} variable"
                            % (title, panel.get("datasource")))
        targets = panel.get("targets") or []
        if not targets:
            problems.append("dashboard: panel %r has no query" % title)
        for t in targets:
            if t.get("datasource", DATASOURCE) != DATASOURCE:
                problems.append("dashboard: panel %r query %s has its own datasource" % (title, t.get("refId")))
            if not t.get("expr", "").strip():
                problems.append("dashboard: panel %r query %s is empty" % (title, t.get("refId")))
    return text


def check_names(root, rules_text, recorded, dash_text, contract, problems):
    for where, text in (("rules", rules_text), ("dashboard", dash_text)):
        for name in sorted(set(METRIC.findall(text))):
            if family_of(name, contract) is None:
                problems.append("%s: %s is not in the metrics contract" % (where, name))
    for name in sorted(set(RECORDING.findall(dash_text))):
        if name not in recorded:
            problems.append("dashboard: recording rule %s is not defined in fleetkeep-alerts.yml" % name)
    documented = read(root, "docs/metrics.md")
    for name in sorted(contract):
        if name not in documented:
            problems.append("docs/metrics.md does not mention contract metric %s" % name)


def referenced_families(root):
    """Contract families the shipped rules and dashboard use (for the live check in the integration tests)."""
    contract = load_contract(root)
    names = set()
    for rel in ("config/prometheus/fleetkeep-alerts.yml", "config/grafana/fleetkeep.json"):
        for name in METRIC.findall(read(root, rel)):
            family = family_of(name, contract)
            if family:
                names.add(family)
    return names


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    problems = []
    contract = load_contract(root)
    rules_text, recorded = check_rules(root, problems)
    dash_text = check_dashboard(root, problems)
    check_names(root, rules_text, recorded, dash_text, contract, problems)
    for p in problems:
        print(p)
    if problems:
        return 1
    print("monitoring files ok: %d alerts, %d recording rules, %d contract metrics, %d used by rules and dashboard"
          % (len(alert_blocks(rules_text)), len(recorded), len(contract), len(referenced_families(root))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
