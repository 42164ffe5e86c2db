"""SVG drawings: reproducible ids, whatever the process drew before."""

from __future__ import annotations

from rapnb import charts, maps
from rapnb.present.display import draw_svg
from rapnb.present.svg import renumber_ids, strip_xml_prolog


def _clipped_bars(figure: str) -> dict:
    return {"mark": {"type": "bar", "clip": True}, "usermeta": {"rapnb_figure": figure},
            "data": {"values": [{"a": "x", "b": 3}, {"a": "y", "b": 5}]},
            "encoding": {"x": {"field": "a", "type": "nominal"},
                         "y": {"field": "b", "type": "quantitative",
                               "scale": {"domain": [0, 4]}}}}


def test_a_drawing_does_not_depend_on_what_the_process_drew_before() -> None:
    spec = _clipped_bars("Clipped bars")
    first = draw_svg(spec)
    draw_svg(_clipped_bars("other"))  # moves vl-convert's clip counter on
    draw_svg(charts.sheet_funding("peru").to_dict())
    assert draw_svg(spec) == first
    assert 'id="rapnb-clipped_bars-1"' in first
    assert 'clip-path="url(#rapnb-clipped_bars-1)"' in first
    assert "clip1" not in first and "clip2" not in first


def test_maps_draw_without_clip_paths() -> None:
    svg = draw_svg(maps.location_map("venezuela").to_dict())
    assert "<path" in svg and "clip-path" not in svg


def test_renumber_ids_renames_definitions_and_references_only() -> None:
    svg = ('<svg><clipPath id="clip1"/><clipPath id="clip10"/><g clip-path="url(#clip10)">'
           '<use href="#clip1"/><text>clip1 and clip10</text></g></svg>')
    assert renumber_ids(svg, "f-") == (
        '<svg><clipPath id="f-1"/><clipPath id="f-2"/><g clip-path="url(#f-2)">'
        '<use href="#f-1"/><text>clip1 and clip10</text></g></svg>')
    assert renumber_ids("<svg><g/></svg>", "f-") == "<svg><g/></svg>"


def test_strip_xml_prolog() -> None:
    assert strip_xml_prolog('<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg/>') == "<svg/>"
