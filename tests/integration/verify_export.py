#!/usr/bin/python3
"""verify_export.py: checks an offboard export archive with readers that are
not offboard's: unzip(1), Python's zipfile, csv and json modules, and the
database itself (Python's sqlite3, or psql for PostgreSQL).

usage: verify_export.py ZIP --db URL --seller ID [--expect FILE COLUMN VALUE]...

Checks: `unzip -t` passes; zipfile reads every entry (CRCs); the manifest
lists every other entry once with its true size, rows and SHA-256; the README
names every file and column; every CSV parses (RFC 4180, UTF-8), has the
manifest's header and rows, and no text cell that a spreadsheet would run as
a formula; every JSON Lines file parses, with the same keys, and row by row
the same values as its CSV (the CSV's neutralised cells with their
apostrophe); the row counts and money sums match the database; each
--expect VALUE is in COLUMN of some row of FILE (exactly, in the JSONL).
Exits 0 and prints one line when all hold; 1 with the reasons otherwise.
Standard library only."""

import csv
import decimal
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import zipfile

FORMULA = ("=", "+", "-", "@", "\t", "\r")
TABLES = ["listings", "orders", "order_items", "disputes", "ledger", "fees", "payouts",
          "closures", "audit"]
DOCS = ["profile.json", "settings.json", "README.txt", "manifest.json"]

problems = []


def fail(msg):
    problems.append(msg)


def db_query(url, sql, args):
    """One number from the database of url."""
    if url.startswith("sqlite:"):
        con = sqlite3.connect("file:%s?mode=ro" % url[7:], uri=True)
        try:
            return con.execute(sql, args).fetchone()[0] or 0
        finally:
            con.close()
    # psql: the arguments are ids and fixed words, quoted for SQL here
    for a in args:
        assert "'" not in str(a)
    text = sql.replace("?", "%s") % tuple("'%s'" % a for a in args)
    out = subprocess.run(["psql", url, "-XAtc", text], check=True, capture_output=True, text=True)
    return int(out.stdout.strip() or 0)


def minor_units(amount):
    """An exact decimal string ("-12.34") as an integer of minor units."""
    d = decimal.Decimal(amount)
    places = len(amount.split(".")[1]) if "." in amount else 0
    return int(d.scaleb(places)), places


def main(argv):
    if len(argv) < 6 or argv[2] != "--db" or argv[4] != "--seller":
        print(__doc__, file=sys.stderr)
        return 2
    path, url, seller = argv[1], argv[3], argv[5]
    expects = []
    rest = argv[6:]
    while rest:
        if rest[0] != "--expect" or len(rest) < 4:
            print("verify_export: bad arguments", file=sys.stderr)
            return 2
        expects.append(tuple(rest[1:4]))
        rest = rest[4:]

    # 1. unzip's own test of every entry
    t = subprocess.run(["unzip", "-tqq", path], capture_output=True, text=True)
    if t.returncode != 0:
        fail("unzip -t failed: %s%s" % (t.stdout, t.stderr))

    z = zipfile.ZipFile(path)
    bad = z.testzip()
    if bad:
        fail("zipfile: bad CRC in %s" % bad)
    names = z.namelist()
    want = DOCS + ["%s.%s" % (t, e) for t in TABLES for e in ("csv", "jsonl")]
    if sorted(names) != sorted(want):
        fail("entries %s, expected %s" % (sorted(names), sorted(want)))
    if len(set(names)) != len(names):
        fail("an entry is there twice")

    # 2. the manifest
    manifest = json.loads(z.read("manifest.json").decode("utf-8"))
    if manifest.get("seller_id") != seller:
        fail("manifest seller_id %r" % manifest.get("seller_id"))
    listed = {f["name"]: f for f in manifest["files"]}
    if sorted(listed) != sorted(n for n in names if n != "manifest.json"):
        fail("manifest lists %s" % sorted(listed))
    for name, f in listed.items():
        if name not in names:
            continue
        data = z.read(name)
        if len(data) != f["size"]:
            fail("%s: %d bytes, manifest says %d" % (name, len(data), f["size"]))
        if hashlib.sha256(data).hexdigest() != f["sha256"]:
            fail("%s: SHA-256 differs from the manifest" % name)

    # 3. the README names every file and column
    readme = z.read("README.txt").decode("utf-8")
    for name in names:
        if name not in readme:
            fail("README.txt does not mention %s" % name)
    for t in TABLES:
        for col in listed.get(t + ".csv", {}).get("columns", []):
            if col["name"] not in readme:
                fail("README.txt does not describe column %s of %s" % (col["name"], t))
    for doc in ("profile.json", "settings.json"):
        json.loads(z.read(doc).decode("utf-8"))

    # 4. every table: CSV and JSON Lines, row by row
    tables = {}
    for t in TABLES:
        cf, jf = listed.get(t + ".csv"), listed.get(t + ".jsonl")
        if cf is None or jf is None:
            fail("%s is missing from the manifest" % t)
            continue
        cols = [c["name"] for c in cf["columns"]]
        types = [c["type"] for c in cf["columns"]]
        raw = z.read(t + ".csv")
        if not raw.startswith(b"\xef\xbb\xbf"):
            fail("%s.csv has no UTF-8 byte order mark" % t)
        text = raw.decode("utf-8-sig")
        if text and not text.endswith("\r\n"):
            fail("%s.csv does not end its rows with CRLF" % t)
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
        if not rows or rows[0] != cols:
            fail("%s.csv header %s, manifest %s" % (t, rows[:1], cols))
            continue
        rows = rows[1:]
        lines = z.read(t + ".jsonl").decode("utf-8").splitlines()
        objs = [json.loads(line) for line in lines]
        if len(rows) != cf["rows"] or len(objs) != jf["rows"] or len(rows) != len(objs):
            fail("%s: %d CSV rows, %d JSONL lines, manifest %d/%d" %
                 (t, len(rows), len(objs), cf["rows"], jf["rows"]))
        for i, (row, obj) in enumerate(zip(rows, objs)):
            if len(row) != len(cols):
                fail("%s.csv row %d has %d cells" % (t, i + 1, len(row)))
                break
            if list(obj.keys()) != cols:
                fail("%s.jsonl line %d has keys %s" % (t, i + 1, list(obj.keys())))
                break
            for cell, col, typ in zip(row, cols, types):
                v = obj[col]
                if typ == "text":
                    if cell.startswith(FORMULA):
                        fail("%s.csv row %d: %s cell %r would run as a formula" % (t, i + 1, col, cell))
                    want_cell = "'" + v if v.startswith(FORMULA) else v
                elif typ == "integer":
                    want_cell = str(v)
                elif typ == "decimal":
                    minor_units(v)   # an exact decimal, or this raises
                    want_cell = v
                else:
                    want_cell = "" if v is None else v
                if cell != want_cell:
                    fail("%s row %d %s: CSV %r, JSONL %r" % (t, i + 1, col, cell, v))
        tables[t] = objs

    # 5. the database agrees
    if tables:
        counts = {
            "listings": ("SELECT COUNT(*) FROM listings WHERE seller_id = ?", [seller]),
            "orders": ("SELECT COUNT(*) FROM orders WHERE seller_id = ?", [seller]),
            "order_items": ("SELECT COUNT(*) FROM order_items i JOIN orders o ON o.id = i.order_id"
                            " WHERE o.seller_id = ?", [seller]),
            "disputes": ("SELECT COUNT(*) FROM disputes WHERE seller_id = ?", [seller]),
            "ledger": ("SELECT COUNT(*) FROM ledger_txns WHERE seller_id = ?", [seller]),
            "fees": ("SELECT COUNT(*) FROM ledger_txns WHERE seller_id = ? AND type = ?",
                     [seller, "fee"]),
            "payouts": ("SELECT COUNT(*) FROM payouts WHERE seller_id = ?", [seller]),
            "closures": ("SELECT COUNT(*) FROM closures WHERE seller_id = ?", [seller]),
        }
        for t, (sql, args) in counts.items():
            n = db_query(url, sql, args)
            if t in tables and len(tables[t]) != n:
                fail("%s: %d rows in the archive, %d in the database" % (t, len(tables[t]), n))
        # the audit log grows after the build (its completion, downloads)
        if tables.get("audit"):
            top = max(r["seq"] for r in tables["audit"])
            n = db_query(url, "SELECT COUNT(*) FROM audit_log WHERE seller_id = ? AND seq <= %d" % top,
                         [seller])
            if n != len(tables["audit"]):
                fail("audit: %d rows in the archive, %d in the database" % (len(tables["audit"]), n))
        total = db_query(url, "SELECT SUM(total_minor) FROM orders WHERE seller_id = ?", [seller])
        got = sum(minor_units(o["total"])[0] for o in tables.get("orders", []))
        if got != total:
            fail("orders: totals sum to %d minor units, the database says %d" % (got, total))

    # 6. what the caller knows is there
    for fname, col, value in expects:
        t = fname.rsplit(".", 1)[0]
        if not any(o.get(col) == value for o in tables.get(t, [])):
            fail("%s: no row with %s = %r" % (fname, col, value))
        if fname.endswith(".csv"):
            types = {c["name"]: c["type"] for c in listed.get(fname, {}).get("columns", [])}
            text = types.get(col) == "text"
            want_cell = "'" + value if text and value.startswith(FORMULA) else value
            rows = list(csv.reader(io.StringIO(z.read(fname).decode("utf-8-sig"), newline="")))
            i = rows[0].index(col)
            if not any(r[i] == want_cell for r in rows[1:]):
                fail("%s: no cell %r in column %s" % (fname, want_cell, col))

    if problems:
        for p in problems[:40]:
            print("verify_export: " + p, file=sys.stderr)
        return 1
    print("verify_export: ok (%d entries, %d rows)" % (len(names), sum(len(v) for v in tables.values())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
