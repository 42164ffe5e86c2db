"""Figure 2: the countries the text beside Figure 2 comments on, labelled with what it says."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rapnb.context import Where, as_context
from rapnb.datasets import loaders
from rapnb.present import alt_text, style
from rapnb.present.credits import FLOWS_SOURCE
from rapnb.present.maps.geometry import base_features, boundaries_key, country_shapes
from rapnb.present.maps.placements import ENTRY_LABELS, FLOW_LABELS, FLOWS_EXTENT
from rapnb.present.maps.projection import fit_view, projection, view_tolerance
from rapnb.present.maps.vega import Datasets, finish, geo_layer, label_layers, outline

if TYPE_CHECKING:
    import altair as alt

NO_VALUES_NOTE = "The plan prints no values for this map; labels restate its text."
ROLES = ("Country the text beside Figure 2 comments on", "Other country")

# What each country's label says, in short: numbers come from key_figures (by figure_id), the
# words restate the plan's wording where it gives no number. The quotes the tooltips show are
# data (flow_statements.csv).
LABEL_LINES: dict[str, tuple[str, ...]] = {
    "ARG": ("{arg_stock_change_two_years:+.0f}% Venezuelan nationals", "over the past two years"),
    "CHL": ("more than {chl_entries_2016_2017:,.0f} entries", "in 2016-2017"),
    "PER": ("balance about {per_migratory_balance_2018_jan_feb:,.0f} in Jan-Feb 2018",
            "and about {per_migratory_balance_2017:,.0f} in 2017"),
    "ECU": ("sustained growth over the last two years;",
            "2015-2016: land entries {ecu_land_entries_change_2015_2016:+.0f}%,"
            " air {ecu_air_entries_change_2015_2016:+.1f}%"),
    "CRI": ("balance of entries and exits:", "sustained growth"),
    "TTO": ("inflows down over the last three years,", "but the balance increased in 2017"),
}


def _flow_labels(ctx: Where) -> list[dict[str, Any]]:
    """The Figure 2 statements in the plan's order, with their label lines (numbers filled in
    from key_figures) and label placement."""
    figures = loaders.key_figures(ctx)
    values = {str(f): float(v) for f, v in zip(figures["figure_id"], figures["value"],
                                                strict=True)}
    statements = loaders.flow_statements(ctx).sort_values("position", kind="stable")
    rows = []
    for iso3, quote in zip(statements["iso3"], statements["statement"], strict=True):
        lines = []
        for line in LABEL_LINES.get(iso3, ()):
            try:
                lines.append(line.format_map(values))
            except KeyError:  # another data directory without this figure: leave the line out
                continue
        rows.append({"iso3": str(iso3), "lines": lines, "quote": str(quote),
                     "label": FLOW_LABELS.get(iso3)})
    return rows


def _entry_points(ctx: Where) -> list[dict[str, Any]]:
    """The entry points the text names, in the plan's order, with their label placement."""
    points = loaders.entry_points(ctx).sort_values("position", kind="stable")
    names = dict(zip(loaders.countries(ctx)["iso3"], loaders.countries(ctx)["country_name"],
                     strict=True))
    rows = []
    for r in points.itertuples(index=False):
        name, iso3 = str(r.entry_point), str(r.iso3)
        land = isinstance(r.entered_mostly_by, str) and r.entered_mostly_by == "land"
        label_lon, label_lat, align = ENTRY_LABELS.get(
            name, (float(r.lon) + 1.0, float(r.lat), "left"))
        rows.append({
            "name": name, "iso3": iso3, "country": str(names.get(iso3, iso3)),
            "lon": float(r.lon), "lat": float(r.lat), "land": land,
            "label_lon": label_lon, "label_lat": label_lat, "align": align,
            "desc": f"{name}: entry point of Venezuelan nationals into"
                    f" {names.get(iso3, iso3)} ({r.place_kind})"
                    + ("; the country is entered mostly by land" if land else ""),
        })
    return rows


def _entry_layers(data: Datasets, points: list[dict[str, Any]], view: Any) -> list[alt.Chart]:
    """Triangles at the entry points, and their names (on a white halo so that they read on
    either country fill)."""
    import altair as alt

    projected = projection(view).to_dict()
    source = data.add(points, "entry-points")
    symbols = alt.Chart(source).mark_point(
        shape="triangle-up", size=70, filled=True, fill=style.MARKER_FILL,
        stroke=style.MARKER_STROKE,
        strokeWidth=1, opacity=1,
    ).encode(
        alt.Longitude("lon:Q"), alt.Latitude("lat:Q"),
        tooltip=[alt.Tooltip("name:N", title="Entry point"),
                 alt.Tooltip("country:N", title="Into")],
        description=alt.Description("desc:N"),
    ).project(**projected)
    layers = [symbols]
    halo: dict[str, Any] = {"stroke": style.HALO, "strokeWidth": 3, "strokeOpacity": 0.9}
    for extra in (halo, {}):
        layers.append(alt.Chart(source).mark_text(
            baseline="middle", align="left", fontSize=9, fontWeight="bold",
            color=style.MARKER_STROKE,
            aria=False, **extra,
        ).encode(alt.Longitude("label_lon:Q"), alt.Latitude("label_lat:Q"), alt.Text("name:N"),
                 ).project(**projected))
    return layers


def migratory_balance_map(ctx: Where = None) -> alt.LayerChart:
    """Figure 2: the countries the plan's text beside Figure 2 comments on, each labelled
    with what the text says (the plan prints no values for this map)."""
    import altair as alt

    ctx = as_context(ctx)
    statements = _flow_labels(ctx)
    key = boundaries_key(ctx)
    shapes = country_shapes(key)
    view = fit_view(FLOWS_EXTENT, 640, 420, 640)
    extent, width, height = view
    features = base_features(ctx, extent, view_tolerance(extent, width))
    data = Datasets()
    by_iso3 = {s["iso3"]: s for s in statements}
    points = _entry_points(ctx)
    land = {p["iso3"] for p in points if p["land"]}
    for feature in features:
        props = feature["properties"]
        statement = by_iso3.get(props["iso3"])
        props["role"] = ROLES[0] if statement else ROLES[1]
        props["statement"] = statement["quote"] if statement else ""
        entries = [p["name"] for p in points if p["iso3"] == props["iso3"]]
        props["desc"] = "; ".join(
            [props["name"] + (f": {statement['quote']}" if statement else "")]
            + (["entered mostly by land"] if props["iso3"] in land else [])
            + ([f"entry point(s): {', '.join(entries)}"] if entries else []))

    labels = []
    for s in statements:
        (lon, lat), _, _ = shapes[s["iso3"]]
        name = next(f["properties"]["name"] for f in features
                    if f["properties"]["iso3"] == s["iso3"])
        label_lon, label_lat, align = s["label"] or (lon + 2.5, lat, "left")
        labels.append({"iso3": s["iso3"], "lon": lon, "lat": lat, "label_lon": label_lon,
                       "label_lat": label_lat, "align": align, "leader": True,
                       "text": [name, *s["lines"]]})

    countries = geo_layer(data.add(features, "geo"), view).encode(
        fill=alt.Fill("properties.role:N", title=None,
                      scale=alt.Scale(domain=list(ROLES),
                                      range=[style.HIGHLIGHT, style.CONTEXT_FILL]),
                      legend=alt.Legend(orient="bottom-left", padding=6, labelLimit=320,
                                        symbolStrokeColor=style.CONTEXT_STROKE)),
        tooltip=[alt.Tooltip("properties.name:N", title="Country"),
                 alt.Tooltip("properties.statement:N", title="The plan says")],
        description=alt.Description("properties.desc:N"),
    )
    leaders, texts = label_layers(data, labels, view)
    anchors = alt.Chart(data.add(labels, "anchors")).mark_circle(
        size=16, fill=style.CONTEXT_FILL, stroke=style.HIGHLIGHT, strokeWidth=1, opacity=1,
        aria=False,
    ).encode(alt.Longitude("lon:Q"), alt.Latitude("lat:Q")).project(**projection(view).to_dict())
    chart = alt.layer(countries, *leaders, anchors, *texts, *_entry_layers(data, points, view),
                      outline(data, view)).properties(width=width, height=height)
    land_names = [p["country"] for p in points if p["land"]]
    subtitle = [NO_VALUES_NOTE] + (
        [f"Orange triangles: the entry points the text names; {' and '.join(land_names)}"
         f" {'are' if len(land_names) > 1 else 'is'} entered mostly by land"] if points else [])
    return finish(
        chart, data, "fig2_migratory_balance_map",
        "Figure 2. Accumulated migratory balance in selected countries",
        FLOWS_SOURCE,
        subtitle,
        alt_text.flows([(s["name"], s["lines"]) for s in labels_with_names(statements, features)],
                       [(p["name"], p["country"]) for p in points], land_names),
    )


def labels_with_names(statements: list[dict[str, Any]], features: list[dict[str, Any]]
                      ) -> list[dict[str, Any]]:
    """The statements with each country's name from the boundaries."""
    names = {f["properties"]["iso3"]: f["properties"]["name"] for f in features}
    return [{**s, "name": names.get(s["iso3"], s["iso3"])} for s in statements]

