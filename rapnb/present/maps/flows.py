"""Figure 2: the countries the text beside Figure 2 comments on, labelled with what it says."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rapnb.context import Context, Where, as_context
from rapnb.datasets import loaders
from rapnb.present import alt_text, i18n, plan_text, style
from rapnb.present.altair_private import with_properties
from rapnb.present.credits import flows_source
from rapnb.present.i18n import N_, tr
from rapnb.present.maps.geometry import base_features, boundaries_key, country_shapes
from rapnb.present.maps.placements import ENTRY_LABELS, FLOW_LABELS, FLOWS_EXTENT
from rapnb.present.maps.projection import fit_view, projection, view_tolerance
from rapnb.present.maps.text import Translate, and_join, country, translate_names
from rapnb.present.maps.vega import Datasets, finish, geo_layer, label_layers, outline

if TYPE_CHECKING:
    import altair as alt

NO_VALUES_NOTE = N_("The plan prints no values for this map; labels restate its text.")
ROLES = (N_("Country the text beside Figure 2 comments on"), N_("Other country"))

# What each country's label says, in short: numbers come from key_figures (by figure_id),
# written as LABEL_NUMBERS says in the render's language; the words restate the plan's wording
# where it gives no number. The quotes the tooltips show are data (flow_statements.csv).
LABEL_LINES: dict[str, tuple[str, ...]] = {
    "ARG": (N_("{arg_stock_change_two_years} Venezuelan nationals"),
            N_("over the past two years")),
    "CHL": (N_("more than {chl_entries_2016_2017} entries"), N_("in 2016-2017")),
    "PER": (N_("balance about {per_migratory_balance_2018_jan_feb} in Jan-Feb 2018"),
            N_("and about {per_migratory_balance_2017} in 2017")),
    "ECU": (N_("sustained growth over the last two years;"),
            N_("2015-2016: land entries {ecu_land_entries_change_2015_2016},"
               " air {ecu_air_entries_change_2015_2016}")),
    "CRI": (N_("balance of entries and exits:"), N_("sustained growth")),
    "TTO": (N_("inflows down over the last three years,"),
            N_("but the balance increased in 2017")),
}


def signed_percent(value: float, lang: str, decimals: int = 0) -> str:
    """A change in percent with its sign: +139%, -27.1% (en); +139 %, -27,1 % (es)."""
    sign = "+" if value > 0 else "-" if value < 0 else ""
    return sign + i18n.percent(abs(value), lang, decimals)


LABEL_NUMBERS: dict[str, Callable[[float, str], str]] = {
    "arg_stock_change_two_years": lambda v, lang: signed_percent(v, lang, 0),
    "chl_entries_2016_2017": lambda v, lang: i18n.number(v, lang),
    "per_migratory_balance_2018_jan_feb": lambda v, lang: i18n.number(v, lang),
    "per_migratory_balance_2017": lambda v, lang: i18n.number(v, lang),
    "ecu_land_entries_change_2015_2016": lambda v, lang: signed_percent(v, lang, 0),
    "ecu_air_entries_change_2015_2016": lambda v, lang: signed_percent(v, lang, 1),
}
"""How each key figure of LABEL_LINES is written, in a language."""

# i18n: kinds of entry point (a city, a state of Brazil, a border bridge)
PLACE_KINDS = {"city": N_("city"), "state": N_("state"), "bridge": N_("bridge")}
"""The kinds of entry point of entry_points.csv, as the descriptions write them."""


def _flow_labels(ctx: Context, _: Translate) -> list[dict[str, Any]]:
    """The Figure 2 statements in the plan's order (in the render's language), with their
    label lines (numbers filled in from key_figures) and label placement."""
    figures = loaders.key_figures(ctx)
    values = {str(f): LABEL_NUMBERS[str(f)](float(v), ctx.lang)
              for f, v in zip(figures["figure_id"], figures["value"], strict=True)
              if str(f) in LABEL_NUMBERS}
    statements = loaders.flow_statements(ctx).sort_values("position", kind="stable")
    rows = []
    for iso3, quote in zip(statements["iso3"], statements["statement"], strict=True):
        lines = []
        for line in LABEL_LINES.get(iso3, ()):
            try:
                lines.append(_(line).format_map(values))
            except KeyError:  # another data directory without this figure: leave the line out
                continue
        rows.append({"iso3": str(iso3), "lines": lines,
                     "quote": str(plan_text.translated(ctx, "flow_statements", str(iso3),
                                                       "statement", str(quote))),
                     "label": FLOW_LABELS.get(iso3)})
    return rows


def _entry_points(ctx: Context, _: Translate) -> list[dict[str, Any]]:
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
        into = country(ctx, iso3, str(names.get(iso3, iso3)))
        kind = str(r.place_kind)
        rows.append({
            "name": name, "iso3": iso3, "country": into,
            "lon": float(r.lon), "lat": float(r.lat), "land": land,
            "label_lon": label_lon, "label_lat": label_lat, "align": align,
            "desc": _("{name}: entry point of Venezuelan nationals into {country} ({kind})"
                      ).format(name=name, country=into,
                               kind=_(PLACE_KINDS[kind]) if kind in PLACE_KINDS else kind)
                    + (_("; the country is entered mostly by land") if land else ""),
        })
    return rows


def _entry_layers(data: Datasets, points: list[dict[str, Any]], view: Any, _: Translate
                  ) -> list[alt.Chart]:
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
        tooltip=[alt.Tooltip("name:N", title=_("Entry point")),
                 # i18n: the country an entry point leads into
                 alt.Tooltip("country:N", title=_("Into"))],
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
    _ = tr(ctx)
    roles = tuple(_(role) for role in ROLES)
    statements = _flow_labels(ctx, _)
    key = boundaries_key(ctx)
    shapes = country_shapes(key)
    view = fit_view(FLOWS_EXTENT, 640, 420, 640)
    extent, width, height = view
    features = base_features(ctx, extent, view_tolerance(extent, width))
    translate_names(ctx, features)
    data = Datasets()
    by_iso3 = {s["iso3"]: s for s in statements}
    points = _entry_points(ctx, _)
    land = {p["iso3"] for p in points if p["land"]}
    for feature in features:
        props = feature["properties"]
        statement = by_iso3.get(props["iso3"])
        props["role"] = roles[0] if statement else roles[1]
        props["statement"] = statement["quote"] if statement else ""
        entries = [p["name"] for p in points if p["iso3"] == props["iso3"]]
        props["desc"] = "; ".join(
            [props["name"] + (f": {statement['quote']}" if statement else "")]
            + ([_("entered mostly by land")] if props["iso3"] in land else [])
            + ([_("entry point(s): {names}").format(names=", ".join(entries))]
               if entries else []))

    labels = []
    for s in statements:
        (lon, lat), _shape, _area = shapes[s["iso3"]]
        name = next(f["properties"]["name"] for f in features
                    if f["properties"]["iso3"] == s["iso3"])
        label_lon, label_lat, align = s["label"] or (lon + 2.5, lat, "left")
        labels.append({"iso3": s["iso3"], "lon": lon, "lat": lat, "label_lon": label_lon,
                       "label_lat": label_lat, "align": align, "leader": True,
                       "text": [name, *s["lines"]]})

    countries = geo_layer(data.add(features, "geo"), view).encode(
        fill=alt.Fill("properties.role:N", title=None,
                      scale=alt.Scale(domain=list(roles),
                                      range=[style.HIGHLIGHT, style.CONTEXT_FILL]),
                      legend=alt.Legend(orient="bottom-left", padding=6, labelLimit=320,
                                        symbolStrokeColor=style.CONTEXT_STROKE)),
        tooltip=[alt.Tooltip("properties.name:N", title=_("Country")),
                 alt.Tooltip("properties.statement:N", title=_("The plan says"))],
        description=alt.Description("properties.desc:N"),
    )
    leaders, texts = label_layers(data, labels, view)
    anchors = alt.Chart(data.add(labels, "anchors")).mark_circle(
        size=16, fill=style.CONTEXT_FILL, stroke=style.HIGHLIGHT, strokeWidth=1, opacity=1,
        aria=False,
    ).encode(alt.Longitude("lon:Q"), alt.Latitude("lat:Q")).project(**projection(view).to_dict())
    chart = with_properties(
        alt.layer(countries, *leaders, anchors, *texts, *_entry_layers(data, points, view, _),
                  outline(data, view)), width=width, height=height)
    land_names = [p["country"] for p in points if p["land"]]
    entered = (_("Orange triangles: the entry points the text names; {countries} are entered"
                 " mostly by land") if len(land_names) > 1 else
               _("Orange triangles: the entry points the text names; {countries} is entered"
                 " mostly by land"))
    subtitle = [_(NO_VALUES_NOTE)] + (
        [entered.format(countries=and_join(_, land_names))] if points else [])
    return finish(
        chart, data, "fig2_migratory_balance_map",
        _("Figure 2. Accumulated migratory balance in selected countries"),
        flows_source(ctx.lang),
        subtitle,
        alt_text.flows([(s["name"], s["lines"]) for s in labels_with_names(statements, features)],
                       [(p["name"], p["country"]) for p in points], land_names,
                       lang=ctx.lang),
        ctx.lang,
    )


def labels_with_names(statements: list[dict[str, Any]], features: list[dict[str, Any]]
                      ) -> list[dict[str, Any]]:
    """The statements with each country's name from the boundaries."""
    names = {f["properties"]["iso3"]: f["properties"]["name"] for f in features}
    return [{**s, "name": names.get(s["iso3"], s["iso3"])} for s in statements]

