"""One-sentence summaries of the charts and maps, generated from the data each one draws: the
accessible description of its drawing (`<desc>`, see `rapnb.present.svg`) and the Vega-Lite
spec's `description`. Each names the chart's numbers, formatted as the report prints them.

Every function takes the rows the chart is drawn from (never reads data itself), so the
sentence and the drawing cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rapnb.present.formatting import NA, count, usd


def _series(items: Sequence[str], last: str = "and") -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def _ranked(pairs: Iterable[tuple[str, float]]) -> list[tuple[str, float]]:
    return sorted(pairs, key=lambda p: (-p[1], p[0]))


def stocks(rows: Sequence[dict[str, Any]], kind: str) -> str:
    """Figure 1 (bars or map): the largest stocks and the smallest.

    `rows`: country, year, venezuelan_nationals, confidence; `kind`: 'Bar chart' or 'Map'.
    """
    ranked = sorted(rows, key=lambda r: (-int(r["venezuelan_nationals"]), str(r["country"])))
    if not ranked:
        return f"{kind} of the stock of Venezuelan nationals: no values."
    top = [f"{r['country']} {count(r['venezuelan_nationals'])} ({r['year']})" for r in ranked[:3]]
    low = ranked[-1]
    lower = sum(r["confidence"] != "high" for r in ranked)
    return (f"{kind} of the stock of Venezuelan nationals in {len(ranked)} destination"
            f" countries, latest year each: the largest are {_series(top)}; the smallest is"
            f" {low['country']} with {count(low['venezuelan_nationals'])} ({low['year']});"
            f" {lower} of the values are of medium or low confidence.")


def stock_evolution(rows: Sequence[dict[str, Any]]) -> str:
    """The 2005-2017 trend: first and last value of each series."""
    series: dict[str, list[tuple[int, int]]] = {}
    for r in rows:
        series.setdefault(str(r["geography"]), []).append(
            (int(r["year"]), int(r["venezuelan_nationals"])))
    parts = []
    for name, points in series.items():
        points.sort()
        (y0, v0), (y1, v1) = points[0], points[-1]
        parts.append(f"{name} from {count(v0)} in {y0} to {count(v1)} in {y1}")
    return f"Line chart of Venezuelans abroad: {_series(parts)}."


def permits(rows: Sequence[dict[str, Any]], year: int = 2017) -> str:
    """Residence permits: the countries with most permits in `year`, and the N.A. cells."""
    issued = _ranked((str(r["country"]), float(r["permits"])) for r in rows
                     if int(r["year"]) == year and r["permits"] is not None)
    missing = sorted({f"{r['country']} {r['year']}" for r in rows if r["permits"] is None})
    top = [f"{c} {count(v)}" for c, v in issued[:3]]
    text = (f"Bar chart of residence permits issued to Venezuelan migrants, 2015-2017, in"
            f" {len({r['country'] for r in rows})} countries: most in {year} were issued by"
            f" {_series(top)}")
    if missing:
        text += f"; {NA} (no figure) for {_series(missing)}"
    return text + "."


def sheet_permits(country_rows: Sequence[dict[str, Any]]) -> str:
    """One sheet's permits: every value, per country."""
    by_country: dict[str, list[str]] = {}
    for r in country_rows:
        value = NA if r["permits"] is None else count(r["permits"])
        by_country.setdefault(str(r["country"]), []).append(f"{r['year']}: {value}")
    parts = [f"{c} ({', '.join(v)})" for c, v in by_country.items()]
    return f"Bar chart of residence permits issued to Venezuelan migrants in {_series(parts)}."


def funding_per_outcome(subject: str, amounts: Sequence[tuple[str, float]]) -> str:
    """Funding per outcome of the plan or of a sheet: the total, then each outcome, largest
    first."""
    ranked = _ranked(amounts)
    total = sum(v for _, v in ranked)
    parts = [f"{label} {usd(v)}" for label, v in ranked]
    largest = f"; the largest is {ranked[0][0]}" if ranked else ""
    return (f"Bar chart: {subject} requests {usd(total)} in all: {_series(parts)}{largest}.")


def funding_by_office(rows: Sequence[tuple[str, str, float]]) -> str:
    """Stacked funding per office: `rows` are (office, outcome label, amount)."""
    offices: dict[str, dict[str, float]] = {}
    for office, outcome, amount in rows:
        offices.setdefault(office, {})[outcome] = offices.get(office, {}).get(outcome, 0) + amount
    totals = _ranked((o, sum(v.values())) for o, v in offices.items())
    grand = sum(v for _, v in totals)
    parts = []
    for office, total in totals[:3]:
        outcome, amount = _ranked(offices[office].items())[0]
        parts.append(f"{office} {usd(total)} (largest outcome: {outcome}, {usd(amount)})")
    low, low_total = totals[-1]
    return (f"Stacked bar chart of funding requested by {len(totals)} implementing offices,"
            f" {usd(grand)} in all: the most is requested by {_series(parts)}; the least by"
            f" {low}, {usd(low_total)}.")


def activity_matrix(rows: Sequence[tuple[str, str]], sheets: int, activities: int) -> str:
    """The sheets x activities matrix: `rows` are the (sheet, activity) pairs marked."""
    per_sheet = _ranked(_counts(s for s, _ in rows).items())
    per_activity = _ranked(_counts(a for _, a in rows).items())
    most, fewest = per_sheet[0], per_sheet[-1]
    top = per_activity[0]
    return (f"Matrix of {sheets} sheets by {activities} framework activities with"
            f" {len(rows)} marks: {most[0]} lists the most activities ({most[1]:.0f}),"
            f" {fewest[0]} the fewest ({fewest[1]:.0f}); {top[0]} is listed by the most sheets"
            f" ({top[1]:.0f}).")


def _counts(items: Iterable[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in items:
        out[item] = out.get(item, 0) + 1
    return out


def location(sheet: str, highlighted: Sequence[str]) -> str:
    """A sheet's location map."""
    return (f"Map of the countries covered by the {sheet} sheet, highlighted among their"
            f" neighbours: {_series(list(highlighted))}.")


def coverage(by_subregion: Mapping[str, Sequence[str]]) -> str:
    """The coverage map: the prioritised countries per subregion."""
    total = sum(len(v) for v in by_subregion.values())
    parts = [f"{name} {len(v)} ({', '.join(v)})" for name, v in by_subregion.items()]
    return (f"Map of the {total} prioritised countries by subregion, with a zoom on the southern"
            f" Caribbean: {_series(parts)}.")


def flows(statements: Sequence[tuple[str, Sequence[str]]],
          entry_points: Sequence[tuple[str, str]], land_entry: Sequence[str]) -> str:
    """Figure 2: what the text says per country, the entry points it names, and the countries
    it says are entered mostly by land."""
    parts = [f"{c} ({' '.join(lines)})" if lines else c for c, lines in statements]
    text = (f"Map of the {len(parts)} countries the text beside Figure 2 comments on:"
            f" {_series(parts)}")
    if entry_points:
        points = [f"{name} ({country})" for name, country in entry_points]
        text += f"; entry points marked: {_series(points)}"
    if land_entry:
        text += f"; {_series(list(land_entry))} are entered mostly by land"
    return text + "."
