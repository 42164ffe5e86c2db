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


VOID_ELEMENTS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                           "meta", "source", "track", "wbr"})


def _tree(html: str) -> list[tuple[str, ...]]:
    """A page as parsed: its tags with their attributes (sorted) and its non-blank texts,
    whatever the serialisation (`<br/>` or `<br>`, `&#182;` or `¶`, attribute order)."""
    from html.parser import HTMLParser

    events: list[tuple[str, ...]] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            events.append((tag, *sorted(f"{k}={' '.join((v or '').split())}" for k, v in attrs)))

        def handle_endtag(self, tag: str) -> None:
            if tag not in VOID_ELEMENTS:  # `<br/>` ends nothing
                events.append((f"/{tag}",))

        def handle_data(self, data: str) -> None:
            if data.strip():
                events.append((" ".join(data.split()),))

    Parser(convert_charrefs=True).feed(html)
    return events


def test_the_page_is_the_one_nbconvert_parses_and_serialises_again() -> None:
    """ReportHTMLExporter skips HTMLExporter's BeautifulSoup pass: the same page, tag for tag
    and attribute for attribute, with nbconvert's stock alt text on an image that has none."""
    from nbconvert import HTMLExporter

    from rapnb.build import html_export
    from rapnb.build.nbconvert_private import MISSING_ALT

    nb = _notebook(2, "# Report\n\nA line<br>break, *emphasis* & ¶")
    png = new_output("display_data", data={"image/png": "iVBORw0KGgo="})
    table = new_output("display_data", data={"text/html": "<table><tr><td>1,234</td></tr></table>"})
    nb.cells.append(new_code_cell("x", outputs=[png, table]))
    ours = notebook_to_html(nb, "report")
    upstream = HTMLExporter(config=html_export._exporter().config)
    original, svgs = html_export.prepare_for_html(nb)
    theirs, _ = upstream.from_notebook_node(original, resources={
        "metadata": {"name": "Report"}, "rapnb_nav": html_export.page_links("page.html")})
    for key, svg in svgs.items():
        theirs = theirs.replace(key, svg)
    assert _tree(ours) == _tree(theirs)
    assert ours.count(f'alt="{MISSING_ALT}"') == 1 and "<br>" in ours


@pytest.mark.parametrize(("tag", "stock"), [
    ("<img src=x>", True), ('<img data-alt="y" src=x>', True), ('<IMG SRC=x/>', True),
    ('<img alt="A map" src=x>', False), ('<img alt="" src=x>', False), ("<img alt src=x>", False),
    ("<img src=x alt>", False),
])
def test_an_image_without_alt_gets_the_stock_one_and_no_other(tag: str, stock: bool) -> None:
    from rapnb.build.nbconvert_private import MISSING_ALT, with_stock_alt

    done = with_stock_alt(tag)
    assert (done == tag.replace(tag[:4], f'<img alt="{MISSING_ALT}"', 1)) if stock else done == tag
