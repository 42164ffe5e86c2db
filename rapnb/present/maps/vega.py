"""Vega-Lite plumbing shared by the maps: inline datasets named by their content, geoshape
and label layers cut at the view's edge, the frame, and the finished top-level chart."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any, Literal

from rapnb.present import style
from rapnb.present.altair_private import frozen_json, with_properties
from rapnb.present.display import figure_spec
from rapnb.present.i18n import gettext_for
from rapnb.present.maps.projection import DECIMALS, Extent, View, projection

if TYPE_CHECKING:
    import altair as alt

LABEL_FONT = 10


class Datasets:
    """The inline data of one chart, embedded once at its top level (``datasets``).

    Altair deep-copies a chart's inline values on every ``encode``/``properties`` call and
    validates them on construction; geometry is large, so the layers refer to named
    datasets and the values are attached only to the finished top-level chart -- the same
    spec Altair's own consolidation of inline data produces. Names hash the content, so
    they are stable across runs.
    """

    def __init__(self) -> None:
        self.values: dict[str, list[dict[str, Any]]] = {}

    def add(self, values: list[dict[str, Any]], prefix: str = "data") -> alt.NamedData:
        import altair as alt

        text = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        name = f"{prefix}-{hashlib.sha256(text.encode()).hexdigest()[:16]}"
        self.values[name] = values
        return alt.NamedData(name=name)


def geo_layer(data: alt.NamedData, view: View, **mark: Any) -> alt.Chart:
    """A geoshape layer of GeoJSON features, cut at the view's edge."""
    import altair as alt

    defaults = {"fill": style.CONTEXT_FILL, "stroke": style.CONTEXT_STROKE, "strokeWidth": 0.5}
    return alt.Chart(data).mark_geoshape(**{**defaults, **mark}).project(
        **projection(view).to_dict()
    )


def label_layers(data: Datasets, rows: list[dict[str, Any]], view: View,
                 font_size: int = LABEL_FONT, leader_color: str = style.HIGHLIGHT
                 ) -> tuple[list[alt.Chart], list[alt.Chart]]:
    """Leader lines from (lon, lat) to the label where `leader` is true, and text labels at
    (label_lon, label_lat), one layer per alignment; `text` may be a list of lines.
    Returned apart so that symbols can be drawn between the leaders and the texts. Both are
    hidden from assistive technology: the labels restate what the marks' descriptions say."""
    import altair as alt

    projected = projection(view).to_dict()
    leaders: list[alt.Chart] = []
    with_leader = [r for r in rows if r.get("leader")]
    if with_leader:
        leaders.append(
            alt.Chart(data.add(with_leader, "leaders"))
            .mark_rule(strokeWidth=0.7, color=leader_color, aria=False)
            .encode(alt.Longitude("lon:Q"), alt.Latitude("lat:Q"),
                    alt.Longitude2("label_lon"), alt.Latitude2("label_lat"))
            .project(**projected)
        )
    texts: list[alt.Chart] = []
    aligns: tuple[tuple[Literal["left", "right", "center"], int], ...] = (
        ("left", 3), ("right", -3), ("center", 0))
    for align, dx in aligns:
        subset = [r for r in rows if r["align"] == align]
        if not subset:
            continue
        texts.append(
            alt.Chart(data.add(subset, "labels"))
            .mark_text(align=align, baseline="middle", dx=dx, fontSize=font_size,
                       lineHeight=font_size + 2, aria=False)
            .encode(alt.Longitude("label_lon:Q"), alt.Latitude("label_lat:Q"),
                    alt.Text("text:N"))
            .project(**projected)
        )
    return leaders, texts


def outline(data: Datasets, view: View) -> alt.Chart:
    """A thin frame around the map (the sea is left white), drawn over everything; it lies on
    the view's edge, so it is not cut there (d3 would drop some of its sides)."""
    import altair as alt

    return alt.Chart(data.add([box_outline(view[0])], "outline")).mark_geoshape(
        filled=False, stroke=style.CONTEXT_STROKE, strokeWidth=1, aria=False
    ).project(**projection(view, cut=False).to_dict())


def finish(chart: Any, data: Datasets, figure: str, text: str, source: str,
           subtitle: str | list[str] | None, description: str, lang: str = "en") -> Any:
    """Title, description (`rapnb.present.alt_text`), figure id and the embedded datasets on
    the top-level chart; its texts are in `lang` (the source line's 'Source:' too), and so
    are the numbers Vega formats."""
    _ = gettext_for(lang)
    title = style.title(text, source, subtitle)
    title["subtitle"][-1] = _("Source: {source}").format(source=source)
    chart = figure_spec(with_properties(chart, title=title, description=description), figure,
                        lang)
    chart.datasets = frozen_json(dict(sorted(data.values.items())))
    return chart


def box_outline(extent: Extent, steps: int = 20) -> dict[str, Any]:
    """A LineString along the extent's parallels and meridians (for a zoom-area frame)."""
    west, south, east, north = extent
    xs = [round(west + (east - west) * i / steps, DECIMALS) for i in range(steps + 1)]
    line = ([[x, south] for x in xs] + [[east, north]] + [[x, north] for x in reversed(xs)]
            + [[west, south]])
    return {"type": "Feature", "properties": {},
            "geometry": {"type": "LineString", "coordinates": line}}


