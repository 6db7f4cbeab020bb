"""The `csvstat` command: `summary`, `columns` and `head` of a CSV file."""
from __future__ import annotations

import argparse
import json
import sys
from typing import List, Optional

from . import __version__
from .reader import CsvError, Dialect, read, sniff_delimiter
from .stats import summarize


def _load(path: str, delimiter: Optional[str], strict: bool):
    with open(path, encoding="utf-8-sig", newline="") as fp:
        sample = fp.read(4096)
        fp.seek(0)
        dialect = Dialect(delimiter=delimiter or sniff_delimiter(sample), lenient=not strict)
        records = list(read(fp, dialect))
    if not records:
        return [], []
    return records[0], records[1:]


def _print_summary(header, rows, as_json: bool) -> None:
    stats = summarize(header, rows)
    if as_json:
        print(json.dumps({"rows": len(rows), "columns": stats}, indent=2))
        return
    print(f"rows: {len(rows)}")
    for s in stats:
        extra = (
            f"min {s['min']:g}, max {s['max']:g}, mean {s['mean']:g}"
            if "min" in s
            else "top " + ", ".join(map(str, s["top"]))
        )
        print(f"  {s['name']}: {s['type']}, {s['blanks']} blank, {s['distinct']} distinct; {extra}")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="csvstat", description=__doc__)
    parser.add_argument("--version", action="version", version=f"csvstat {__version__}")
    parser.add_argument("-d", "--delimiter", help="field delimiter (default: sniffed)")
    parser.add_argument("--strict", action="store_true", help="reject stray quotes")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("summary", help="per-column statistics")
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("columns", help="the header's column names")
    p.add_argument("file")
    p = sub.add_parser("head", help="the first rows")
    p.add_argument("file")
    p.add_argument("-n", type=int, default=5)
    args = parser.parse_args(argv)
    try:
        header, rows = _load(args.file, args.delimiter, args.strict)
    except (OSError, CsvError) as e:
        name = args.file.rsplit("/", 1)[-1]
        print(f"csvstat: error: {name}: {e}", file=sys.stderr)
        return 2
    if args.command == "summary":
        _print_summary(header, rows, args.json)
    elif args.command == "columns":
        for i, name in enumerate(header, 1):
            print(f"{i}\t{name}")
    else:
        for row in rows[: args.n]:
            print(args.delimiter or ",".join(row))
    return 0
