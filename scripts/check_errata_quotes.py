"""Check that every quote of data/errata.csv is printed in the plan, word for word.

Curation tool (never run at test time). Joins the plan's extracted text into one line (every
run of whitespace becomes one space, as the quotes are curated) and reports, for each erratum,
the line of the extraction where its quote starts, or that the quote is missing.

Usage: python scripts/check_errata_quotes.py [path/to/regional_action_plan_2018.txt]
"""

from __future__ import annotations

import bisect
import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "source" / "regional_action_plan_2018.txt"


def joined(text: str) -> tuple[str, list[int], list[int]]:
    """The text with whitespace runs as one space, with each joined offset's original line."""
    out: list[str] = []
    offsets: list[int] = []
    lines: list[int] = []
    line = 1
    for match in re.finditer(r"\S+|\s+", text):
        piece = match.group()
        if piece.isspace():
            out.append(" ")
        else:
            offsets.append(sum(len(p) for p in out))
            lines.append(line)
            out.append(piece)
        line += piece.count("\n")
    return "".join(out), offsets, lines


def main(argv: list[str]) -> int:
    source = Path(argv[0]) if argv else DEFAULT_SOURCE
    text, offsets, lines = joined(source.read_text(encoding="utf-8"))
    with open(ROOT / "data" / "errata.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    missing = 0
    for row in rows:
        at = text.find(row["quote"])
        if at < 0:
            missing += 1
            print(f"MISSING  {row['erratum_id']}: {row['quote']!r}")
            continue
        line = lines[max(0, bisect.bisect_right(offsets, at) - 1)]
        count = text.count(row["quote"])
        print(f"line {line:5d}  {row['erratum_id']}" + (f" (printed {count} times)"
                                                         if count > 1 else ""))
    print(f"{len(rows)} errata, {missing} quote(s) not found")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
