"""The location map of one sheet: the countries its office(s) cover, among their neighbours."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rapnb.context import Context, Where
from rapnb.datasets import loaders
from rapnb.derived.sheets import SheetInfo, sheet_info
from rapnb.present import alt_text, plan_text, style
from rapnb.present.altair_private import with_properties
from rapnb.present.credits import boundaries_source, plan_short
from rapnb.present.i18n import N_, tr
from rapnb.present.maps.geometry import base_features, boundaries_key, country_shapes
from rapnb.present.maps.placements import COVERAGE_EXTENT, ZOOM_LABELS
from rapnb.present.maps.projection import DECIMALS, Extent, fit_view, view_tolerance
from rapnb.present.maps.text import and_join, translate_names
from rapnb.present.maps.vega import Datasets, finish, geo_layer, label_layers, outline

if TYPE_CHECKING:
    import altair as alt


ROLES = (N_("Covered by this sheet"), N_("Other country"))


def _office_labels(office_ids: tuple[str, ...], ctx: Context) -> list[str]:
    """Short names of a sheet's offices for a subtitle ('IOM Caribbean', 'RO San Jose'), in the
    render's language."""
    offices = loaders.offices(ctx).set_index("office_id").loc[list(office_ids)]
    if len(offices) > 1:  # the regional sheet: "RO Buenos Aires", "RO San Jose"
        return [str(plan_text.translated(ctx, "offices", str(office), "office_name_as_printed",
                                         str(name)))
                for office, name in zip(offices.index, offices["office_name_as_printed"],
                                        strict=True)]
    # "IOM Caribbean (Aruba; ...)" -> "IOM Caribbean"
    return [re.sub(r" \(.*\)$", "",
                   str(plan_text.translated(ctx, "offices", str(office), "office_name",
                                            str(name))))
            for office, name in zip(offices.index, offices["office_name"], strict=True)]


def _fit_extent(bounds: list[Extent]) -> Extent:
    """The union of `bounds` with a margin: 10% of the span, at least 1.5 degrees."""
    west = min(b[0] for b in bounds)
    south = min(b[1] for b in bounds)
    east = max(b[2] for b in bounds)
    north = max(b[3] for b in bounds)
    mx = max(0.1 * (east - west), 1.5)
    my = max(0.1 * (north - south), 1.5)
    return (west - mx, max(south - my, -80.0), east + mx, min(north + my, 80.0))


def location_map(sheet: str | SheetInfo, ctx: Where = None) -> alt.LayerChart:
    """Where a sheet's office(s) work: the countries they cover, highlighted among their
    neighbours, on a map fitted to them (the regional sheet covers all 17 countries).

    Raises :class:`rapnb.errors.UnknownSheetError` for an unknown sheet id.
    """
    info = sheet_info(sheet, ctx)  # UnknownSheetError, listing the ids, before any work
    import altair as alt

    ctx = info.ctx
    _ = tr(ctx)
    sheet_title = str(plan_text.translated(ctx, "sheets", info.sheet_id, "sheet_title",
                                           info.title))
    iso3s, office_names = sorted(info.iso3), _office_labels(info.office_ids, ctx)
    shapes = country_shapes(boundaries_key(ctx))
    drawn = [i for i in iso3s if i in shapes]
    bounds = [shapes[i][1] for i in drawn] or [COVERAGE_EXTENT]
    view = fit_view(_fit_extent(bounds), 420, 240, 480)
    extent, width, height = view
    features = base_features(ctx, extent, view_tolerance(extent, width))
    translate_names(ctx, features)
    chosen = set(drawn)
    roles = tuple(_(role) for role in ROLES)
    names = {}
    for feature in features:
        props = feature["properties"]
        props["role"] = roles[0] if props["iso3"] in chosen else roles[1]
        props["desc"] = f"{props['name']}: {props['role'].lower()}"
        names[props["iso3"]] = props["name"]

    data = Datasets()
    countries = geo_layer(data.add(features, "geo"), view).encode(
        fill=alt.Fill("properties.role:N", title=None,
                      scale=alt.Scale(domain=list(roles),
                                      range=[style.HIGHLIGHT, style.CONTEXT_FILL]),
                      legend=None),
        tooltip=[alt.Tooltip("properties.name:N", title=_("Country"))],
        description=alt.Description("properties.desc:N"),
    )
    # On a zoomed-in map, countries too small to read (islands) are named: where the coverage
    # map's Caribbean panel names them, else just below them.
    labels = []
    zoomed = extent[2] - extent[0] < 25
    for iso3 in drawn:
        (lon, lat), (west, south, east, north), area = shapes[iso3]
        if not zoomed or area >= 1.0:
            continue
        label_lon, label_lat, align = ZOOM_LABELS.get(
            iso3, ((west + east) / 2, south - 0.05 * (extent[3] - extent[1]), "center"))
        labels.append({"iso3": iso3, "lon": lon, "lat": lat,
                       "label_lon": round(label_lon, DECIMALS),
                       "label_lat": round(label_lat, DECIMALS), "align": align,
                       "leader": False, "text": names.get(iso3, iso3)})
    leaders, texts = label_layers(data, labels, view)
    chart = with_properties(alt.layer(countries, *leaders, *texts, outline(data, view)),
                            width=width, height=height)
    if len(drawn) > 6:
        subtitle = _("Highlighted: the {count} countries covered by {offices}").format(
            count=len(drawn), offices=and_join(_, office_names))
    else:
        subtitle = _("Highlighted: {countries} (covered by {offices})").format(
            countries=", ".join(names.get(i, i) for i in drawn),
            offices=and_join(_, office_names))
    return finish(
        chart, data, f"location_{info.sheet_id}",
        _("Location: {title}").format(title=sheet_title),
        _("{plan}, Geographic coverage and the '{sheet}' sheet; {boundaries}").format(
            plan=plan_short(ctx.lang), sheet=sheet_title.split(" (")[0],
            boundaries=boundaries_source(ctx.lang)),
        subtitle,
        alt_text.location(sheet_title, [names.get(i, i) for i in drawn], lang=ctx.lang),
        ctx.lang,
    )

