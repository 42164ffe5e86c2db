"""Report-ready tables and text for the notebooks: formatted numbers, the plan's stated figures
beside the computed ones, and every piece of text from the data escaped before display."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rapnb.context import Context, Where, as_context
from rapnb.datasets import loaders
from rapnb.datasets.schema import COMPONENTS
from rapnb.datasets.sources import NATURAL_EARTH, PLAN, TRENDS
from rapnb.derived.errata import errata_and_wordings
from rapnb.derived.funding import funding_table
from rapnb.derived.headline import plan_headline_numbers
from rapnb.derived.reconcile import reconcile
from rapnb.derived.sheets import SheetInfo, sheet_info
from rapnb.derived.stocks import aggregate_stocks, latest_stocks
from rapnb.present import i18n
from rapnb.present.errata_text import localize_computed
from rapnb.present.formatting import (
    NA,
    Markdown,
    amount,
    bullets,
    count,
    escape,
    figure_value,
    language_span,
    outcome_labels,
)
from rapnb.present.i18n import N_, SOURCE_LANGUAGE, UNOFFICIAL, tr
from rapnb.present.plan_text import country_name, localize, stock_notes, translated
from rapnb.present.tables import Details, captioned, in_language, quoting

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Details", "Markdown", "NA", "SheetInfo", "activity_matrix_table", "bullets",
    "coverage_table", "data_table", "entry_points_table", "errata_table", "escape",
    "flows_table", "funding_table_display", "government_measures", "optional",
    "outcomes_table", "overview_heading", "overview_headline", "permits_table", "prose",
    "reconcile_table", "setup", "unofficial_note",
    "sheet_activities_table", "sheet_countries", "sheet_funding_table", "sheet_heading",
    "sheet_headline", "sheet_info", "sheet_key_figures", "sheet_needs_table",
    "sheets_overview_table", "sources_footer", "stock_evolution_table", "stocks_table",
]


def setup() -> None:
    """Prepare a notebook kernel: the chart renderer and theme, tables written by
    `rapnb.present.tables` (caption, row headers, no style block), quiet pandas display."""
    from rapnb.present.display import setup as setup_charts
    from rapnb.present.tables import use_in_ipython

    setup_charts()
    use_in_ipython()
    import pandas as pd

    pd.set_option("display.max_colwidth", None)
    pd.set_option("display.max_rows", 200)


def _title(info: SheetInfo) -> str:
    """The sheet's title in the render's language."""
    return str(translated(info.ctx, "sheets", info.sheet_id, "sheet_title", info.title))


def unofficial_note(ctx: Where = None) -> str:
    """The note every page in another language than English starts with ('' in English)."""
    ctx = as_context(ctx)
    if ctx.lang == "en":
        return ""
    _ = tr(ctx)
    return "\n\n*" + _(UNOFFICIAL_NOTE).format(unofficial=UNOFFICIAL[ctx.lang]) + "*"


UNOFFICIAL_NOTE = N_("{unofficial}: this edition is the project's own translation of the plan,"
                     " which IOM published in English; the English plan is authoritative.")


def sheet_heading(sheet: str | SheetInfo, ctx: Where = None) -> Markdown:
    """The sheet's title as a heading (and, in another language, the unofficial-translation
    note)."""
    info = sheet_info(sheet, ctx)
    _ = tr(info.ctx)
    return Markdown(_("# {title}: country sheet").format(title=escape(_title(info)))
                    + unofficial_note(info.ctx))


def prose(ctx: Where, text: str) -> Markdown:
    """A paragraph (or heading) of the notebook's own prose, in the render's language: `text`
    is the English message of the catalog."""
    return Markdown(tr(ctx)(text))


def overview_heading(ctx: Where = None) -> Markdown:
    """The overview's title (and, in another language, the unofficial-translation note)."""
    _ = tr(ctx)
    return Markdown(_("# Regional Action Plan for Venezuelan migration (IOM, 2018): regional"
                      " overview") + unofficial_note(ctx))


def optional(item: Any, missing: str, ctx: Where = None) -> Any:
    """`item`, or a short note (`missing`, translated) in its place when there is nothing to
    show."""
    empty = item is None or getattr(item, "empty", False)
    return Markdown(f"*{escape(tr(ctx)(missing))}*") if empty else item


def overview_headline(ctx: Where = None) -> Markdown:
    """The plan in one paragraph: total, offices, countries, outcomes, activities."""
    ctx = as_context(ctx)
    _, lang = tr(ctx), ctx.lang
    n = plan_headline_numbers(ctx)
    return Markdown(_(
        "The plan requests **USD {total}** over two years (its cells add up to USD"
        " {computed}), for **{countries} countries**, through **{offices} implementing"
        " offices** shown on **{sheets} sheets**, under four outcomes plus evaluation and an"
        " activity framework of **{activities} activities**.").format(
            total=amount(n["total_usd"], lang), computed=amount(n["computed_usd"], lang),
            countries=n["countries"], offices=n["offices"], sheets=n["sheets"],
            activities=n["activities"]))


def sheets_overview_table(ctx: Where = None) -> pd.DataFrame:
    """One row per sheet, in the plan's order: office(s), countries, total requested and share
    as the sheet and the funding table print them, and the number of activities listed.
    Indexed by sheet id (what file names are made of)."""
    import pandas as pd

    ctx = as_context(ctx)
    _, lang = tr(ctx), ctx.lang
    countries = _country_names(ctx)
    listed = loaders.sheet_activities(ctx).groupby("sheet_id")["activity_id"].nunique()
    rows = []
    for sheet_id in loaders.sheets(ctx):
        info = sheet_info(sheet_id, ctx)
        rows.append({
            "sheet_id": info.sheet_id, _("Sheet"): _title(info),
            _("Implementing office(s)"): "; ".join(_office_names(info)),
            _("Countries"): ", ".join(str(countries.get(i, i)) for i in info.iso3),
            _("Total requested (USD)"): amount(info.stated_total_usd, lang),
            _("Share of the plan"): i18n.percent(info.stated_share_pct, lang, 1),
            _("Activities"): int(listed.get(info.sheet_id, 0)),
        })
    return captioned(pd.DataFrame(rows).set_index("sheet_id"),
                     _("The {n} sheets: offices, countries, total requested (as printed) and"
                       " share").format(n=len(rows)))


def _country_names(ctx: Context) -> dict[str, str]:
    """iso3 -> the prioritised country's name in the render's language."""
    countries = loaders.countries(ctx)
    return {str(i): country_name(ctx, i, str(n))
            for i, n in zip(countries["iso3"], countries["country_name"], strict=True)}


def _office_names(info: SheetInfo) -> list[str]:
    return [str(translated(info.ctx, "offices", o, "office_name", n))
            for o, n in zip(info.office_ids, info.office_names, strict=True)]


CONFIDENCE = {"high": N_("high"), "medium": N_("medium"), "low": N_("low")}


def stocks_table(ctx: Where = None) -> pd.DataFrame:
    """Figure 1's values with year, confidence and source."""
    ctx = as_context(ctx)
    _, lang = tr(ctx), ctx.lang
    table = latest_stocks(ctx)
    shown = table.assign(
        geography=[country_name(ctx, i, str(g))
                   for i, g in zip(table["iso3"], table["geography"], strict=True)],
        Stock=[count(v, lang) for v in table["venezuelan_nationals"]],
        confidence=[_(CONFIDENCE.get(c, c)) for c in table["confidence"]],
        note=stock_notes(ctx, table),
    )[["geography", "year", "Stock", "confidence", "source", "note"]].rename(
        columns={"geography": _("Country"), "year": _("Year"), "Stock": _("Stock"),
                 "confidence": _("Confidence"), "source": _("Source"), "note": _("Note")}
    ).set_index(_("Country"))
    if lang != SOURCE_LANGUAGE:  # the sources are cited as published, in English
        in_language(shown, SOURCE_LANGUAGE, [_("Source")])
        quoting(shown, SOURCE_LANGUAGE, [_("Note")])  # the plan's words the notes quote
    return captioned(shown, _("Figure 1 data: the latest stock of Venezuelan nationals per"
                              " destination country, with its year, confidence and source"))


def stock_evolution_table(ctx: Where = None) -> pd.DataFrame:
    """The aggregates behind the 2005-2017 trend chart: one row per aggregate, one column per
    year (N.A. where a year has no value)."""
    ctx = as_context(ctx)
    _, lang = tr(ctx), ctx.lang
    data = aggregate_stocks(ctx)
    order = list(dict.fromkeys(data["geography"]))
    wide = data.pivot(index="geography", columns="year", values="venezuelan_nationals")
    table = wide.reindex(order).map(lambda v: count(v, lang))
    table.columns = [str(c) for c in table.columns]
    table.index = [_(AGGREGATES.get(g, g)) for g in table.index]
    table.index.name = _("Geography")
    return captioned(table, _("Venezuelans abroad per year, worldwide and by subregion"))


AGGREGATES = {"Worldwide": N_("Worldwide"), "South America": N_("South America"),
              "North America": N_("North America"), "Europe": N_("Europe"),
              "Central America and the Caribbean": N_("Central America and the Caribbean"),
              "Caribbean": N_("Caribbean"), "Central America": N_("Central America"),
              "Other": N_("Other")}
"""The aggregate geographies of the stocks table (and the subregions), as pages name them."""


def flows_table(ctx: Where = None) -> pd.DataFrame:
    """Figure 2's data: per country the text comments on, what the plan says, in its order."""
    ctx = as_context(ctx)
    _ = tr(ctx)
    names = _country_names(ctx)
    statements = localize(loaders.flow_statements(ctx).sort_values("position", kind="stable"),
                          ctx, "flow_statements", ["iso3"], ["statement"])
    table = statements.assign(Country=[str(names.get(i, i)) for i in statements["iso3"]])
    shown = table[["Country", "statement"]].rename(
        columns={"Country": _("Country"), "statement": _("What the plan says")}
    ).set_index(_("Country"))
    return captioned(shown, _("Figure 2 data: what the text beside the map says per country"))


def entry_points_table(ctx: Where = None) -> pd.DataFrame:
    """The entry points the text beside Figure 2 names, with the country each is an entry
    point of, whether the plan says that country is entered mostly by land, and the sentence."""
    ctx = as_context(ctx)
    _ = tr(ctx)
    names = _country_names(ctx)
    points = localize(loaders.entry_points(ctx).sort_values("position", kind="stable"), ctx,
                      "entry_points", ["entry_point"], ["statement"])
    by_land = _("Country entered mostly by land")
    table = points.assign(
        Into=[str(names.get(i, i)) for i in points["iso3"]],
        Kind=[_(PLACE_KINDS.get(k, k)) for k in points["place_kind"]],
        **{by_land: [_("yes") if v == "land" else "" for v in points["entered_mostly_by"]]},
    )
    shown = table[["entry_point", "Into", "Kind", by_land, "statement"]].rename(
        columns={"entry_point": _("Entry point"), "Into": _("Into"), "Kind": _("Kind"),
                 "statement": _("What the plan says")})
    return captioned(shown.set_index(_("Entry point")),
                     _("Figure 2 data: the entry points the text names"))


PLACE_KINDS = {"city": N_("city"), "state": N_("state"), "bridge": N_("bridge"),
               "airport": N_("airport")}


def activity_matrix_table(ctx: Where = None) -> pd.DataFrame:
    """The activity matrix as a table: per sheet, the framework activities it lists under each
    outcome, and how many."""
    import pandas as pd

    ctx = as_context(ctx)
    _ = tr(ctx)
    labels = outcome_labels(ctx)
    sheets = localize(loaders.sheet_table(ctx).sort_values("position"), ctx, "sheets",
                      ["sheet_id"], ["sheet_title"])
    listed = loaders.sheet_activities(ctx)
    framework = loaders.activities(ctx)[["activity_id", "outcome"]]
    merged = listed.merge(framework, on="activity_id")
    rows = []
    for sheet_id, title in zip(sheets["sheet_id"], sheets["sheet_title"], strict=True):
        mine = merged[merged["sheet_id"] == sheet_id]
        row: dict[str, object] = {_("Sheet"): title}
        for number, component in enumerate(COMPONENTS[:4], start=1):
            ids = sorted(set(mine.loc[mine["outcome"] == number, "activity_id"]),
                         key=_activity_key)
            row[_("Outcome {label}").format(label=labels[component])] = ", ".join(ids)
        row[_("Activities")] = int(mine["activity_id"].nunique())
        rows.append(row)
    return captioned(pd.DataFrame(rows).set_index(_("Sheet")),
                     _("Which sheet lists which framework activities, by outcome"))


def data_table(table: pd.DataFrame, summary: str = N_("Data table"),
               ctx: Where = None) -> Details:
    """`table` folded under `summary` (translated) in a `<details>` element (the data beside
    a chart)."""
    return Details(table, tr(ctx)(summary))


def sheet_headline(sheet: str | SheetInfo, ctx: Where = None) -> Markdown:
    """The sheet's headline: offices, total requested and share of the plan."""
    info = sheet_info(sheet, ctx)
    _, lang = tr(info.ctx), info.ctx.lang
    offices = ", ".join(escape(n) for n in _office_names(info))
    gap = info.total_usd - info.stated_total_usd
    note = ("" if gap == 0 else " " + _(
        "The outcome amounts add up to USD {total} ({gap} USD against the sheet's printed"
        " TOTAL; see the reconciliation section of the regional overview).").format(
            total=amount(info.total_usd, lang), gap=i18n.signed(gap, lang)))
    label = _("Implementing offices") if len(info.office_names) > 1 else _(
        "Implementing office")
    return Markdown(
        f"**{label}:** {offices}\n\n" + _(
            "**Total requested:** USD {stated} as printed on the sheet, {share} of the plan's"
            " USD {grand} (computed share {computed}).").format(
                stated=amount(info.stated_total_usd, lang),
                share=i18n.percent(info.stated_share_pct, lang, 1),
                grand=amount(info.grand_total_usd, lang),
                computed=i18n.percent(info.share_pct, lang, 2)) + note
    )


def sheet_countries(sheet: str | SheetInfo, ctx: Where = None) -> pd.DataFrame:
    """The countries a sheet covers with their subregion."""
    info = sheet_info(sheet, ctx)
    _, names = tr(info.ctx), _country_names(info.ctx)
    countries = loaders.countries(info.ctx).set_index("iso3").loc[list(info.iso3)].reset_index()
    countries = countries.assign(
        country_name=[names.get(i, n) for i, n in zip(countries["iso3"],
                                                      countries["country_name"], strict=True)],
        subregion=[_(SUBREGIONS.get(r, r)) for r in countries["subregion"]])
    table = countries[["country_name", "iso3", "subregion"]].rename(
        columns={"iso3": "ISO3", "country_name": _("Country"), "subregion": _("Subregion")}
    ).set_index(_("Country"))
    return captioned(table, _("Countries covered by the {title} sheet").format(
        title=_title(info)))


SUBREGIONS = {"South America": N_("South America"), "Central America": N_("Central America"),
              "North America": N_("North America"), "Caribbean": N_("Caribbean"),
              "Central America, North America and the Caribbean":
                  N_("Central America, North America and the Caribbean")}


def sheet_funding_table(sheet: str | SheetInfo, ctx: Where = None) -> pd.DataFrame:
    """Funding per outcome for a sheet, the computed sum and the sheet's printed TOTAL."""
    info = sheet_info(sheet, ctx)
    import pandas as pd

    _, lang = tr(info.ctx), info.ctx.lang
    labels = outcome_labels(info.ctx)
    cells = loaders.funding(info.ctx)
    sums = cells[cells["office_id"].isin(info.office_ids)].groupby("component")["amount_usd"].sum()
    outcome = _("Outcome")
    rows = [{outcome: labels[c], "USD": amount(sums.get(c, 0), lang)}
            for c in COMPONENTS if sums.get(c, 0) > 0 or c != "evaluation"]
    rows.append({outcome: _("Sum of the outcomes"), "USD": amount(info.total_usd, lang)})
    rows.append({outcome: _("TOTAL as printed in the plan"),
                 "USD": amount(info.stated_total_usd, lang)})
    return captioned(pd.DataFrame(rows).set_index(outcome),
                     _("{title}: funding requested per outcome (USD)").format(
                         title=_title(info)))


def sheet_needs_table(sheet: str | SheetInfo, ctx: Where = None) -> pd.DataFrame:
    """A sheet's needs, one row per outcome (needs joined with '; ')."""
    info = sheet_info(sheet, ctx)
    import pandas as pd

    _ = tr(info.ctx)
    labels = outcome_labels(info.ctx)
    needs = localize(loaders.sheet_needs(info.ctx, info.sheet_id), info.ctx, "sheet_needs",
                     ["sheet_id", "component", "position"], ["need"]
                     ).sort_values(["component", "position"])
    rows = []
    outcome, column = _("Outcome"), _("Needs")
    for component in COMPONENTS:
        listed = needs.loc[needs["component"] == component, "need"].tolist()
        if listed:
            rows.append({outcome: labels[component], column: "; ".join(listed)})
    return captioned(pd.DataFrame(rows, columns=[outcome, column]).set_index(outcome),
                     _("{title}: needs per outcome, as listed on the sheet").format(
                         title=_title(info)))


def government_measures(sheet: str | SheetInfo, ctx: Where = None) -> list[str]:
    """The government's own measures listed on a sheet, in order."""
    info = sheet_info(sheet, ctx)
    measures = localize(loaders.government_response(info.ctx, info.sheet_id), info.ctx,
                        "government_response", ["sheet_id", "position"], ["measure"])
    return measures.sort_values("position")["measure"].tolist()


def sheet_activities_table(sheet: str | SheetInfo, ctx: Where = None) -> pd.DataFrame:
    """A sheet's activities grouped by outcome, with their framework ids and the sheet wording."""
    info = sheet_info(sheet, ctx)
    _ = tr(info.ctx)
    labels = outcome_labels(info.ctx)
    listed = localize(loaders.sheet_activities(info.ctx, info.sheet_id), info.ctx,
                      "sheet_activities", ["sheet_id", "activity_id"], ["sheet_text"])
    framework = loaders.activities(info.ctx)[["activity_id", "outcome"]]
    table = listed.merge(framework, on="activity_id")
    table["Outcome"] = [labels[COMPONENTS[o - 1]] for o in table["outcome"]]
    table = table.sort_values(["outcome", "activity_id"],
                              key=lambda s: s.map(_activity_key) if s.name == "activity_id" else s)
    shown = table[["Outcome", "activity_id", "sheet_text"]].rename(
        columns={"Outcome": _("Outcome"), "activity_id": _("Activity"),
                 "sheet_text": _("As worded on the sheet")}
    ).set_index([_("Outcome"), _("Activity")])
    return captioned(shown, _("{title}: activities per outcome, with their framework ids").format(
        title=_title(info)))


def _activity_key(activity_id: str) -> tuple[int, int]:
    outcome, number = activity_id[1:].split(".A")
    return int(outcome), int(number)


def permits_table(scope: Where | SheetInfo = None) -> pd.DataFrame:
    """The residence-permits table as printed (N.A. kept), with totals and growth 2015-2017:
    every country, or a sheet's countries."""
    import pandas as pd

    ctx = scope.ctx if isinstance(scope, SheetInfo) else as_context(scope)
    _, lang = tr(ctx), ctx.lang
    na = _(NA)
    permits = loaders.residence_permits(ctx)
    if isinstance(scope, SheetInfo):
        permits = permits[permits["iso3"].isin(scope.iso3)]
    if permits.empty:
        return pd.DataFrame()
    order = list(dict.fromkeys(permits["country"]))
    names = {str(c): country_name(ctx, i, str(c))
             for i, c in zip(permits["iso3"], permits["country"], strict=True)}
    wide = permits.pivot(index="country", columns="year", values="permits").reindex(order)
    table = wide.map(lambda v: count(v, lang))
    table.columns = [str(c) for c in table.columns]
    growth = _("Growth 2016-2017")

    def change(ratio: float) -> str:
        return ("+" if ratio > 0 else "") + i18n.percent(ratio * 100, lang, 0)

    table[growth] = [na if (a is pd.NA or b is pd.NA) else change(b / a - 1)
                     for a, b in zip(wide[2016], wide[2017], strict=True)]
    table.index = [names.get(str(c), str(c)) for c in table.index]
    if len(table) > 1:
        totals = {str(c): amount(wide[c].sum(), lang) for c in wide.columns}
        totals[growth] = change(wide[2017].sum() / wide[2016].sum() - 1)
        table.loc[_("Total (N.A. left out)")] = totals
    table.index.name = _("Country")
    return captioned(table, _("Residence permits issued to Venezuelan migrants, 2015-2017"
                              " (N.A.: no figure in the plan's table)"))


def funding_table_display(ctx: Where = None) -> pd.DataFrame:
    """The funding table as printed: USD with separators, stated totals and shares beside ours."""
    ctx = as_context(ctx)
    _, lang = tr(ctx), ctx.lang
    labels = outcome_labels(ctx)
    table = funding_table(ctx)
    shown = table[COMPONENTS + ["total_usd", "stated_total_usd"]].map(
        lambda v: amount(v, lang))
    shown["share_pct"] = [i18n.percent(v, lang, 1) for v in table["share_pct"]]
    shown["stated_share_pct"] = [f"{v:.1f}%".replace(".", ",") for v in table["stated_share_pct"]]
    shown.columns = [labels[c] for c in COMPONENTS] + [
        _("Sum of cells"), _("TOTAL as printed"), _("Share (computed)"), _("Share as printed")]
    if ctx.lang != "en":
        offices = localize(loaders.offices(ctx), ctx, "offices", ["office_id"],
                           ["office_name_as_printed"])
        english = loaders.offices(ctx)["office_name_as_printed"]
        rename = dict(zip(english, offices["office_name_as_printed"], strict=True))
        shown.index = [rename.get(i, _(i)) for i in shown.index]
    shown.index.name = _("Implementing office")
    return captioned(shown, _("Estimated funding needs (USD) by implementing office and"
                              " outcome, with the plan's printed totals and shares"))


def outcomes_table(ctx: Where = None) -> pd.DataFrame:
    """The four outcomes and evaluation: statement and funding requested."""
    ctx = as_context(ctx)
    _, lang = tr(ctx), ctx.lang
    labels = outcome_labels(ctx)
    outcomes = localize(loaders.outcomes(ctx), ctx, "outcomes", ["component"], ["statement"])
    requested = _("Funding requested (USD)")
    table = outcomes.assign(
        Outcome=[labels[c] for c in outcomes["component"]],
        **{requested: [amount(v, lang) for v in outcomes["funding_requested_usd"]]},
    )
    shown = table[["Outcome", "statement", requested]].rename(
        columns={"Outcome": _("Outcome"), "statement": _("Outcome statement")}
    ).set_index(_("Outcome"))
    return captioned(shown, _("The four outcomes and evaluation, with the funding requested"))


def coverage_table(ctx: Where = None) -> pd.DataFrame:
    """The prioritised countries by subregion, with the offices that cover them."""
    ctx = as_context(ctx)
    _, names = tr(ctx), _country_names(ctx)
    countries = loaders.countries(ctx)
    countries = countries.assign(
        country_name=[names.get(i, n) for i, n in zip(countries["iso3"],
                                                      countries["country_name"], strict=True)],
        subregion=[_(SUBREGIONS.get(r, r)) for r in countries["subregion"]])
    offices = localize(loaders.offices(ctx), ctx, "offices", ["office_id"],
                       ["office_name_as_printed"])
    coverage = loaders.office_countries(ctx).merge(
        offices[["office_id", "office_name_as_printed", "office_kind"]], on="office_id")
    country_office = coverage[coverage["office_kind"] != "regional_office"].groupby("iso3")[
        "office_name_as_printed"].agg(", ".join)
    regional = coverage[coverage["office_kind"] == "regional_office"].groupby("iso3")[
        "office_name_as_printed"].agg(", ".join)
    country_column, regional_column = _("Country office"), _("Regional office")
    table = countries.assign(
        **{country_column: countries["iso3"].map(country_office),
           regional_column: countries["iso3"].map(regional)})
    shown = table[["subregion", "country_name", "iso3", country_column, regional_column]
                  ].rename(columns={"subregion": _("Subregion"), "country_name": _("Country"),
                                    "iso3": "ISO3"}).set_index([_("Subregion"), _("Country")])
    return captioned(shown, _("The prioritised countries by subregion, with the offices that"
                              " cover them"))


def sheet_key_figures(sheet: str | SheetInfo, ctx: Where = None) -> pd.DataFrame:
    """The narrative's numbers about the sheet's countries, with the sentence they come from."""
    info = sheet_info(sheet, ctx)
    _, lang, names = tr(info.ctx), info.ctx.lang, _country_names(info.ctx)
    figures = localize(loaders.key_figures(info.ctx), info.ctx, "key_figures", ["figure_id"],
                       ["statement"])
    mine = figures[figures["iso3"].isin(info.iso3)]
    table = mine.assign(
        geography=[names.get(i) or country_name(info.ctx, i, str(g))
                   for i, g in zip(mine["iso3"], mine["geography"], strict=True)],
        Value=[figure_value(v, u, lang) for v, u in zip(mine["value"], mine["unit"],
                                                        strict=True)],
        period=mine["period"].fillna(""),  # no period stated: an empty cell, never "None"
        measure=[_(str(m).replace("_", " ")) for m in mine["measure"]],
        qualifier=[_(str(q).replace("_", " ")) for q in mine["qualifier"]],
    )
    shown = table[["geography", "period", "measure", "Value", "qualifier", "statement"]].rename(
        columns={"geography": _("Country"), "period": _("Period"), "measure": _("Measure"),
                 "Value": _("Value"), "qualifier": _("Qualifier"),
                 "statement": _("Statement in the plan")}
    ).set_index(_("Country"))
    return captioned(shown, _("{title}: the numbers the plan's narrative states, with their"
                              " sentence").format(title=_title(info)))


MEASURES = [N_("stock"), N_("stock change pct"), N_("stock ratio"), N_("entries"),
            N_("migratory balance"), N_("entries change pct"), N_("residence permits"),
            N_("share pct"), N_("residence validity"), N_("growth pct"), N_("regularised"),
            N_("applications"), N_("visa free stay"), N_("temporary residence permits americas"),
            N_("temporary residence share pct"), N_("temporary residence permits"),
            N_("permanent residence permits americas"), N_("permanent residence share pct"),
            N_("humanitarian visitor cards"), N_("ratio"), N_("applicants"),
            N_("plan duration"), N_("funding usd"), N_("funding period"),
            N_("ptp holding period"), N_("exact"), N_("more than"), N_("approximately"),
            N_("up to"), N_("around"), N_("almost"), N_("about"), N_("over")]
"""The key figures' measures and qualifiers as a page reads them (for the catalog)."""


def reconcile_table(ctx: Where = None) -> pd.DataFrame:
    """Where the plan disagrees with itself, formatted for reading."""
    ctx = as_context(ctx)
    _, lang = tr(ctx), ctx.lang
    found = reconcile(ctx)

    def fmt(value: float, unit: str) -> str:
        return i18n.number(value, lang, 2 if unit in ("pct", "ratio") else 0)

    table = found.assign(
        table=[_(t) for t in found["table"]], check=[_(c) for c in found["check"]],
        unit=[_(u) for u in found["unit"]],
        note=[_note(ctx, n) for n in found["note"]],
        Stated=[fmt(v, u) for v, u in zip(found["stated"], found["unit"], strict=True)],
        Computed=[fmt(v, u) for v, u in zip(found["computed"], found["unit"], strict=True)],
        Difference=[("+" if d > 0 else "") + fmt(d, u)
                    for d, u in zip(found["difference"], found["unit"], strict=True)],
    )[["table", "item", "check", "unit", "Stated", "Computed", "Difference", "note"]].rename(
        columns={"table": _("Table"), "item": _("Item"), "check": _("Check"), "unit": _("Unit"),
                 "Stated": _("Stated"), "Computed": _("Computed"),
                 "Difference": _("Difference"), "note": _("Note")})
    return captioned(table, _("Where the plan disagrees with itself (difference = computed"
                              " minus stated)"))


RECONCILE_WORDS = [
    N_("funding"), N_("residence_permits"), N_("3-year total"), N_("close figure"),
    N_("column total"), N_("grand total"), N_("growth"), N_("narrative total"),
    N_("narrative vs table"), N_("outcome funding requested"), N_("ratio"), N_("row total"),
    N_("sheet total"), N_("sum of stated row shares"), N_("table total"), N_("pct"),
    N_("permits"), N_("persons"), N_("usd"),
    N_("office row: stated TOTAL vs sum of its five cells"),
    N_("TOTAL row: stated column total vs sum of the column's cells"),
    N_("stated grand total vs sum of all 80 cells"),
    N_("the printed office shares should add up to the printed 100%"),
    N_("'a total funding of USD 32.326.041' vs sum of all cells"),
    N_("intervention model 'Funding requested' vs sum of the column's cells"),
    N_("the sheet's printed TOTAL vs the sum of its offices' cells"),
]
"""What reconcile() writes in its table, check, unit and note columns (for the catalog)."""


def _note(ctx: Context, note: str) -> str:
    """A reconcile note in the render's language: a fixed note from the catalog, or
    '<figure_id>: <the plan's statement>' with the statement's translation."""
    figure_id, sep, statement = note.partition(": ")
    if sep and figure_id.replace("_", "").isalnum() and " " not in figure_id:
        return f"{figure_id}: {translated(ctx, 'key_figures', figure_id, 'statement', statement)}"
    return tr(ctx)(note)


def errata_table(ctx: Where = None) -> pd.DataFrame:
    """The plan's textual slips (`rapnb.errata()`), one row each, grouped by kind: where, the
    words as printed and the note (a DataFrame: its HTML display escapes the text)."""
    ctx = as_context(ctx)
    _ = tr(ctx)
    english, wordings = errata_and_wordings(ctx)
    found = localize_computed(
        localize(english, ctx, "errata", ["erratum_id"], ["section", "note"]), ctx, wordings)
    kinds = [_(ERRATA_KINDS.get(str(k), str(k))) for k in found["kind"]]
    table = found.assign(Kind=kinds).rename(
        columns={"section": "Where", "quote": "As printed", "note": "Note"}
    )[["Kind", "Where", "As printed", "Note"]].rename(
        columns={"Kind": _("Kind"), "Where": _("Where"), "As printed": _("As printed"),
                 "Note": _("Note")}).set_index(_("Kind"))
    if ctx.lang != SOURCE_LANGUAGE:  # the plan's words, quoted as printed
        in_language(table, SOURCE_LANGUAGE, [_("As printed")])
        quoting(table, SOURCE_LANGUAGE, [_("Note")])
        for field, column in (("section", _("Where")), ("note", _("Note"))):
            # what is left in English: the plan's places as its key figures list them
            in_language(table, SOURCE_LANGUAGE, [column],
                        [bool(e) and e == t for e, t in zip(english[field], found[field],
                                                            strict=True)])
    return table


ERRATA_KINDS = {"typo": N_("Typo"), "truncated_sentence": N_("Truncated sentence"),
                "date_missing_year": N_("Date missing year"), "number_format": N_("Number format"),
                "heading": N_("Heading"), "wording_difference": N_("Wording difference"),
                "budget_without_need": N_("Budget without need"),
                "approximate_precise": N_("Approximate precise")}


SOURCE_LICENCES = [
    N_("© IOM 2018. Figures and short quotations are reused with attribution for analysis."),
    N_("© IOM 2018; secondary figures keep their own source per row (column `source`)."),
    N_("Public domain (Natural Earth terms of use); world-atlas is ISC-licensed."),
]
"""The sources' licence notes (rapnb.datasets.sources), for the catalog: a test checks that
every licence of a source is one of them."""


def sources_footer(extra: list[str] | None = None, ctx: Where = None) -> Markdown:
    """The sources of a sheet or of the overview, with licences (titles and producers as
    published, in English: so marked on a page in another language)."""
    ctx = as_context(ctx)
    _ = tr(ctx)
    lines = []
    for src in (PLAN, TRENDS, NATURAL_EARTH):
        cited = language_span(f"{src['title']}. {src['producer']}", SOURCE_LANGUAGE, ctx.lang)
        lines.append(f"- {cited}, {src['date']}. {_(src['licence'])}")
    lines += [f"- {escape(e)}" for e in extra or []]
    if ctx.lang != SOURCE_LANGUAGE:
        lines.append("- " + _("Spanish texts: the project's own unofficial translation"
                              " (data/translations.csv, rapnb/locale/); the plan is in"
                              " English."))
    return Markdown("**" + _("Sources") + "**\n\n" + "\n".join(lines))
