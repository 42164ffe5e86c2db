"""The charts' and maps' generated descriptions name their numbers (as the plan prints them),
and every drawing carries them as an accessible image."""

from __future__ import annotations

import re

from rapnb.present import charts, maps
from rapnb.present.display import draw_svg


def test_sheet_funding_names_its_total_and_outcomes() -> None:
    text = charts.sheet_funding("colombia").to_dict()["description"]
    # Colombia's sheet: 1,745,950 + 3,313,160 + 3,487,141 + 4,853,748 = 13,399,999
    for amount in ("USD 13,399,999", "USD 1,745,950", "USD 3,313,160", "USD 3,487,141",
                   "USD 4,853,748"):
        assert amount in text, amount
    assert "the largest is 4 Socio-economic integration" in text


def test_stock_descriptions_name_the_largest_stocks() -> None:
    for chart in (charts.stock_bars(), maps.stock_map()):
        text = chart.to_dict()["description"]
        assert "Colombia 600,000 (2017)" in text and "Spain 208,333 (2017)" in text
        assert "the smallest is Canada with 18,608" in text


def test_permits_description_keeps_na() -> None:
    text = charts.permits_chart().to_dict()["description"]
    assert "Chile 84,425" in text and "Brazil 2015" in text and "N.A." in text


def test_figure_2_names_the_entry_points_and_the_land_routes() -> None:
    spec = maps.migratory_balance_map().to_dict()
    for name in ("Cúcuta", "Roraima", "Rumichaca", "Tumbes", "Tacna"):
        assert name in spec["description"], name
    assert "Colombia and Brazil are entered mostly by land" in spec["description"]
    assert any("Colombia and Brazil are entered mostly by land" in line
               for line in spec["title"]["subtitle"])
    assert "+51%" in spec["description"] and "100,000" in spec["description"]


def test_the_drawing_is_one_named_image_with_tooltips() -> None:
    spec = charts.sheet_funding("colombia").to_dict()
    svg = draw_svg(spec)
    root = re.match(r"<svg\b[^>]*>", svg)
    assert root and 'role="img"' in root.group(0)
    after = svg[root.end():]
    assert after.startswith("<title>Colombia: funding requested per outcome</title><desc>")
    assert "USD 13,399,999" in after[:after.index("</desc>")]
    assert after[after.index("</desc>"):].startswith('</desc><g aria-hidden="true">')
    assert "<title>4 Socio-economic integration: USD 4,853,748</title>" in svg
    assert "data_production" not in svg and "label:" not in svg  # no raw field names


def test_maps_read_no_encodings() -> None:
    svg = draw_svg(maps.stock_map().to_dict())
    assert "lon:" not in svg and "label_lon" not in svg and "properties." not in svg
    assert "<title>Colombia: 600,000 Venezuelan nationals (2017" in svg
