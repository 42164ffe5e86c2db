"""Geographic coverage: the 17 prioritised countries by subregion, with a Caribbean zoom."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rapnb.context import Context, Where, as_context
from rapnb.datasets import loaders
from rapnb.present import alt_text, plan_text, style
from rapnb.present.altair_private import with_properties
from rapnb.present.credits import coverage_source
from rapnb.present.i18n import N_, tr
from rapnb.present.maps.geometry import base_features, boundaries_key, country_shapes
from rapnb.present.maps.placements import CARIBBEAN_EXTENT, COVERAGE_EXTENT, ZOOM_LABELS
from rapnb.present.maps.projection import fit_view, projection, view_tolerance
from rapnb.present.maps.text import Translate, country, subregion, translate_names
from rapnb.present.maps.vega import (
    Datasets,
    box_outline,
    finish,
    geo_layer,
    label_layers,
    outline,
)

if TYPE_CHECKING:
    import altair as alt

OTHER = N_("Not prioritised")


def _office_names(ctx: Context) -> dict[str, str]:
    """Per iso3: the implementing offices that cover it, in the funding table's order (their
    names in the render's language)."""
    offices = loaders.offices(ctx).sort_values("position", kind="stable")
    links = loaders.office_countries(ctx)
    names = {office: plan_text.translated(ctx, "offices", str(office), "office_name", name)
             for office, name in zip(offices["office_id"], offices["office_name"],
                                     strict=True)}
    out: dict[str, list[str]] = {}
    for office in offices["office_id"]:
        for iso3 in sorted(links.loc[links["office_id"] == office, "iso3"]):
            out.setdefault(str(iso3), []).append(str(names[office]))
    return {iso3: "; ".join(v) for iso3, v in sorted(out.items())}


def _coverage_features(ctx: Context, _: Translate, features: list[dict[str, Any]],
                       subregions: dict[str, str], offices: dict[str, str]
                       ) -> list[dict[str, Any]]:
    translate_names(ctx, features)
    for feature in features:
        props = feature["properties"]
        props["subregion"] = (subregion(_, subregions[props["iso3"]])
                              if props["iso3"] in subregions else _(OTHER))
        props["offices"] = offices.get(props["iso3"], "")
        props["desc"] = (_("{country}: {subregion}; implementing office(s): {offices}").format(
                             country=props["name"], subregion=props["subregion"],
                             offices=props["offices"]) if props["iso3"] in subregions
                         else _("{country}: not prioritised").format(country=props["name"]))
    return features


def _subregion_fill(legend: bool, _: Translate) -> alt.Fill:
    import altair as alt

    domain = [*(subregion(_, name) for name in style.SUBREGION_COLORS), _(OTHER)]
    return alt.Fill(
        "properties.subregion:N", title=_("Subregion"),
        scale=alt.Scale(domain=domain,
                        range=[*style.SUBREGION_COLORS.values(), style.CONTEXT_FILL]),
        legend=alt.Legend(orient="bottom-left", padding=6,
                          symbolStrokeColor=style.CONTEXT_STROKE) if legend else None,
    )


def _coverage_tooltip(_: Translate) -> list[alt.Tooltip]:
    import altair as alt

    return [alt.Tooltip("properties.name:N", title=_("Country")),
            alt.Tooltip("properties.subregion:N", title=_("Subregion")),
            alt.Tooltip("properties.offices:N", title=_("Implementing office(s)"))]


def coverage_map(ctx: Where = None) -> alt.HConcatChart:
    """Geographic coverage: the 17 prioritised countries by subregion, with a Caribbean zoom
    panel where Aruba, Curaçao, Bonaire and Trinidad and Tobago are large enough to see."""
    import altair as alt

    ctx = as_context(ctx)
    _ = tr(ctx)
    countries = loaders.countries(ctx)
    subregions = dict(zip(countries["iso3"], countries["subregion"], strict=True))
    offices = _office_names(ctx)
    shapes = country_shapes(boundaries_key(ctx))

    zoom_view = fit_view(CARIBBEAN_EXTENT, 480, 150, 300)
    zoom_extent, zoom_width, zoom_height = zoom_view
    data = Datasets()
    view = fit_view(COVERAGE_EXTENT, 420, 300, 520)
    extent, width, height = view
    features = _coverage_features(
        ctx, _, base_features(ctx, extent, view_tolerance(extent, width)), subregions, offices)
    frame = alt.Chart(data.add([box_outline(zoom_extent)], "frame")).mark_geoshape(
        filled=False, stroke=style.HIGHLIGHT, strokeWidth=1.2, aria=False
    ).project(**projection(view).to_dict())
    main = with_properties(alt.layer(
        geo_layer(data.add(features, "geo"), view).encode(
            fill=_subregion_fill(True, _), tooltip=_coverage_tooltip(_),
            description=alt.Description("properties.desc:N")),
        frame,
        outline(data, view),
    ), width=width, height=height, title={"text": _("The Americas"), "fontSize": 12,
                                          "anchor": "start"})

    zoom_features = _coverage_features(
        ctx, _, base_features(ctx, zoom_extent, view_tolerance(zoom_extent, zoom_width)),
        subregions, offices)
    labels = []
    for iso3, (label_lon, label_lat, align) in sorted(ZOOM_LABELS.items()):
        if iso3 not in shapes:
            continue
        name = next((f["properties"]["name"] for f in zoom_features
                     if f["properties"]["iso3"] == iso3), iso3)
        (lon, lat), _shape, _area = shapes[iso3]
        labels.append({"iso3": iso3, "lon": lon, "lat": lat, "label_lon": label_lon,
                       "label_lat": label_lat, "align": align, "leader": False, "text": name})
    leaders, texts = label_layers(data, labels, zoom_view)
    zoom = with_properties(alt.layer(
        geo_layer(data.add(zoom_features, "geo-zoom"), zoom_view).encode(
            fill=_subregion_fill(False, _), tooltip=_coverage_tooltip(_),
            description=alt.Description("properties.desc:N")),
        *leaders, *texts,
        outline(data, zoom_view),
    ), width=zoom_width, height=zoom_height,
        title={"text": _("Zoom: the southern Caribbean (frame on the left)"), "fontSize": 12,
               "anchor": "start"})

    chart = alt.hconcat(main, zoom, spacing=16).resolve_legend(fill="independent")
    return finish(
        chart, data, "coverage_map",
        _("Geographic coverage: 17 prioritised countries by subregion and implementing office"),
        coverage_source(ctx.lang),
        _("The implementing office(s) of each country are in the table below and its tooltip;"
          " the plan groups Guyana with the Caribbean"),
        alt_text.coverage(_by_subregion(ctx, _, countries), lang=ctx.lang),
        ctx.lang,
    )


def _by_subregion(ctx: Context, _: Translate, countries: Any) -> dict[str, list[str]]:
    """The prioritised countries' names per subregion, in the countries table's order (in the
    render's language)."""
    out: dict[str, list[str]] = {}
    for iso3, name, region in zip(countries["iso3"], countries["country_name"],
                                  countries["subregion"], strict=True):
        out.setdefault(subregion(_, str(region)), []).append(country(ctx, str(iso3), str(name)))
    return out

