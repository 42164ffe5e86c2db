"""Report-ready tables and text for the notebooks: formatted numbers, the plan's stated figures
beside the computed ones, and every piece of text from the data escaped before display."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rapnb import loaders, style
from rapnb.datasets import DataDir
from rapnb.metadata import COMPONENTS

if TYPE_CHECKING:
    import pandas as pd

NA = "N.A."


def setup() -> None:
    """Prepare a notebook kernel: the chart renderer and theme, and quiet pandas display."""
    from rapnb.display import setup as setup_charts

    setup_charts()
    import pandas as pd

    pd.set_option("display.max_colwidth", None)
    pd.set_option("display.max_rows", 200)


def escape(text: object) -> str:
    """Text from a dataset, safe to put into Markdown or HTML output (shown, never run)."""
    return html.escape(str(text), quote=True)


class Markdown:
    """Markdown output whose data-derived parts were escaped by the caller."""

    def __init__(self, text: str) -> None:
        self.text = text

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text


def bullets(items: list[str], empty: str = "None listed in the plan.") -> Markdown:
    """A bullet list of data text, escaped."""
    if not items:
        return Markdown(f"*{empty}*")
    return Markdown("\n".join(f"- {escape(item)}" for item in items))


def _usd(value: Any) -> str:
    return f"{int(value):,}"


def format_count(value: Any) -> str:
    """A count with thousands separators; N.A. for a missing value."""
    import pandas as pd

    return NA if pd.isna(value) else f"{int(value):,}"


@dataclass(frozen=True)
class SheetInfo:
    """What a country sheet is about: its offices, countries and money."""

    sheet_id: str
    title: str
    office_ids: tuple[str, ...]
    office_names: tuple[str, ...]
    iso3: tuple[str, ...]
    total_usd: int
    stated_total_usd: int
    share_pct: float
    stated_share_pct: float
    grand_total_usd: int


def sheet_info(sheet: object, data_dir: DataDir = None) -> SheetInfo:
    """Offices, countries, total and share of a sheet (computed and as the plan states them)."""
    sheet_id = loaders.check_sheet(sheet, data_dir)
    offices = loaders.offices(data_dir).sort_values("position")
    mine = offices[offices["sheet_id"] == sheet_id]
    office_ids = tuple(mine["office_id"])
    coverage = loaders.office_countries(data_dir)
    countries = loaders.countries(data_dir)
    covered = set(coverage.loc[coverage["office_id"].isin(office_ids), "iso3"])
    iso3 = tuple(c for c in countries["iso3"] if c in covered)
    cells = loaders.funding(data_dir)
    stated = loaders.funding_stated(data_dir).set_index(["scope", "item"])
    total = int(cells.loc[cells["office_id"].isin(office_ids), "amount_usd"].sum())
    grand = int(cells["amount_usd"].sum())
    title = loaders.sheet_table(data_dir).set_index("sheet_id").loc[sheet_id, "sheet_title"]
    return SheetInfo(
        sheet_id=sheet_id,
        title=str(title),
        office_ids=office_ids,
        office_names=tuple(mine["office_name"]),
        iso3=iso3,
        total_usd=total,
        stated_total_usd=int(stated.loc[("sheet", sheet_id), "stated_usd"]),
        share_pct=total / grand * 100,
        stated_share_pct=float(sum(stated.loc[("office", o), "stated_share_pct"]
                                   for o in office_ids)),
        grand_total_usd=int(stated.loc[("grand_total", "total"), "stated_usd"]),
    )


def sheet_heading(info: SheetInfo) -> Markdown:
    """The sheet's title as a heading."""
    return Markdown(f"# {escape(info.title)}: country sheet")


def optional(item: Any, missing: str) -> Any:
    """`item`, or a short note in its place when there is nothing to show."""
    empty = item is None or getattr(item, "empty", False)
    return Markdown(f"*{escape(missing)}*") if empty else item


def overview_headline(data_dir: DataDir = None) -> Markdown:
    """The plan in one paragraph: total, offices, countries, outcomes, activities."""
    stated = loaders.funding_stated(data_dir).set_index(["scope", "item"])
    total = int(stated.loc[("grand_total", "total"), "stated_usd"])
    computed = int(loaders.funding(data_dir)["amount_usd"].sum())
    return Markdown(
        f"The plan requests **USD {total:,}** over two years (its cells add up to USD"
        f" {computed:,}), for **{len(loaders.countries(data_dir))} countries**, through"
        f" **{len(loaders.offices(data_dir))} implementing offices** shown on"
        f" **{len(loaders.sheets(data_dir))} sheets**, under four outcomes plus evaluation and an"
        f" activity framework of **{len(loaders.activities(data_dir))} activities**."
    )


def stocks_table(data_dir: DataDir = None) -> pd.DataFrame:
    """Figure 1's values with year, confidence and source."""
    from rapnb.charts import latest_stocks

    table = latest_stocks(data_dir)
    return table.assign(
        Stock=[format_count(v) for v in table["venezuelan_nationals"]],
        note=table["note"].fillna(""),
    )[["geography", "year", "Stock", "confidence", "source", "note"]].rename(
        columns={"geography": "Country", "year": "Year", "confidence": "Confidence",
                 "source": "Source", "note": "Note"}).set_index("Country")


def sheet_headline(info: SheetInfo) -> Markdown:
    """The sheet's headline: offices, total requested and share of the plan."""
    offices = ", ".join(escape(n) for n in info.office_names)
    gap = info.total_usd - info.stated_total_usd
    note = ("" if gap == 0 else
            f" The outcome amounts add up to USD {info.total_usd:,} ({gap:+,} USD against the"
            " sheet's printed TOTAL; see the reconciliation section of the regional overview).")
    return Markdown(
        f"**Implementing office{'s' if len(info.office_names) > 1 else ''}:** {offices}\n\n"
        f"**Total requested:** USD {info.stated_total_usd:,} as printed on the sheet, "
        f"{info.stated_share_pct:.1f}% of the plan's USD {info.grand_total_usd:,} "
        f"(computed share {info.share_pct:.2f}%).{note}"
    )


def sheet_countries(info: SheetInfo, data_dir: DataDir = None) -> pd.DataFrame:
    """The countries a sheet covers with their subregion."""
    countries = loaders.countries(data_dir).set_index("iso3").loc[list(info.iso3)].reset_index()
    return countries[["country_name", "iso3", "subregion"]].rename(
        columns={"iso3": "ISO3", "country_name": "Country", "subregion": "Subregion"}
    ).set_index("Country")


def sheet_funding_table(info: SheetInfo, data_dir: DataDir = None) -> pd.DataFrame:
    """Funding per outcome for a sheet, the computed sum and the sheet's printed TOTAL."""
    import pandas as pd

    cells = loaders.funding(data_dir)
    sums = cells[cells["office_id"].isin(info.office_ids)].groupby("component")["amount_usd"].sum()
    rows = [{"Outcome": style.OUTCOME_LABELS[c], "USD": _usd(sums.get(c, 0))}
            for c in COMPONENTS if sums.get(c, 0) > 0 or c != "evaluation"]
    rows.append({"Outcome": "Sum of the outcomes", "USD": _usd(info.total_usd)})
    rows.append({"Outcome": "TOTAL as printed in the plan", "USD": _usd(info.stated_total_usd)})
    return pd.DataFrame(rows).set_index("Outcome")


def sheet_needs_table(sheet: str, data_dir: DataDir = None) -> pd.DataFrame:
    """A sheet's needs, one row per outcome (needs joined with '; ')."""
    import pandas as pd

    needs = loaders.sheet_needs(data_dir)
    needs = needs[needs["sheet_id"] == sheet].sort_values(["component", "position"])
    rows = []
    for component in COMPONENTS:
        listed = needs.loc[needs["component"] == component, "need"].tolist()
        if listed:
            rows.append({"Outcome": style.OUTCOME_LABELS[component], "Needs": "; ".join(listed)})
    return pd.DataFrame(rows, columns=["Outcome", "Needs"]).set_index("Outcome")


def government_measures(sheet: str, data_dir: DataDir = None) -> list[str]:
    """The government's own measures listed on a sheet, in order."""
    measures = loaders.government_response(data_dir)
    return measures[measures["sheet_id"] == sheet].sort_values("position")["measure"].tolist()


def sheet_activities_table(sheet: str, data_dir: DataDir = None) -> pd.DataFrame:
    """A sheet's activities grouped by outcome, with their framework ids and the sheet wording."""
    listed = loaders.sheet_activities(data_dir)
    listed = listed[listed["sheet_id"] == sheet]
    framework = loaders.activities(data_dir)[["activity_id", "outcome"]]
    table = listed.merge(framework, on="activity_id")
    table["Outcome"] = [style.OUTCOME_LABELS[COMPONENTS[o - 1]] for o in table["outcome"]]
    table = table.sort_values(["outcome", "activity_id"],
                              key=lambda s: s.map(_activity_key) if s.name == "activity_id" else s)
    return table[["Outcome", "activity_id", "sheet_text"]].rename(
        columns={"activity_id": "Activity", "sheet_text": "As worded on the sheet"}
    ).set_index(["Outcome", "Activity"])


def _activity_key(activity_id: str) -> tuple[int, int]:
    outcome, number = activity_id[1:].split(".A")
    return int(outcome), int(number)


def permits_table(iso3: tuple[str, ...] | None = None, data_dir: DataDir = None) -> pd.DataFrame:
    """The residence-permits table as printed (N.A. kept), with totals and growth 2015-2017."""
    import pandas as pd

    permits = loaders.residence_permits(data_dir)
    if iso3 is not None:
        permits = permits[permits["iso3"].isin(iso3)]
    if permits.empty:
        return pd.DataFrame()
    order = list(dict.fromkeys(permits["country"]))
    wide = permits.pivot(index="country", columns="year", values="permits").reindex(order)
    table = wide.map(format_count)
    table.columns = [str(c) for c in table.columns]
    table["Growth 2016-2017"] = [
        NA if (a is pd.NA or b is pd.NA) else f"{(b / a - 1) * 100:+.0f}%"
        for a, b in zip(wide[2016], wide[2017], strict=True)
    ]
    if len(table) > 1:
        totals = {str(c): f"{int(wide[c].sum()):,}" for c in wide.columns}
        totals["Growth 2016-2017"] = f"{(wide[2017].sum() / wide[2016].sum() - 1) * 100:+.0f}%"
        table.loc["Total (N.A. left out)"] = totals
    table.index.name = "Country"
    return table


def funding_table_display(data_dir: DataDir = None) -> pd.DataFrame:
    """The funding table as printed: USD with separators, stated totals and shares beside ours."""
    from rapnb.tables import funding_table

    table = funding_table(data_dir)
    shown = table[COMPONENTS + ["total_usd", "stated_total_usd"]].map(_usd)
    shown["share_pct"] = [f"{v:.1f}%" for v in table["share_pct"]]
    shown["stated_share_pct"] = [f"{v:.1f}%".replace(".", ",") for v in table["stated_share_pct"]]
    shown.columns = [style.OUTCOME_LABELS[c] for c in COMPONENTS] + [
        "Sum of cells", "TOTAL as printed", "Share (computed)", "Share as printed"]
    return shown


def outcomes_table(data_dir: DataDir = None) -> pd.DataFrame:
    """The four outcomes and evaluation: statement and funding requested."""
    outcomes = loaders.outcomes(data_dir)
    table = outcomes.assign(
        Outcome=[style.OUTCOME_LABELS[c] for c in outcomes["component"]],
        **{"Funding requested (USD)": [_usd(v) for v in outcomes["funding_requested_usd"]]},
    )
    return table[["Outcome", "statement", "Funding requested (USD)"]].rename(
        columns={"statement": "Outcome statement"}).set_index("Outcome")


def coverage_table(data_dir: DataDir = None) -> pd.DataFrame:
    """The prioritised countries by subregion, with the offices that cover them."""
    countries = loaders.countries(data_dir)
    coverage = loaders.office_countries(data_dir).merge(
        loaders.offices(data_dir)[["office_id", "office_name_as_printed", "office_kind"]],
        on="office_id")
    country_office = coverage[coverage["office_kind"] != "regional_office"].groupby("iso3")[
        "office_name_as_printed"].agg(", ".join)
    regional = coverage[coverage["office_kind"] == "regional_office"].groupby("iso3")[
        "office_name_as_printed"].agg(", ".join)
    table = countries.assign(
        **{"Country office": countries["iso3"].map(country_office),
           "Regional office": countries["iso3"].map(regional)})
    return table[["subregion", "country_name", "iso3", "Country office", "Regional office"]].rename(
        columns={"subregion": "Subregion", "country_name": "Country", "iso3": "ISO3"}
    ).set_index(["Subregion", "Country"])


def sheet_key_figures(info: SheetInfo, data_dir: DataDir = None) -> pd.DataFrame:
    """The narrative's numbers about the sheet's countries, with the sentence they come from."""
    figures = loaders.key_figures(data_dir)
    mine = figures[figures["iso3"].isin(info.iso3)]
    table = mine.assign(Value=[_figure_value(v, u) for v, u in zip(mine["value"], mine["unit"],
                                                                  strict=True)])
    return table[["geography", "period", "measure", "Value", "qualifier", "statement"]].rename(
        columns={"geography": "Country", "period": "Period", "measure": "Measure",
                 "qualifier": "Qualifier", "statement": "Statement in the plan"}
    ).set_index("Country")


def _figure_value(value: float, unit: str) -> str:
    number = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{number}%" if unit == "percent" else f"{number} {unit}"


def reconcile_table(data_dir: DataDir = None) -> pd.DataFrame:
    """Where the plan disagrees with itself, formatted for reading."""
    from rapnb.reconcile import reconcile

    found = reconcile(data_dir)

    def fmt(value: float, unit: str) -> str:
        if unit in ("pct", "ratio"):
            return f"{value:,.2f}"
        return f"{value:,.0f}"

    return found.assign(
        Stated=[fmt(v, u) for v, u in zip(found["stated"], found["unit"], strict=True)],
        Computed=[fmt(v, u) for v, u in zip(found["computed"], found["unit"], strict=True)],
        Difference=[("+" if d > 0 else "") + fmt(d, u)
                    for d, u in zip(found["difference"], found["unit"], strict=True)],
    )[["table", "item", "check", "unit", "Stated", "Computed", "Difference", "note"]].rename(
        columns={"table": "Table", "item": "Item", "check": "Check", "unit": "Unit",
                 "note": "Note"})


def sources_footer(extra: list[str] | None = None) -> Markdown:
    """The sources of a sheet or of the overview, with licences."""
    from rapnb.metadata import NATURAL_EARTH, PLAN, TRENDS

    lines = [f"- {src['title']}. {src['producer']}, {src['date']}. {src['licence']}"
             for src in (PLAN, TRENDS, NATURAL_EARTH)]
    lines += [f"- {escape(e)}" for e in extra or []]
    return Markdown("**Sources**\n\n" + "\n".join(lines))
