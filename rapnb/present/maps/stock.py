"""Figure 1 as a map: the stock of Venezuelan nationals per destination country."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rapnb.context import Context, Where, as_context
from rapnb.derived.stocks import latest_stocks
from rapnb.present import alt_text, i18n, style
from rapnb.present.altair_private import with_properties
from rapnb.present.credits import stocks_map_source
from rapnb.present.i18n import N_, tr
from rapnb.present.maps.geometry import base_features, boundaries_key, country_shapes
from rapnb.present.maps.placements import (
    CONFIDENCE_LEGEND_AT,
    SIZE_LEGEND_AT,
    STOCK_EXTENT,
    STOCK_LABELS,
)
from rapnb.present.maps.projection import fit_view, pixel, projection, view_tolerance
from rapnb.present.maps.text import Translate, confidence, country, translate_names
from rapnb.present.maps.vega import Datasets, finish, geo_layer, label_layers, outline
from rapnb.present.plan_text import stock_notes
from rapnb.present.style import js_text

if TYPE_CHECKING:
    import altair as alt

DASHES = {"high": [1, 0], "medium": [5, 2], "low": [2, 2]}
CONFIDENCE_LEGEND: dict[str, str] = {
    "high": N_("high (solid)"),
    "medium": N_("medium (lighter, dashed)"),
    "low": N_("low (lightest, dotted)"),
}
"""What the confidence legend says beside each level's circle."""
CONFIDENCE_TITLE = N_("Confidence of the value")
# i18n: a country's short name on the map's labels
SHORT_NAMES = {"USA": N_("United States"), "DOM": N_("Dominican Rep.")}


def confidence_labels(_: Translate, value: str = "datum.value") -> str:
    """The Vega expression that writes a confidence level (`value`) as the legend says it."""
    cases = " : ".join(f"{value} === '{level}' ? '{js_text(_(label))}'"
                       for level, label in CONFIDENCE_LEGEND.items())
    return f"{cases} : {value}"


def _label_name(ctx: Context, _: Translate, iso3: str, name: str) -> str:
    """The name a country's label gives: short where the full name is long ('United
    States'), in the render's language."""
    short = SHORT_NAMES.get(iso3)
    if short is None:
        return country(ctx, iso3, name)
    if ctx.lang == "en":
        return short
    translated = _(short)
    return translated if translated != short else country(ctx, iso3, short, name)


def _latest_stocks(ctx: Where) -> list[dict[str, Any]]:
    """One row per destination country with its latest year, largest first."""
    latest = latest_stocks(ctx)
    return [
        {"iso3": str(r.iso3), "country": str(r.geography), "year": int(r.year),
         "venezuelan_nationals": int(r.venezuelan_nationals),
         "confidence": str(r.confidence), "source": str(r.source), "note": note}
        for r, note in zip(latest.itertuples(index=False), stock_notes(ctx, latest),
                           strict=True)
    ]


def _confidence_legend(data: Datasets, levels: list[str], x: int, y: int,
                       opacity: alt.FillOpacity, dash: alt.StrokeDashValue, _: Translate
                       ) -> list[alt.Chart]:
    """A legend for confidence drawn with the very encodings of the map's circles (Vega-Lite
    cannot show a fill opacity and a conditional dash in one legend)."""
    import altair as alt

    rows = [{"confidence": c, "py": y + 24 + 22 * i} for i, c in enumerate(levels)]
    source = data.add(rows, "confidence")
    title = alt.Chart(data.add([{"text": _(CONFIDENCE_TITLE)}], "confidence-title")
                      ).mark_text(align="left", baseline="top", fontSize=12, fontWeight="bold",
                                  aria=False
                      ).encode(alt.XValue(x), alt.YValue(y), alt.Text("text:N"))
    symbols = alt.Chart(source).mark_circle(
        size=220, fill=style.HIGHLIGHT, stroke=style.HIGHLIGHT, strokeWidth=1.5, opacity=1.0,
        strokeOpacity=1.0, aria=False,
    ).encode(alt.XValue(x + 9), alt.Y("py:Q", scale=None, axis=None),
             fillOpacity=opacity, strokeDash=dash)
    labels = alt.Chart(source).mark_text(align="left", baseline="middle", fontSize=11,
                                         aria=False).encode(
        alt.XValue(x + 24), alt.Y("py:Q", scale=None, axis=None), alt.Text("label:N"),
    ).transform_calculate(label=confidence_labels(_, "datum.confidence"))
    return [title, symbols, labels]


def stock_map(ctx: Where = None) -> alt.LayerChart:
    """Figure 1: stock of Venezuelan nationals per destination country, latest year each.

    One circle per country (area proportional to the stock) at the country's representative
    point; fill opacity shows the value's confidence, and medium/low values also get a dashed
    outline and a "(medium)"/"(low)" label suffix. Spain and Portugal are in view.
    """
    import altair as alt

    ctx = as_context(ctx)
    _ = tr(ctx)
    rows = _latest_stocks(ctx)
    shapes = country_shapes(boundaries_key(ctx))
    view = fit_view(STOCK_EXTENT, 640, 420, 760)
    extent, width, height = view
    data = Datasets()
    features = base_features(ctx, extent, view_tolerance(extent, width))
    translate_names(ctx, features)
    geo = data.add(features, "geo")

    for row in rows:
        (lon, lat), _shape, _area = shapes[row["iso3"]]
        name = _label_name(ctx, _, row["iso3"], row["country"])
        if ctx.lang != "en":
            row["country"] = country(ctx, row["iso3"], row["country"],
                                     SHORT_NAMES.get(row["iso3"], row["country"]))
            row["confidence_label"] = confidence(_, row["confidence"])
        notes = ([str(row["year"])] if row["year"] != 2017 else []) + (
            [confidence(_, row["confidence"])] if row["confidence"] != "high" else [])
        suffix = f" ({', '.join(notes)})" if notes else ""
        value = i18n.number(row["venezuelan_nationals"], ctx.lang)
        label_lon, label_lat, align, leader = STOCK_LABELS.get(
            row["iso3"], (lon + 2.5, lat, "left", False))
        row.update({"lon": lon, "lat": lat, "label_lon": label_lon, "label_lat": label_lat,
                    "align": align, "leader": leader,
                    "text": f"{name} {value}{suffix}",
                    "desc": _("{country}: {value} Venezuelan nationals ({year}, {confidence}"
                              " confidence; source: {source})").format(
                                  country=row["country"], value=value, year=row["year"],
                                  confidence=confidence(_, row["confidence"]),
                                  source=row["source"])})

    levels = list(style.CONFIDENCE_OPACITY)
    legend: dict[str, Any] = {"orient": "none", "padding": 6,
              "symbolFillColor": style.HIGHLIGHT, "symbolStrokeColor": style.HIGHLIGHT}
    size_x, size_y = pixel(extent, width, height, *SIZE_LEGEND_AT)
    conf_x, conf_y = pixel(extent, width, height, *CONFIDENCE_LEGEND_AT)
    confidence_opacity = alt.FillOpacity(
        "confidence:N", title=_(CONFIDENCE_TITLE),
        scale=alt.Scale(domain=levels, range=[style.CONFIDENCE_OPACITY[c] for c in levels]),
        legend=None,  # drawn by _confidence_legend with the same encodings
    )
    confidence_dash = alt.StrokeDashValue(
        condition=[{"test": f"datum.confidence === '{c}'", "value": DASHES[c]}
                   for c in levels if c != "high"],
        value=DASHES["high"],
    )
    largest = max((r["venezuelan_nationals"] for r in rows), default=1)
    circles = (
        alt.Chart(data.add(rows, "stocks"))
        .mark_circle(fill=style.HIGHLIGHT, stroke=style.HIGHLIGHT, strokeWidth=1.5,
                     opacity=1.0, strokeOpacity=1.0)
        .encode(
            alt.Longitude("lon:Q"),
            alt.Latitude("lat:Q"),
            size=alt.Size(
                "venezuelan_nationals:Q", title=_("Venezuelan nationals"),
                scale=alt.Scale(domain=[0, largest], range=[0, 2400]),
                legend=alt.Legend(values=[25000, 100000, 300000, 600000],
                                  format=style.COUNT_FORMAT, legendX=size_x, legendY=size_y,
                                  **legend),
            ),
            fillOpacity=confidence_opacity,
            # Dashes repeat the confidence for readers who cannot tell the opacities apart.
            strokeDash=confidence_dash,
            tooltip=[
                alt.Tooltip("country:N", title=_("Country")),
                alt.Tooltip("year:O", title=_("Year")),
                alt.Tooltip("venezuelan_nationals:Q", title=_("Venezuelan nationals"),
                            format=style.COUNT_FORMAT),
                # in English the level is the data's own word; else, its translation
                alt.Tooltip("confidence:N" if ctx.lang == "en" else "confidence_label:N",
                            title=_("Confidence")),
                alt.Tooltip("source:N", title=_("Source")),
                alt.Tooltip("note:N", title=_("Note")),
            ],
            description=alt.Description("desc:N"),
        )
        .project(**projection(view).to_dict())
    )
    leaders, texts = label_layers(data, rows, view)
    key = _confidence_legend(data, levels, conf_x, conf_y, confidence_opacity, confidence_dash,
                             _)
    chart = with_properties(alt.layer(geo_layer(geo, view, aria=False), *leaders, circles,
                                      *texts, *key, outline(data, view)),
                            width=width, height=height)
    return finish(
        chart, data, "fig1_stock_map",
        _("Figure 1. Stock of Venezuelan nationals in selected countries"),
        stocks_map_source(ctx.lang),
        _("Latest year available per country (2017 unless shown); lighter, dashed circles and"
          " '(medium)' or '(low)' mark values of lower confidence"),
        alt_text.stocks(rows, alt_text.MAP_WITH_CIRCLES, lang=ctx.lang),
        ctx.lang,
    )

