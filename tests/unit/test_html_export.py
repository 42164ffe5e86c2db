"""The HTML export on inline notebooks: SVGs put back in place, stray placeholders refused."""

from __future__ import annotations

import re

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from rapnb.build.html_export import HtmlExportError, notebook_to_html
from rapnb.present.display import VEGALITE_MIME


def _svg(number: int) -> str:
    return (f'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10"'
            f' height="10"><defs><clipPath id="clip1"><rect width="{number}"/></clipPath>'
            f'</defs><text clip-path="url(#clip1)">figure {number}</text></svg>')


def _notebook(figures: int, markdown: str = "# Report") -> object:
    outputs = [new_output("display_data", {VEGALITE_MIME: {"mark": "bar", "n": n},
                                           "image/svg+xml": _svg(n), "text/plain": f"<f{n}>"})
               for n in range(1, figures + 1)]
    return new_notebook(cells=[new_markdown_cell(markdown), new_code_cell("", outputs=outputs)])


def test_every_svg_lands_once_in_order_with_its_own_ids() -> None:
    html = notebook_to_html(_notebook(12), "twelve")
    assert [int(n) for n in re.findall(r">figure (\d+)</text>", html)] == list(range(1, 13))
    assert "rapnb-svg-placeholder" not in html and "<?xml" not in html
    for n in (1, 10, 12):
        assert f'id="rapnb-f{n}-1"' in html and f"url(#rapnb-f{n}-1)" in html
    assert VEGALITE_MIME not in html and '"mark"' not in html  # specs are not shown
    assert '<clipPath id="rapnb-f1-1">' in html  # inserted as drawn, case kept


def test_a_placeholder_in_the_text_is_refused() -> None:
    nb = _notebook(1, "# Report\n\nrapnb-svg-placeholder-0001")
    with pytest.raises(HtmlExportError, match="placeholder rapnb-svg-placeholder-0001 appears 2"):
        notebook_to_html(nb, "tricky")


def test_the_exported_notebook_is_left_unchanged() -> None:
    nb = _notebook(2)
    before = repr(nb)
    notebook_to_html(nb, "same")
    assert repr(nb) == before
