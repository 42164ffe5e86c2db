"""Match the activities listed on each country sheet to the regional activity framework.

Curation tool (never run at test time). Reads the plan's extracted text and
``data/activities.csv`` and writes ``data/sheet_activities.csv``.

Layout facts relied on (see data/CURATION_NOTES_sheets.md):

* the country sheets start after the paragraph ending "... managed a budget of over USD 1
  Billion.";
* each sheet's activity block ends right before the "TOTAL" line that precedes the sheet's
  amounts (for the regional sheet, right before its first "USD" amount line);
* a sheet is identified by the first amount printed after its TOTAL line;
* the activity block starts at the first line, after the previous sheet's TOTAL, that begins
  like a framework activity (first three words).

Checks: every bullet item of every block matches exactly one framework activity, no activity
is listed twice on a sheet, and the bullet glyphs counted between two TOTAL lines equal
activities + needs + government measures of that sheet (needs and measures are read from
data/sheet_needs.csv and data/government_response.csv when present).

Usage: python scripts/extract_sheet_activities.py [path/to/regional_action_plan_2018.txt]
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
DEFAULT_SOURCE = ROOT.parent / "shared" / "source" / "regional_action_plan_2018.txt"

# sheet_id, label used in source_ref, first amount printed after the sheet's TOTAL line
SHEETS = [
    ("argentina", "Argentina", "USD 180,572"),
    ("brazil", "Brazil", "USD 321,000"),
    ("caribbean", "Caribbean", "USD 188,469"),
    ("chile", "Chile", "USD 227,273"),
    ("colombia", "Colombia", "USD 1,745,950"),
    ("costa_rica", "Costa Rica", "USD 166,016"),
    ("dominican_republic", "Dominican Republic", "USD 219,190"),
    ("ecuador", "Ecuador", "USD 295,609"),
    ("guyana", "Guyana", "USD 152,856"),
    ("mexico", "Mexico", "USD 193,576"),
    ("panama", "Panama", "USD 237,514"),
    ("peru", "Peru", "USD 255,255"),
    ("uruguay", "Uruguay", "USD 87,049"),
    ("venezuela", "Venezuela", "USD 528,402"),
    ("regional", "Regional", "USD 164.780"),  # regional sheet: TOTAL, EVALUATION, USD 164.780
]

BULLET = "•"
NOISE = re.compile(r"^(\d+|Regional Action Plan – Venezuelan|Migration|ESTIMATED FUNDING NEEDS)$")
MIN_RATIO = 0.6
MIN_MARGIN = 0.15


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:[-'’][a-z0-9]+)*", text.lower())


def key(text: str) -> tuple[str, ...]:
    return tuple(words(text)[:3])


def read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def join_lines(lines: list[str]) -> str:
    out = ""
    for line in lines:
        if not out:
            out = line
        elif out.endswith("-"):  # hyphenated line break
            out += line
        else:
            out += " " + line
    return out


def split_items(lines: list[str], keys: set[tuple[str, ...]]) -> tuple[list[str], int]:
    """Split an activity block into items; return items and the number of bullet glyphs."""
    items: list[list[str]] = []
    bullets = 0
    for raw in lines:
        line = raw.strip()
        if line.startswith(BULLET):
            bullets += 1
            line = line[1:].strip()
        if not line or NOISE.match(line):
            continue
        if key(line) in keys or not items:
            items.append([line])
        else:
            items[-1].append(line)
    return [join_lines(i) for i in items], bullets


def best_match(text: str, acts: list[dict[str, str]]) -> tuple[dict[str, str], float, float]:
    w = words(text)
    scored = sorted(
        ((SequenceMatcher(None, w, words(a["text"])).ratio(), a) for a in acts),
        key=lambda t: -t[0],
    )
    (r1, a1), (r2, _) = scored[0], scored[1]
    return a1, r1, r2


def main(source: Path) -> int:
    lines = source.read_text(encoding="utf-8").split("\n")
    acts = read_csv(DATA / "activities.csv")
    keys = {key(a["text"]) for a in acts}
    # sheets print "Provide human resource or case processing equipment" (framework: "resources")
    keys.add(("provide", "human", "resource"))

    start = next(i for i, s in enumerate(lines) if "region managed a budget of over USD" in s)
    start = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("Billion."))
    totals = [i for i in range(start, len(lines)) if lines[i].strip() == "TOTAL"]

    found = []
    for t in totals:
        first_usd = next(lines[i].strip() for i in range(t, len(lines)) if "USD" in lines[i])
        sheet = [s for s in SHEETS if s[2] == first_usd]
        if len(sheet) != 1:
            raise SystemExit(f"TOTAL on line {t + 1}: unknown amount {first_usd!r}")
        found.append((sheet[0], t))
    if [f[0][0] for f in found] != [s[0] for s in SHEETS]:
        raise SystemExit(f"sheet order mismatch: {[f[0][0] for f in found]}")

    needs = Counter(r["sheet_id"] for r in read_csv(DATA / "sheet_needs.csv"))
    measures = Counter(r["sheet_id"] for r in read_csv(DATA / "government_response.csv"))

    rows = []
    problems = []
    prev = start
    print(
        f"{'sheet':<20}{'lines':>12}{'acts':>6}{'blk•':>6}{'reg•':>6}{'needs':>6}{'meas':>6}"
        f"{'minr':>7}{'minmargin':>10}"
    )
    for (sheet_id, label, _), t in found:
        region = range(prev + 1, t)
        b0 = next(i for i in region if key(lines[i].strip().lstrip(BULLET)) in keys)
        b1 = next(
            i
            for i in range(b0, t + 1)
            if lines[i].strip() == "TOTAL" or lines[i].strip().startswith("USD")
        )
        items, blk_bullets = split_items(lines[b0:b1], keys)
        region_bullets = sum(lines[i].strip().startswith(BULLET) for i in region)
        seen = set()
        ratios = []
        margins = []
        for item in items:
            act, r1, r2 = best_match(item, acts)
            ratios.append(r1)
            margins.append(r1 - r2)
            if r1 < MIN_RATIO or r1 - r2 < MIN_MARGIN:
                problems.append(f"{sheet_id}: weak match {r1:.2f}/{r2:.2f} {item!r}")
            if act["activity_id"] in seen:
                problems.append(f"{sheet_id}: {act['activity_id']} listed twice")
            seen.add(act["activity_id"])
            rows.append(
                [
                    sheet_id,
                    act["activity_id"],
                    item,
                    f"Country sheet {label}: activities"
                    if sheet_id != "regional"
                    else "Regional sheet: activities",
                ]
            )
        expected = len(items) + needs[sheet_id] + measures[sheet_id]
        if needs and region_bullets != expected:
            problems.append(
                f"{sheet_id}: {region_bullets} bullets between TOTAL lines, expected {expected}"
            )
        order = [int(a) for r in rows if r[0] == sheet_id for a in re.findall(r"\d+", r[1])]
        pairs = list(zip(order[::2], order[1::2], strict=True))
        if pairs != sorted(pairs):
            print(f"  note: {sheet_id} does not follow framework order")
        print(
            f"{sheet_id:<20}{f'{b0 + 1}-{b1}':>12}{len(items):>6}{blk_bullets:>6}"
            f"{region_bullets:>6}{needs[sheet_id]:>6}{measures[sheet_id]:>6}"
            f"{min(ratios):>7.2f}{min(margins):>10.2f}"
        )
        prev = t

    print(f"total rows: {len(rows)}")
    if problems:
        print("\n".join(problems))
        return 1
    with (DATA / "sheet_activities.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["sheet_id", "activity_id", "sheet_text", "source_ref"])
        w.writerows(rows)
    print(f"wrote {DATA / 'sheet_activities.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE))
