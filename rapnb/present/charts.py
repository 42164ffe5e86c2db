"""Chart builders of the report: each returns an Altair chart with a title, a source line,
thousands separators and the outcome colours of `rapnb.style`, in the context's language
(interface text from the catalogs, the plan's texts from the translations table, numbers and
country names per locale)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rapnb.context import Where, as_context
from rapnb.datasets import loaders
from rapnb.datasets.schema import COMPONENTS
from rapnb.derived.permits import permits_long
from rapnb.derived.sheets import SheetInfo, sheet_info
from rapnb.derived.stocks import aggregate_stocks, latest_stocks
from rapnb.present import alt_text, style
from rapnb.present.altair_private import with_properties
from rapnb.present.credits import permits_source, plan_short, source_line, stocks_source
from rapnb.present.display import figure_spec
from rapnb.present.formatting import NA, count, outcome_labels, usd
from rapnb.present.i18n import N_, SOURCE_LANGUAGE, number, tr
from rapnb.present.plan_text import country_name, localize, stock_notes, translated

if TYPE_CHECKING:
    import altair as alt
    import pandas as pd

    from rapnb.context import Context

CONFIDENCE = {"high": N_("high"), "medium": N_("medium"), "low": N_("low")}
"""The confidence of a stock (the stocks table's values), as charts write it."""
LOWER_CONFIDENCE_LABEL = {"medium": N_("{country} (medium confidence)"),
                          "low": N_("{country} (low confidence)")}
"""A bar's label where the value's confidence is not high."""
AGGREGATES = {
    "Worldwide": N_("Worldwide"),
    "South America": N_("South America"),
    "Central America + Mexico": N_("Central America + Mexico"),
    "North America (Canada + USA)": N_("North America (Canada + USA)"),
    "Caribbean": N_("Caribbean"),
    "Significant destinations": N_("Significant destinations"),
}
"""The stocks table's aggregate geographies (no country, so no CLDR name), as charts write
them."""
FIELD_TITLES = {"geography": N_("Geography"), "country": N_("Country"), "year": N_("Year"),
                "confidence": N_("Confidence"), "source": N_("Source"), "note": N_("Note"),
                "label": N_("Outcome"), "outcome": N_("Outcome")}
"""Tooltip titles of fields that English shows under their field name (see `_tip`)."""


def _tip(ctx: Context, shorthand: str) -> alt.Tooltip:
    """A tooltip of a field: as English has always shown it (titled with the field's name),
    titled in the context's language otherwise."""
    import altair as alt

    if ctx.lang == SOURCE_LANGUAGE:
        return alt.Tooltip(shorthand)
    field = shorthand.split(":")[0]
    return alt.Tooltip(shorthand, title=tr(ctx)(FIELD_TITLES[field]))


def _title(ctx: Context, text: str, source: str,
           subtitle: str | list[str] | None = None) -> dict[str, Any]:
    """`style.title` with its source line in the context's language."""
    spec = style.title(text, source, subtitle)
    spec["subtitle"][-1] = source_line(source, ctx.lang)
    return spec


def _outcome_color(labels: dict[str, str], _: Callable[[str], str],
                   legend: bool = True) -> alt.Color:
    import altair as alt

    return alt.Color(
        "component:N",
        title=_("Outcome"),
        scale=alt.Scale(**style.outcome_scale()),
        legend=alt.Legend(labelExpr=style.outcome_label_expr(labels), orient="bottom", columns=2,
                          labelLimit=280)
        if legend else None,
    )


def _country_names(ctx: Context, frame: pd.DataFrame, column: str) -> list[str]:
    """`frame[column]` (countries, with `iso3`) in the context's language."""
    return [country_name(ctx, i, str(c)) for c, i in zip(frame[column], frame["iso3"],
                                                          strict=True)]


def _labelled_stocks(ctx: Context) -> pd.DataFrame:
    """The latest stocks, country names in the context's language, with a bar label that names
    a value's confidence if not high."""
    _ = tr(ctx)
    latest = latest_stocks(ctx)
    latest["note"] = stock_notes(ctx, latest)  # keyed by the English geography
    latest["geography"] = _country_names(ctx, latest, "geography")
    latest["label"] = [
        g if c == "high" else _(LOWER_CONFIDENCE_LABEL[c]).format(country=g)
        for g, c in zip(latest["geography"], latest["confidence"], strict=True)
    ]
    return latest


def stock_bars(ctx: Where = None) -> alt.Chart:
    """Figure 1 (bars): stock of Venezuelan nationals by destination, ranked, latest year."""
    import altair as alt

    ctx = as_context(ctx)
    _ = tr(ctx)
    data = _labelled_stocks(ctx)
    data["desc"] = [
        _("{country}: {value} Venezuelan nationals ({year}, {confidence} confidence;"
          " source: {source})").format(country=g, value=count(v, ctx.lang), year=y,
                                       confidence=_(CONFIDENCE[c]), source=s)
        for g, v, y, c, s in zip(data["geography"], data["venezuelan_nationals"], data["year"],
                                 data["confidence"], data["source"], strict=True)]
    description = alt_text.stocks(
        data.rename(columns={"geography": "country"}).to_dict("records"), alt_text.BAR_CHART,
        lang=ctx.lang)
    data["confidence"] = [_(CONFIDENCE[c]) for c in data["confidence"]]
    order = data["label"].tolist()
    bars = alt.Chart(data).mark_bar(color=style.HIGHLIGHT, stroke=style.HIGHLIGHT).encode(
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("venezuelan_nationals:Q", title=_("Venezuelan nationals"),
                axis=alt.Axis(format=style.COUNT_FORMAT)),
        opacity=alt.Opacity("confidence:N", title=_("Confidence"),
                            scale=alt.Scale(domain=[_(CONFIDENCE[c])
                                                    for c in style.CONFIDENCE_OPACITY],
                                            range=list(style.CONFIDENCE_OPACITY.values())),
                            legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("geography:N", title=_("Country")), _tip(ctx, "year:O"),
                 alt.Tooltip("venezuelan_nationals:Q", format=style.COUNT_FORMAT,
                             title=_("Stock")),
                 _tip(ctx, "confidence:N"), _tip(ctx, "source:N"), _tip(ctx, "note:N")],
        description=alt.Description("desc:N"),
    )
    labels = bars.mark_text(align="left", dx=3, fontSize=10, color="#333333", aria=False).encode(
        text=alt.Text("venezuelan_nationals:Q", format=style.COUNT_FORMAT),
        opacity=alt.OpacityValue(1),
    )
    chart = with_properties(
        bars + labels,
        width=460, height=alt.Step(18),
        title=_title(
            ctx,
            _("Figure 1, ranked: stock of Venezuelan nationals by destination country"),
            stocks_source(ctx.lang),
            _("Latest year available per country; lighter bars and '(medium confidence)' or"
              " '(low confidence)' mark values of lower confidence"),
        ),
        description=description,
    )
    return figure_spec(chart, "fig1_stock_bars", ctx.lang)


def stock_evolution(ctx: Where = None) -> alt.Chart:
    """Figure 1 (trend): Venezuelans abroad 2005-2017, worldwide and by subregion."""
    import altair as alt

    ctx = as_context(ctx)
    _ = tr(ctx)
    data = aggregate_stocks(ctx)
    data["note"] = stock_notes(ctx, data)  # keyed by the English geography
    data["geography"] = [_(AGGREGATES[g]) if g in AGGREGATES else g for g in data["geography"]]
    data["desc"] = [_("{geography}, {year}: {value} Venezuelan nationals").format(
                        geography=g, year=y, value=count(v, ctx.lang))
                    for g, y, v in zip(data["geography"], data["year"],
                                       data["venezuelan_nationals"], strict=True)]
    description = alt_text.stock_evolution(data.to_dict("records"), lang=ctx.lang)
    data["confidence"] = [_(CONFIDENCE[c]) for c in data["confidence"]]
    order = (data[data["year"] == data["year"].max()]
             .sort_values("venezuelan_nationals", ascending=False)["geography"].tolist())
    base = alt.Chart(data).encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("venezuelan_nationals:Q", title=_("Venezuelan nationals"),
                axis=alt.Axis(format=style.COUNT_FORMAT)),
        color=alt.Color("geography:N", title=None, sort=order,
                        scale=alt.Scale(domain=order, range=style.SERIES_COLORS[:len(order)]),
                        legend=alt.Legend(orient="right", labelLimit=260)),
        tooltip=[_tip(ctx, "geography:N"), _tip(ctx, "year:O"),
                 alt.Tooltip("venezuelan_nationals:Q", format=style.COUNT_FORMAT,
                             title=_("Stock")),
                 _tip(ctx, "confidence:N"), _tip(ctx, "source:N"), _tip(ctx, "note:N")],
    )
    points = base.mark_point(filled=True, size=40).encode(description=alt.Description("desc:N"))
    chart = with_properties(
        base.mark_line(strokeWidth=2, aria=False) + points,
        width=420, height=260,
        title=_title(
            ctx,
            _("Venezuelans abroad, 2005-2017: worldwide and by subregion"),
            stocks_source(ctx.lang),
            _("Years 2005, 2010, 2015 and 2017; the plan rounds 2015 and 2017 to {earlier} and"
              " {later}").format(earlier=number(700_000, ctx.lang),
                                 later=number(1_600_000, ctx.lang)),
        ),
        description=description,
    )
    return figure_spec(chart, "fig1_stock_evolution", ctx.lang)


def _labelled_permits(ctx: Context, iso3: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The permits in long form, country names in the context's language, with a display
    label that keeps N.A. visible."""
    permits = permits_long(ctx, iso3)
    permits["country"] = _country_names(ctx, permits, "country")
    permits.insert(4, "label", [count(v, ctx.lang) for v in permits["permits"]])
    return permits


def _permit_desc(ctx: Context, data: pd.DataFrame) -> list[str]:
    _ = tr(ctx)
    return [_("{country}, {year}: {value} residence permits").format(country=c, year=y, value=lab)
            for c, y, lab in zip(data["country"], data["year"], data["label"], strict=True)]


def permits_chart(ctx: Where = None) -> alt.Chart:
    """Residence permits issued to Venezuelans, 2015-2017, per country; N.A. marked, not 0."""
    import altair as alt
    import pandas as pd

    ctx = as_context(ctx)
    _ = tr(ctx)
    data = _labelled_permits(ctx)
    data["status"] = ["N.A." if pd.isna(p) else "issued" for p in data["permits"]]
    data["desc"] = _permit_desc(ctx, data)
    order = (data[data["year"] == 2017].sort_values("permits", ascending=False)["country"]
             .tolist())
    base = alt.Chart(data).encode(
        y=alt.Y("country:N", sort=order, title=None),
        yOffset=alt.YOffset("year:O"),
        tooltip=[_tip(ctx, "country:N"), _tip(ctx, "year:O"),
                 alt.Tooltip("label:N", title=_("Permits"))],
        description=alt.Description("desc:N"),
    )
    bars = base.mark_bar().encode(
        x=alt.X("permits:Q", title=_("Residence permits issued"),
                axis=alt.Axis(format=style.COUNT_FORMAT)),
        color=alt.Color("year:O", title=_("Year"),
                        scale=alt.Scale(domain=[2015, 2016, 2017],
                                        range=["#BBCCEE", "#6699CC", "#004488"]),
                        legend=alt.Legend(orient="bottom")),
    )
    missing = base.transform_filter("datum.status === 'N.A.'").mark_text(
        align="left", dx=3, fontSize=9, color="#555555", aria=False).encode(
        x=alt.XDatum(0), text=alt.Text("label:N"))
    chart = with_properties(
        bars + missing,
        width=460, height=alt.Step(9),
        title=_title(
            ctx,
            _("Residence permits issued to Venezuelan migrants, 2015-2017"),
            permits_source(ctx.lang),
            _("{na} where the plan's table has no figure (shown as text, not as zero); bars"
              " per country in the order 2015, 2016, 2017").format(na=_(NA)),
        ),
        description=alt_text.permits(_permit_rows(data), lang=ctx.lang),
    )
    return figure_spec(chart, "residence_permits", ctx.lang)


def _permit_rows(data: pd.DataFrame) -> list[dict[str, Any]]:
    """The permits as plain rows for `rapnb.present.alt_text` (None for N.A.)."""
    import pandas as pd

    return [{"country": c, "year": int(y), "permits": None if pd.isna(p) else int(p)}
            for c, y, p in zip(data["country"], data["year"], data["permits"], strict=True)]


def _outcome_amount_bars(ctx: Context, data: pd.DataFrame, amount: str, width: int,
                         labels: dict[str, str], **properties: Any) -> alt.LayerChart:
    """Bars of USD `amount` per component, one outcome colour each, labelled 'USD 1,234';
    `properties` are the chart's top-level ones (title, description)."""
    import altair as alt

    _ = tr(ctx)
    data = data.assign(label=[labels[c] for c in data["component"]],
                       amount=[usd(v, ctx.lang) for v in data[amount]])
    data["desc"] = [f"{lab}: {a}" for lab, a in zip(data["label"], data["amount"], strict=True)]
    base = alt.Chart(data).encode(
        y=alt.Y("label:N", sort=[labels[c] for c in COMPONENTS], title=None,
                axis=alt.Axis(labelLimit=280)),
        x=alt.X(f"{amount}:Q", title=_("Funding requested (USD)"),
                axis=alt.Axis(format=style.USD_FORMAT)),
        tooltip=[_tip(ctx, "label:N"), alt.Tooltip("amount:N", title=_("Funding requested"))],
    )
    bars = base.mark_bar().encode(color=_outcome_color(labels, _, legend=False),
                                  description=alt.Description("desc:N"))
    text = base.mark_text(align="left", dx=4, fontSize=11, aria=False).encode(
        text=alt.Text("amount:N"))
    return with_properties(bars + text, width=width, height=alt.Step(28), **properties)


def outcome_funding(ctx: Where = None) -> alt.Chart:
    """Funding requested per outcome and for evaluation, USD."""
    ctx = as_context(ctx)
    _ = tr(ctx)
    outcomes = loaders.outcomes(ctx)
    data = outcomes[["component", "short_title", "funding_requested_usd"]]
    data = localize(data, ctx, "outcomes", ["component"], ["short_title"])
    labels = outcome_labels(ctx)
    chart = _outcome_amount_bars(
        ctx, data, "funding_requested_usd", 380, labels,
        title=_title(ctx, _("Funding requested per outcome"),
                     _("{plan}, intervention model ('Funding requested') and funding table"
                       " (evaluation)").format(plan=plan_short(ctx.lang))),
        description=alt_text.funding_per_outcome(
            _("the plan"), [(labels[c], float(v)) for c, v in
                            zip(data["component"], data["funding_requested_usd"],
                                strict=True)], lang=ctx.lang),
    )
    return figure_spec(chart, "outcome_funding", ctx.lang)


def funding_by_office(ctx: Where = None) -> alt.LayerChart:
    """Funding requested per implementing office, stacked by outcome."""
    import altair as alt

    ctx = as_context(ctx)
    _ = tr(ctx)
    labels = outcome_labels(ctx)
    offices = localize(loaders.offices(ctx).sort_values("position"), ctx, "offices",
                       ["office_id"], ["office_name_as_printed"])
    data = loaders.funding(ctx).merge(
        offices[["office_id", "office_name_as_printed"]], on="office_id")
    data = data[data["amount_usd"] > 0].copy()
    data["order"] = [COMPONENTS.index(c) for c in data["component"]]
    data["outcome"] = [labels[c] for c in data["component"]]
    data["desc"] = [f"{o}, {c}: {usd(v, ctx.lang)}" for o, c, v in
                    zip(data["office_name_as_printed"], data["outcome"], data["amount_usd"],
                        strict=True)]
    # Segments wide enough for a digit carry their outcome's number (E: evaluation, evaluación),
    # so that colour is not the only way to tell the outcomes apart.
    data["mark"] = [("E" if c == "evaluation" else str(COMPONENTS.index(c) + 1))
                    if v >= SEGMENT_LABEL_MIN_USD else ""
                    for c, v in zip(data["component"], data["amount_usd"], strict=True)]
    data["ink"] = [style.text_on(style.OUTCOME_COLORS[c]) for c in data["component"]]
    order = offices["office_name_as_printed"].tolist()
    base = alt.Chart(data).encode(
        y=alt.Y("office_name_as_printed:N", sort=order, title=_("Implementing office")),
        x=alt.X("sum(amount_usd):Q", title=_("Funding requested (USD)"), stack="zero",
                axis=alt.Axis(format=style.USD_FORMAT)),
        order=alt.Order("order:Q"),
    )
    bars = base.mark_bar().encode(
        color=_outcome_color(labels, _),
        tooltip=[alt.Tooltip("office_name_as_printed:N", title=_("Office")),
                 _tip(ctx, "outcome:N"),
                 alt.Tooltip("amount_usd:Q", format=style.USD_FORMAT, title="USD")],
        description=alt.Description("desc:N"),
    )
    numbers = base.mark_text(align="right", dx=-3, fontSize=10, aria=False).encode(
        text=alt.Text("mark:N"), detail=alt.Detail("component:N"),
        color=alt.Color("ink:N", scale=None),
    )
    chart = with_properties(
        bars + numbers,
        resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="independent")),
        width=460, height=alt.Step(20),
        title=_title(ctx, _("Funding requested by implementing office and outcome"),
                     _("{plan}, estimated funding needs (funding table)").format(
                         plan=plan_short(ctx.lang)),
                     _("Two-year requirement; the regional offices together form the"
                       " regional sheet. Segments run in outcome order (1 to 4, then E:"
                       " evaluation); wide ones show the number")),
        description=alt_text.funding_by_office(list(zip(
            data["office_name_as_printed"], data["outcome"], data["amount_usd"].astype(float),
            strict=True)), lang=ctx.lang),
    )
    return figure_spec(chart, "funding_by_office", ctx.lang)


SEGMENT_LABEL_MIN_USD = 250_000
"""The smallest stacked segment labelled with its outcome's number (about 8 px wide)."""


def activity_matrix(ctx: Where = None) -> alt.Chart:
    """Which sheet lists which of the 45 framework activities, coloured by outcome."""
    import altair as alt
    import pandas as pd

    ctx = as_context(ctx)
    _ = tr(ctx)
    activities = localize(loaders.activities(ctx), ctx, "activities", ["activity_id"], ["text"])
    sheets = localize(loaders.sheet_table(ctx).sort_values("position"), ctx, "sheets",
                      ["sheet_id"], ["sheet_title"])
    listed = loaders.sheet_activities(ctx)
    outcome_component = dict(zip(range(1, 5), COMPONENTS[:4], strict=True))
    grid = pd.MultiIndex.from_product(
        [sheets["sheet_id"], activities["activity_id"]], names=["sheet_id", "activity_id"]
    ).to_frame(index=False)
    marks = set(zip(listed["sheet_id"], listed["activity_id"], strict=True))
    grid["listed"] = [(s, a) in marks for s, a in zip(grid["sheet_id"], grid["activity_id"],
                                                       strict=True)]
    grid = grid.merge(activities[["activity_id", "outcome", "text"]], on="activity_id")
    grid = grid.merge(sheets[["sheet_id", "sheet_title"]], on="sheet_id")
    grid["component"] = [outcome_component[o] for o in grid["outcome"]]
    grid = grid[grid["listed"]].drop(columns="listed")
    labels = outcome_labels(ctx)
    grid["desc"] = [_("{sheet} lists {activity} (outcome {outcome}): {text}").format(
                        sheet=s, activity=a, outcome=labels[c], text=t)
                    for s, a, c, t in zip(grid["sheet_title"], grid["activity_id"],
                                          grid["component"], grid["text"], strict=True)]
    cells = alt.Chart(grid).mark_rect(stroke="white", strokeWidth=0.5).encode(
        x=alt.X("activity_id:N", sort=activities["activity_id"].tolist(), title=_("Activity"),
                axis=alt.Axis(labelAngle=-90, labelFontSize=9, orient="top")),
        y=alt.Y("sheet_title:N", sort=sheets["sheet_title"].tolist(), title=None,
                axis=alt.Axis(labelLimit=300)),
        color=_outcome_color(labels, _),
        tooltip=[alt.Tooltip("sheet_title:N", title=_("Sheet")),
                 alt.Tooltip("activity_id:N", title=_("Activity")),
                 alt.Tooltip("text:N", title=_("Text"))],
        description=alt.Description("desc:N"),
    )
    chart = with_properties(
        cells,
        width=alt.Step(13), height=alt.Step(16),
        title=_title(ctx, _("Which office does what: sheets x the 45 framework activities"),
                     _("{plan}, regional activity framework and country sheets").format(
                         plan=plan_short(ctx.lang)),
                     _("An activity's outcome is the first number of its id (O2.A5:"
                       " outcome 2) and its colour")),
        description=alt_text.activity_matrix(
            list(zip(grid["sheet_title"], grid["activity_id"], strict=True)),
            len(sheets), len(activities), lang=ctx.lang),
    )
    return figure_spec(chart, "activity_matrix", ctx.lang)


def _sheet_title(info: SheetInfo) -> str:
    """The sheet's title in the language of its context."""
    return str(translated(info.ctx, "sheets", info.sheet_id, "sheet_title", info.title))


def sheet_funding(sheet: str | SheetInfo, ctx: Where = None) -> alt.Chart:
    """One sheet's funding per outcome (its offices' cells summed), USD."""
    info = sheet_info(sheet, ctx)
    ctx = info.ctx
    _ = tr(ctx)
    title = _sheet_title(info)
    cells = loaders.funding(ctx)
    data = (cells[cells["office_id"].isin(info.office_ids)].groupby("component", as_index=False)
            ["amount_usd"].sum())
    data = data[data["amount_usd"] > 0]
    labels = outcome_labels(ctx)
    chart = _outcome_amount_bars(
        ctx, data, "amount_usd", 360, labels,
        title=_title(ctx, _("{title}: funding requested per outcome").format(title=title),
                     _("{plan}, estimated funding needs and the sheet's amounts").format(
                         plan=plan_short(ctx.lang))),
        description=alt_text.funding_per_outcome(
            title, [(labels[c], float(v)) for c, v in
                    zip(data["component"], data["amount_usd"], strict=True)], lang=ctx.lang),
    )
    return figure_spec(chart, "sheet_funding", ctx.lang)


def sheet_permits(sheet: str | SheetInfo, ctx: Where = None) -> alt.Chart | None:
    """Residence permits of the sheet's countries, or None where the table has none."""
    import altair as alt

    info = sheet_info(sheet, ctx)
    ctx = info.ctx
    _ = tr(ctx)
    data = _labelled_permits(ctx, info.iso3)
    if data.empty:
        return None
    data["label_y"] = data["permits"].fillna(0).astype("int64")
    data["desc"] = _permit_desc(ctx, data)
    base = alt.Chart(data).encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
        tooltip=[_tip(ctx, "country:N"), _tip(ctx, "year:O"),
                 alt.Tooltip("label:N", title=_("Permits"))],
        description=alt.Description("desc:N"),
    )
    multi = data["iso3"].nunique() > 1
    bars = base.mark_bar(color=style.HIGHLIGHT).encode(
        y=alt.Y("permits:Q", title=_("Residence permits issued"),
                axis=alt.Axis(format=style.COUNT_FORMAT)),
    )
    text = base.mark_text(dy=-6, fontSize=11, aria=False).encode(y=alt.Y("label_y:Q"),
                                                                  text=alt.Text("label:N"))
    chart: Any = with_properties(bars + text, width=160 if multi else 260, height=180)
    if multi:
        order = list(dict.fromkeys(data["country"]))
        chart = chart.facet(facet=alt.Facet("country:N", title=None, sort=order), columns=4)
    chart = with_properties(
        chart,
        title=_title(ctx, _("Residence permits issued to Venezuelan migrants, 2015-2017"),
                     permits_source(ctx.lang),
                     _("{na} where the plan's table has no figure").format(na=_(NA))),
        description=alt_text.sheet_permits(_permit_rows(data), lang=ctx.lang),
    )
    return figure_spec(chart, "sheet_permits", ctx.lang)
