"""Reads `tcpladder export VIEW --format jsonl` back with Python's json
module and compares every object with the view's row in the database:
the same keys in the view's column order, and each value of the type and
value SQLite holds (integer -> int, real -> float, text -> str, NULL ->
None). Used by tests/test_exports.c; prints the rows checked, or why not.

usage: python3 jsonl_check.py DB VIEW ORDER_BY FILE"""
import json
import sqlite3
import sys


def main():
    db, view, order, path = sys.argv[1:5]
    conn = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    cur = conn.execute("SELECT * FROM %s ORDER BY %s" % (view, order))
    names = [d[0] for d in cur.description]
    rows = cur.fetchall()
    with open(path, encoding="utf-8", newline="") as f:
        text = f.read()
    if text and not text.endswith("\n"):
        sys.exit("the last line has no newline")
    lines = text.split("\n")[:-1] if text else []
    if len(lines) != len(rows):
        sys.exit("%d lines, %d rows" % (len(lines), len(rows)))
    for n, (line, row) in enumerate(zip(lines, rows), 1):
        pairs = json.loads(line, object_pairs_hook=list)
        keys = [k for k, _ in pairs]
        if keys != names:
            sys.exit("line %d: keys %r, columns %r" % (n, keys, names))
        for (key, got), want in zip(pairs, row):
            if type(got) is not type(want) or got != want:
                sys.exit("line %d, %s: %r (%s) in the file, %r (%s) in the view"
                         % (n, key, got, type(got).__name__, want, type(want).__name__))
    print(len(rows))


main()
