"""The shipped systemd unit allows what each shipped part needs: RestrictAddressFamilies= against the
table in systemd/address-families.txt, and the table against the code (socket() calls, HTTP use).
Also the unit's LoadCredential= names and the hardening line the table's families cost."""

import os
import re
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
UNIT = os.path.join(ROOT, "systemd", "fleetkeepd.service")
TABLE = os.path.join(ROOT, "systemd", "address-families.txt")
PLUGINS = os.path.join(ROOT, "plugins")
NOT_PLUGINS = {"test_support"}

SOCKET_CALL = re.compile(r"\bsocket\s*\(\s*(AF_[A-Z0-9]+)")
SENDS_HTTP = re.compile(r"\b(?:ctx|context|context_)\.http\b|\bsendPaced\s*\(")


def unit_settings(name):
    values = []
    with open(UNIT, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith(name + "="):
                values.append(line[len(name) + 1:])
    return values


def allowed_families():
    """systemd.exec: allow lists add up, an empty assignment resets, a ~ line is a deny list."""
    allowed, denied = None, set()
    for value in unit_settings("RestrictAddressFamilies"):
        if value == "":
            allowed, denied = None, set()
        elif value.startswith("~"):
            denied |= set(value[1:].split())
        else:
            allowed = (allowed or set()) | set(value.split())
    return allowed, denied


def table():
    rows = {}
    with open(TABLE, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            part, families = line.split()[0], []
            for word in line.split()[1:]:
                if word == "-":
                    break
                if not word.startswith("AF_"):
                    break
                families.append(word)
            rows[part] = set(families)
    return rows


def sources(folder):
    for base, _, files in os.walk(folder):
        for name in files:
            if name.endswith((".cpp", ".hpp")) and not name.endswith("_test.cpp") and "testdata" not in base:
                with open(os.path.join(base, name), encoding="utf-8") as f:
                    yield os.path.join(base, name), f.read()


class UnitAllowsWhatEachPartNeeds(unittest.TestCase):
    def test_every_plugin_has_a_row(self):
        rows = table()
        plugins = sorted(d for d in os.listdir(PLUGINS)
                         if os.path.isdir(os.path.join(PLUGINS, d)) and d not in NOT_PLUGINS)
        self.assertTrue(plugins)
        for plugin in plugins:
            self.assertIn(plugin, rows, "systemd/address-families.txt has no row for plugins/" + plugin)
        self.assertIn("core", rows)

    def test_the_table_lists_what_the_code_opens(self):
        rows = table()
        parts = {"core": os.path.join(ROOT, "daemon")}
        parts.update({p: os.path.join(PLUGINS, p) for p in rows if p != "core"})
        for part, folder in parts.items():
            for path, text in sources(folder):
                rel = os.path.relpath(path, ROOT)
                for family in SOCKET_CALL.findall(text):
                    self.assertIn(family, rows[part], "%s calls socket(%s)" % (rel, family))
                if part != "core" and SENDS_HTTP.search(text):
                    for family in ("AF_INET", "AF_INET6"):
                        self.assertIn(family, rows[part], "%s sends HTTP" % rel)

    def test_the_unit_allows_every_family_in_the_table(self):
        allowed, denied = allowed_families()
        self.assertIsNotNone(allowed, "the unit should allow-list its address families")
        for part, families in table().items():
            for family in families:
                self.assertIn(family, allowed, "%s needs %s; RestrictAddressFamilies= lacks it" % (part, family))
                self.assertNotIn(family, denied)

    def test_the_parser_reads_systemd_semantics(self):
        # Guards the test itself: the accumulation rules the parser implements.
        global UNIT
        import tempfile
        saved = UNIT
        with tempfile.NamedTemporaryFile("w", suffix=".service", delete=False) as f:
            f.write("[Service]\nRestrictAddressFamilies=AF_INET\nRestrictAddressFamilies=AF_UNIX\n")
            name = f.name
        try:
            UNIT = name
            self.assertEqual(allowed_families(), ({"AF_INET", "AF_UNIX"}, set()))
            with open(name, "a", encoding="utf-8") as f:
                f.write("RestrictAddressFamilies=\nRestrictAddressFamilies=AF_NETLINK\n")
            self.assertEqual(allowed_families(), ({"AF_NETLINK"}, set()))
        finally:
            UNIT = saved
            os.unlink(name)

    def test_each_secret_has_a_credential_the_docs_name(self):
        creds = unit_settings("LoadCredential")
        self.assertTrue(creds)
        with open(os.path.join(ROOT, "docs", "config.md"), encoding="utf-8") as f:
            docs = f.read()
        for cred in creds:
            self.assertNotIn(":", cred, "a credential with a fixed path fails the start when the file is missing")
            self.assertTrue(cred in docs, "docs/config.md does not name the credential " + cred)


if __name__ == "__main__":
    unittest.main()
