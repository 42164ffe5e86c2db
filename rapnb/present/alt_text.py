"""One-sentence summaries of the charts and maps, generated from the data each one draws: the
accessible description of its drawing (`<desc>`, see `rapnb.present.svg`) and the Vega-Lite
spec's `description`. Each names the chart's numbers, formatted as the report prints them, in
the render's language (`lang`: the sentence from the catalogs, the numbers per locale).

Every function takes the rows the chart is drawn from (never reads data itself), so the
sentence and the drawing cannot disagree. Names in the rows (countries, offices, outcomes,
subregions) are given in `lang` by the caller.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rapnb.context import DEFAULT_LANG
from rapnb.present.formatting import NA, count, usd
from rapnb.present.i18n import N_, gettext_for, number

BAR_CHART = N_("Bar chart")
MAP_WITH_CIRCLES = N_("Map with one circle per country")
"""The kinds of Figure 1's drawings (`stocks(rows, kind)`: one of these, in English)."""


def _series(items: Sequence[str], lang: str = DEFAULT_LANG) -> str:
    """'a', 'a and b', 'a, b and c' (in Spanish 'a, b y c'; 'e' before an /i/ sound)."""
    if len(items) <= 1:
        return "".join(items)
    _ = gettext_for(lang)
    # i18n: the conjunction of the last two items of a list: "Colombia, Peru and Chile".
    last = _("and")
    if lang == "es" and last == "y" and _starts_with_i_sound(items[-1]):
        last = "e"
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def _starts_with_i_sound(word: str) -> bool:
    """Whether a Spanish word starts with the vowel sound /i/ ('Italia', 'Hidalgo'; not
    'hielo', 'Yucatán'), before which 'y' is written 'e'."""
    plain = "".join(c for c in unicodedata.normalize("NFD", word.casefold())
                    if unicodedata.category(c) != "Mn")
    if plain.startswith("hi"):
        plain = plain[1:]
    return plain.startswith("i") and plain[1:2] not in ("a", "e", "o", "u")


def _ranked(pairs: Iterable[tuple[str, float]]) -> list[tuple[str, float]]:
    return sorted(pairs, key=lambda p: (-p[1], p[0]))


def stocks(rows: Sequence[dict[str, Any]], kind: str, lang: str = DEFAULT_LANG) -> str:
    """Figure 1 (bars or map): the largest stocks and the smallest.

    `rows`: country, year, venezuelan_nationals, confidence ('high', 'medium', 'low'); `kind`:
    BAR_CHART or MAP_WITH_CIRCLES (in English, translated here).
    """
    _ = gettext_for(lang)
    kind = _(kind)
    ranked = sorted(rows, key=lambda r: (-int(r["venezuelan_nationals"]), str(r["country"])))
    if not ranked:
        return _("{kind} of the stock of Venezuelan nationals: no values.").format(kind=kind)
    top = [f"{r['country']} {count(r['venezuelan_nationals'], lang)} ({r['year']})"
           for r in ranked[:3]]
    low = ranked[-1]
    lower = sum(r["confidence"] != "high" for r in ranked)
    return _("{kind} of the stock of Venezuelan nationals in {countries} destination"
             " countries, latest year each: the largest are {largest}; the smallest is"
             " {smallest} with {value} ({year}); {lower} of the values are of medium or low"
             " confidence.").format(
        kind=kind, countries=len(ranked), largest=_series(top, lang), smallest=low["country"],
        value=count(low["venezuelan_nationals"], lang), year=low["year"], lower=lower)


def stock_evolution(rows: Sequence[dict[str, Any]], lang: str = DEFAULT_LANG) -> str:
    """The 2005-2017 trend: first and last value of each series."""
    _ = gettext_for(lang)
    series: dict[str, list[tuple[int, int]]] = {}
    for r in rows:
        series.setdefault(str(r["geography"]), []).append(
            (int(r["year"]), int(r["venezuelan_nationals"])))
    parts = []
    for name, points in series.items():
        points.sort()
        (y0, v0), (y1, v1) = points[0], points[-1]
        parts.append(_("{name} from {start} in {start_year} to {end} in {end_year}").format(
            name=name, start=count(v0, lang), start_year=y0, end=count(v1, lang), end_year=y1))
    return _("Line chart of Venezuelans abroad: {series}.").format(series=_series(parts, lang))


def permits(rows: Sequence[dict[str, Any]], year: int = 2017, lang: str = DEFAULT_LANG) -> str:
    """Residence permits: the countries with most permits in `year`, and the N.A. cells."""
    _ = gettext_for(lang)
    issued = _ranked((str(r["country"]), float(r["permits"])) for r in rows
                     if int(r["year"]) == year and r["permits"] is not None)
    missing = sorted({f"{r['country']} {r['year']}" for r in rows if r["permits"] is None})
    top = [f"{c} {count(v, lang)}" for c, v in issued[:3]]
    text = _("Bar chart of residence permits issued to Venezuelan migrants, 2015-2017, in"
             " {countries} countries: most in {year} were issued by {top}").format(
        countries=len({r["country"] for r in rows}), year=year, top=_series(top, lang))
    if missing:
        text += _("; {na} (no figure) for {missing}").format(na=_(NA),
                                                             missing=_series(missing, lang))
    return text + "."


def sheet_permits(country_rows: Sequence[dict[str, Any]], lang: str = DEFAULT_LANG) -> str:
    """One sheet's permits: every value, per country."""
    _ = gettext_for(lang)
    by_country: dict[str, list[str]] = {}
    for r in country_rows:
        value = _(NA) if r["permits"] is None else count(r["permits"], lang)
        by_country.setdefault(str(r["country"]), []).append(f"{r['year']}: {value}")
    parts = [f"{c} ({', '.join(v)})" for c, v in by_country.items()]
    return _("Bar chart of residence permits issued to Venezuelan migrants in"
             " {countries}.").format(countries=_series(parts, lang))


def funding_per_outcome(subject: str, amounts: Sequence[tuple[str, float]],
                        lang: str = DEFAULT_LANG) -> str:
    """Funding per outcome of the plan or of a sheet (`subject`, in `lang`): the total, then
    each outcome, largest first."""
    _ = gettext_for(lang)
    ranked = _ranked(amounts)
    total = sum(v for _label, v in ranked)
    parts = [f"{label} {usd(v, lang)}" for label, v in ranked]
    largest = _("; the largest is {outcome}").format(outcome=ranked[0][0]) if ranked else ""
    # i18n: {largest} is "; the largest is ..." (or nothing where there is no amount).
    return _("Bar chart: {subject} requests {total} in all: {amounts}{largest}.").format(
        subject=subject, total=usd(total, lang), amounts=_series(parts, lang), largest=largest)


def funding_by_office(rows: Sequence[tuple[str, str, float]], lang: str = DEFAULT_LANG) -> str:
    """Stacked funding per office: `rows` are (office, outcome label, amount)."""
    _ = gettext_for(lang)
    offices: dict[str, dict[str, float]] = {}
    for office, outcome, amount in rows:
        offices.setdefault(office, {})[outcome] = offices.get(office, {}).get(outcome, 0) + amount
    totals = _ranked((o, sum(v.values())) for o, v in offices.items())
    grand = sum(v for _office, v in totals)
    parts = []
    for office, total in totals[:3]:
        outcome, amount = _ranked(offices[office].items())[0]
        parts.append(_("{office} {total} (largest outcome: {outcome}, {amount})").format(
            office=office, total=usd(total, lang), outcome=outcome, amount=usd(amount, lang)))
    low, low_total = totals[-1]
    return _("Stacked bar chart of funding requested by {offices} implementing offices,"
             " {total} in all: the most is requested by {most}; the least by {least},"
             " {least_total}.").format(
        offices=len(totals), total=usd(grand, lang), most=_series(parts, lang), least=low,
        least_total=usd(low_total, lang))


def activity_matrix(rows: Sequence[tuple[str, str]], sheets: int, activities: int,
                    lang: str = DEFAULT_LANG) -> str:
    """The sheets x activities matrix: `rows` are the (sheet, activity) pairs marked."""
    _ = gettext_for(lang)
    per_sheet = _ranked(_counts(s for s, _activity in rows).items())
    per_activity = _ranked(_counts(a for _sheet, a in rows).items())
    most, fewest = per_sheet[0], per_sheet[-1]
    top = per_activity[0]
    return _("Matrix of {sheets} sheets by {activities} framework activities with {marks}"
             " marks: {most} lists the most activities ({most_count}), {fewest} the fewest"
             " ({fewest_count}); {top} is listed by the most sheets ({top_count}).").format(
        sheets=sheets, activities=activities, marks=len(rows), most=most[0],
        most_count=number(most[1], lang), fewest=fewest[0],
        fewest_count=number(fewest[1], lang), top=top[0], top_count=number(top[1], lang))


def _counts(items: Iterable[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in items:
        out[item] = out.get(item, 0) + 1
    return out


def location(sheet: str, highlighted: Sequence[str], lang: str = DEFAULT_LANG) -> str:
    """A sheet's location map (`sheet`: its title in `lang`)."""
    _ = gettext_for(lang)
    return _("Map of the countries covered by the {sheet} sheet, highlighted among their"
             " neighbours: {countries}.").format(sheet=sheet,
                                                 countries=_series(list(highlighted), lang))


def coverage(by_subregion: Mapping[str, Sequence[str]], lang: str = DEFAULT_LANG) -> str:
    """The coverage map: the prioritised countries per subregion."""
    total = sum(len(v) for v in by_subregion.values())
    parts = [f"{name} {len(v)} ({', '.join(v)})" for name, v in by_subregion.items()]
    _ = gettext_for(lang)
    return _("Map of the {total} prioritised countries by subregion, with a zoom on the"
             " southern Caribbean: {subregions}.").format(total=total,
                                                          subregions=_series(parts, lang))


def flows(statements: Sequence[tuple[str, Sequence[str]]],
          entry_points: Sequence[tuple[str, str]], land_entry: Sequence[str],
          lang: str = DEFAULT_LANG) -> str:
    """Figure 2: what the text says per country, the entry points it names, and the countries
    it says are entered mostly by land."""
    _ = gettext_for(lang)
    parts = [f"{c} ({' '.join(lines)})" if lines else c for c, lines in statements]
    text = _("Map of the {countries} countries the text beside Figure 2 comments on:"
             " {statements}").format(countries=len(parts), statements=_series(parts, lang))
    if entry_points:
        points = [f"{name} ({country})" for name, country in entry_points]
        text += _("; entry points marked: {points}").format(points=_series(points, lang))
    if land_entry:
        text += _("; {countries} are entered mostly by land").format(
            countries=_series(list(land_entry), lang))
    return text + "."
