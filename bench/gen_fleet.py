#!/usr/bin/env python3
"""Generates an invented school-district device fleet as a fleetkeep inventory CSV.

The same --seed and --count always give byte-identical output, so the sample inventory and the
benchmarks are reproducible. Everything is invented: schools, rooms, serial numbers, MAC addresses
(locally administered 02:... range, so they can never be a real vendor's) and notes. No people.

Devices are bought the way districts buy them: in purchase orders of one model for one school
(a cart of 30 Chromebooks, a grade's 1:1 devices, a department's laptops), so tags, dates, POs,
prices and funding come in realistic runs.

    bench/gen_fleet.py --count 300 --seed 1 -o config/sample-inventory.csv
    bench/gen_fleet.py --count 300 --seed 1 --check config/sample-inventory.csv
"""

import argparse
import csv
import datetime as dt
import io
import random
import sys
from dataclasses import dataclass

# fleetkeep's own import columns (fk::exportHeader() minus the fields the registry assigns).
COLUMNS = [
    "asset_tag", "serial", "kind", "manufacturer", "model", "purchase_date", "purchase_price",
    "vendor", "po_number", "funding_source", "warranty_end", "aue_date", "location", "org_unit",
    "macs", "loaner", "status", "notes",
]

# The fleet is described as of the start of the 2026-27 school year; nothing is bought after it.
AS_OF = dt.date(2026, 8, 31)
FIRST_GRAD_YEAR = 2027  # this year's seniors

MAC_SEPARATOR = ";"


@dataclass(frozen=True)
class Model:
    name: str
    manufacturer: str
    kind: str
    price: str               # list price per unit
    years: tuple             # first and last purchase year
    aue: str                 # ChromeOS auto-update expiration, "" for other platforms
    warranty_years: int
    vendors: tuple
    serial: str              # serial format, see make_serial()
    weight: float            # share within its kind


# Prices and AUE dates match the catalog in config/fleetkeepd.yaml. The Dell Chromebook 3100 (past its
# AUE) and the OptiPlex are deliberately not in that catalog: real fleets carry models nobody catalogued,
# and they show up as model="other" in the metrics.
MODELS = [
    Model("Dell Chromebook 3100", "Dell", "chromebook", "279.00", (2019, 2020), "2026-06-01", 3,
          ("Dell Technologies",), "dell", 0.18),
    Model("HP Chromebook 11 G9 EE", "HP", "chromebook", "289.00", (2021, 2023), "2028-06-01", 3,
          ("CDW-G", "SHI International"), "hp", 0.30),
    Model("Lenovo 300e Chromebook Gen 3", "Lenovo", "chromebook", "329.00", (2021, 2025), "2030-06-01", 3,
          ("CDW-G", "SHI International"), "lenovo", 0.27),
    Model("Acer Chromebook Spin 511", "Acer", "chromebook", "379.00", (2022, 2026), "2030-06-01", 3,
          ("CDW-G",), "acer", 0.25),
    Model("Dell Latitude 3120", "Dell", "laptop", "649.00", (2021, 2023), "", 4,
          ("Dell Technologies",), "dell", 0.45),
    Model("Dell Latitude 3440", "Dell", "laptop", "899.00", (2023, 2026), "", 4,
          ("Dell Technologies", "CDW-G"), "dell", 0.55),
    Model("Apple iPad (9th generation)", "Apple", "tablet", "329.00", (2021, 2025), "", 2,
          ("Apple Education",), "apple", 1.0),
    Model("Dell OptiPlex 3000", "Dell", "desktop", "699.00", (2019, 2025), "", 4,
          ("Dell Technologies",), "dell", 1.0),
]

KIND_SHARE = {"chromebook": 0.75, "laptop": 0.15, "tablet": 0.07, "desktop": 0.03}
TAG_PREFIX = {"chromebook": "CB", "laptop": "LT", "tablet": "TB", "desktop": "DT"}
LOANER_SHARE = 0.03

NAME_FIRST = ["Maple", "Oak", "Cedar", "Willow", "Birch", "Aspen", "Pine", "Elm", "Spruce", "Hickory",
              "Sycamore", "Juniper", "Magnolia", "Chestnut", "Alder", "Laurel", "Hawthorn", "Cypress",
              "Riverside", "Lakeview", "Fairview", "Sunnyside", "Hillcrest", "Meadowbrook", "Lincoln",
              "Franklin", "Jefferson", "Washington", "Eastgate", "Northwood", "Southridge", "Westview"]
NAME_SECOND = ["", " Hill", " Creek", " Ridge", " Park", " Valley", " Grove", " Meadow", " Springs",
               " Hollow", " Heights", " Crossing"]
LEVEL_SUFFIX = {"elementary": "Elementary", "middle": "Middle School", "high": "High School"}
# Devices per school relative to an elementary school, and how many of each level a district has.
LEVEL_WEIGHT = {"elementary": 1.0, "middle": 2.2, "high": 3.5}
# Interleaved so that even a six-school sample district has a high school and middle schools.
LEVEL_MIX = ["high", "middle", "elementary", "elementary", "elementary", "middle", "elementary",
             "elementary", "elementary"]

DEPOT = "Technology Center"

FUNDING_BY_YEAR = {
    # ESSER money (2020-2024) paid for much of the pandemic-era 1:1 rollout.
    "pandemic": [("ESSER", 0.45), ("General Fund", 0.30), ("Title I", 0.15), ("E-Rate", 0.10)],
    "normal": [("General Fund", 0.65), ("Title I", 0.20), ("Technology Levy", 0.15)],
}

NOTES = ["Cracked bezel, cosmetic only", "Asset label replaced", "Spare charger kept in cart",
         "Reimaged after OS corruption", "Keyboard replaced under warranty", "Battery health below 70%",
         "Hinge stiff", "Enrolled late; verify org unit", "Screen protector fitted",
         "Returned from summer school"]


@dataclass
class School:
    name: str
    level: str
    carts: int


def base36(value, width):
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = []
    for _ in range(width):
        value, rem = divmod(value, 36)
        out.append(digits[rem])
    return "".join(reversed(out))


def scramble(index, modulus, salt):
    # index -> (index * M + salt) mod modulus is a bijection when M is coprime to the modulus, so
    # distinct device indexes give distinct, random-looking serials and MACs without a lookup set.
    multiplier = 1_000_003  # prime, coprime to 2, 3 and 5: every modulus used here
    return (index * multiplier + salt) % modulus


def make_serial(fmt, index, salt):
    # One format per manufacturer, each of a different length, so formats never collide.
    if fmt == "hp":
        return "5CD" + base36(scramble(index, 36 ** 7, salt), 7)
    if fmt == "lenovo":
        return "PF" + base36(scramble(index, 36 ** 6, salt), 6)
    if fmt == "acer":
        return "NXAT" + "%013d" % scramble(index, 10 ** 13, salt)
    if fmt == "dell":
        return base36(scramble(index, 36 ** 7, salt), 7)
    if fmt == "apple":
        return "DMP" + base36(scramble(index, 36 ** 9, salt), 9)
    raise ValueError(fmt)


def make_mac(index, salt):
    value = scramble(index, 1 << 40, salt)
    octets = [0x02] + [(value >> shift) & 0xFF for shift in (32, 24, 16, 8, 0)]
    return ":".join("%02x" % o for o in octets)


def make_schools(count, rng):
    wanted = max(6, round(count / 600))
    names = [a + b for b in NAME_SECOND for a in NAME_FIRST]
    rng.shuffle(names)
    schools, used = [], set()
    for i in range(wanted):
        level = LEVEL_MIX[i % len(LEVEL_MIX)]
        base = names[i % len(names)]
        name = "%s %s" % (base, LEVEL_SUFFIX[level])
        if name in used:  # only past ~380 schools of one level
            name += " %d" % (i // len(names) + 1)
        used.add(name)
        schools.append(School(name, level, carts=rng.randint(3, 8) if level == "elementary" else 2))
    return schools


def weighted(rng, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def purchase_date(rng, year):
    # Most devices arrive for the summer refresh, in time for the new school year.
    if rng.random() < 0.6:
        start, end = dt.date(year, 6, 1), dt.date(year, 8, 31)
    else:
        start, end = dt.date(year, 1, 5), dt.date(year, 12, 15)
    end = min(end, AS_OF)
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def batch_size(rng, kind, school):
    if kind == "chromebook":
        return 30 if school.level == "elementary" else rng.choice([30, 60, 120, 180, 240])
    if kind == "laptop":
        return rng.randint(4, 40)
    if kind == "tablet":
        return rng.choice([10, 20, 30])
    return rng.randint(5, 30)


def lifecycle_status(rng, model, bought, loaner):
    if bought > AS_OF - dt.timedelta(days=45) and rng.random() < 0.5:
        return "on_order"
    if loaner:
        return weighted(rng, [("in_stock", 0.75), ("deployed", 0.20), ("in_repair", 0.05)])
    past_aue = model.aue and model.aue <= AS_OF.isoformat()
    if past_aue or (AS_OF - bought).days > 5 * 365:
        return weighted(rng, [("retired", 0.30), ("disposed", 0.05), ("deployed", 0.50),
                              ("in_stock", 0.10), ("in_repair", 0.05)])
    return weighted(rng, [("deployed", 0.83), ("in_stock", 0.09), ("in_repair", 0.04), ("lost", 0.025),
                          ("stolen", 0.005), ("retired", 0.01)])


def place(rng, model, school, status, loaner, batch_cart):
    """Location and org unit for one device."""
    if status == "on_order":
        return "", ""
    if status in ("retired", "disposed"):
        return (DEPOT + " / Surplus" if status == "retired" else ""), "/Deprovisioned"
    if status == "in_repair":
        return DEPOT + " / Repair Bench", "/Students/Repair" if model.kind == "chromebook" else ""
    if loaner:
        return school.name + " / Library Loaner Shelf", "/Loaners"
    if status == "in_stock":
        return rng.choice([DEPOT + " / Warehouse", school.name + " / Tech Office"]), "/Inventory"
    if model.kind == "chromebook":
        if school.level == "elementary":
            return "%s / Cart %d" % (school.name, batch_cart), "/Students/Elementary"
        # 1:1 devices go home with the student: the school is the location, the class year the OU.
        grades = range(FIRST_GRAD_YEAR, FIRST_GRAD_YEAR + 4) if school.level == "high" \
            else range(FIRST_GRAD_YEAR + 4, FIRST_GRAD_YEAR + 7)
        return school.name, "/Students/%d" % rng.choice(grades)
    if model.kind == "laptop":
        spot = rng.choice(["Room %d" % (100 + 10 * rng.randint(0, 9)), "Main Office", "Counseling Office"])
        return "%s / %s" % (school.name, spot), "/Staff"
    if model.kind == "tablet":
        return "%s / Room %d" % (school.name, rng.randint(101, 106)), "/Students/Tablets"
    return "%s / %s" % (school.name, rng.choice(["Computer Lab", "Library", "Main Office"])), "/Staff"


def generate(count, seed):
    """Yields `count` rows (lists in COLUMNS order)."""
    rng = random.Random(seed)
    schools = make_schools(count, rng)
    school_weights = [LEVEL_WEIGHT[s.level] for s in schools]
    by_kind = {k: [m for m in MODELS if m.kind == k] for k in KIND_SHARE}
    serial_salt = rng.randrange(1 << 30)
    mac_salt = rng.randrange(1 << 40)
    tag_next = {k: 100001 for k in TAG_PREFIX}
    loaner_next = 1
    po_next = {}
    made = dict.fromkeys(KIND_SHARE, 0)
    mac_index = 0
    index = 0
    while index < count:
        # Chromebook orders are far larger than desktop orders, so drawing the kind per order at the
        # target shares would overshoot Chromebooks: weight each kind by how far it lags its share.
        lag = [(k, max(1e-9, share * (index + 200) - made[k])) for k, share in KIND_SHARE.items()]
        kind = weighted(rng, lag)
        model = rng.choices(by_kind[kind], weights=[m.weight for m in by_kind[kind]])[0]
        school = rng.choices(schools, weights=school_weights)[0]
        year = rng.randint(*model.years)
        bought = purchase_date(rng, year)
        po_next[year] = po_next.get(year, 0) + 1
        po = "PO-%d-%05d" % (year, po_next[year])
        era = "pandemic" if 2020 <= year <= 2024 else "normal"
        funding = weighted(rng, FUNDING_BY_YEAR[era])
        vendor = rng.choice(model.vendors)
        # Quotes for large orders knock a few dollars off the list price.
        cents = int(model.price.replace(".", "")) - rng.choice([0, 0, 1000, 1500])
        price = "%d.%02d" % divmod(cents, 100)
        warranty = add_years(bought, model.warranty_years).isoformat()
        cart = rng.randint(1, school.carts)
        # A small sample still spans many orders, schools and years rather than two huge POs.
        size = min(batch_size(rng, kind, school), max(10, count // 20), count - index)
        for _ in range(size):
            loaner = kind in ("chromebook", "laptop") and rng.random() < LOANER_SHARE
            status = lifecycle_status(rng, model, bought, loaner)
            location, org_unit = place(rng, model, school, status, loaner, cart)
            if loaner:
                tag = "LOANER-%05d" % loaner_next
                loaner_next += 1
            else:
                tag = "%s-%d" % (TAG_PREFIX[kind], tag_next[kind])
                tag_next[kind] += 1
            nics = 2 if kind == "laptop" and rng.random() < 0.6 else 1  # Wi-Fi, plus a dock's Ethernet
            macs = []
            for _ in range(nics):
                macs.append(make_mac(mac_index, mac_salt))
                mac_index += 1
            # Google reports AUE per device; one in ten rows leaves it to the model catalog.
            aue = model.aue if model.aue and rng.random() < 0.9 else ""
            notes = rng.choice(NOTES) if rng.random() < 0.06 else ""
            yield [tag, make_serial(model.serial, index, serial_salt), kind, model.manufacturer, model.name,
                   bought.isoformat(), price, vendor, po, funding, warranty, aue, location, org_unit,
                   MAC_SEPARATOR.join(sorted(macs)), "true" if loaner else "false", status, notes]
            index += 1
            made[kind] += 1


def write_fleet(out, count, seed):
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in generate(count, seed):
        writer.writerow(row)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", "-n", type=int, default=300, help="devices to generate (default 300)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--output", "-o", help="CSV file to write (default: standard output)")
    parser.add_argument("--check", metavar="FILE",
                        help="exit 1 unless FILE is exactly what --count/--seed generate (for committed samples)")
    args = parser.parse_args()
    if args.count < 0:
        parser.error("--count must be >= 0")
    if args.check:
        expected = io.StringIO(newline="")
        write_fleet(expected, args.count, args.seed)
        with open(args.check, encoding="utf-8", newline="") as f:
            actual = f.read()
        if actual != expected.getvalue():
            print("%s differs from gen_fleet.py --count %d --seed %d; regenerate it with -o"
                  % (args.check, args.count, args.seed), file=sys.stderr)
            sys.exit(1)
        return
    if args.output:
        with open(args.output, "w", newline="", encoding="utf-8") as out:
            write_fleet(out, args.count, args.seed)
    else:
        try:
            write_fleet(sys.stdout, args.count, args.seed)
        except BrokenPipeError:  # `| head`
            sys.stderr.close()
            sys.exit(0)


if __name__ == "__main__":
    main()
