"""The rendered site as a reader and the independent checkers see it: every link of the index
resolves, every page links back to it, axe-core in Chromium finds no violation on the index,
the overview and a sheet, and the Nu Html Checker finds no error on any page.

axe-core and vnu.jar are found or installed by tests/integration/page_checkers.py (see there,
and the README's "Checking the pages")."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from page_checkers import run_axe, run_vnu


def hrefs(page: Path) -> list[str]:
    text = page.read_text(encoding="utf-8")
    return [html.unescape(h) for h in re.findall(r'<a\b[^>]*\bhref="([^"]*)"', text)]


def resolves(page: Path, href: str, root: Path) -> bool:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith("/"):
        return False  # the site links only relatively
    if not parts.path:  # an anchor on the same page
        return bool(parts.fragment)
    target = (page.parent / unquote(parts.path)).resolve()
    return target.is_file() and target.is_relative_to(root.resolve())


@pytest.fixture(scope="module")
def site(real_render: dict[str, Any]) -> Path:
    assert real_render["done"].returncode == 0, real_render["done"].stderr[-2000:]
    return real_render["out"]


@pytest.mark.parametrize("rel", ["index.html", "es/index.html"])
def test_every_link_of_each_index_resolves(site: Path, rel: str) -> None:
    index = site / rel
    links = hrefs(index)
    assert links and all(resolves(index, h, site) for h in links), [
        h for h in links if not resolves(index, h, site)]
    other = "es/index.html" if rel == "index.html" else "../index.html"
    assert other in links  # the index in the other language


def test_the_english_index_links_every_rendered_file(site: Path) -> None:
    index = site / "index.html"
    links = hrefs(index)
    for rel in ("en/regional_overview/regional_overview.html",
                "en/sheets/colombia/colombia.html", "es/sheets/colombia/colombia.html",
                "en/sheets/colombia/colombia.ipynb", "en/sheets/regional/regional.html",
                "rap_tables.xlsx", "rap_datapackage.zip", "manifest.json", "hxl/funding.csv"):
        assert rel in links, rel
    assert "en/sheets/peru/peru.html" not in links  # not rendered: no link to a missing page
    text = index.read_text(encoding="utf-8")
    assert "USD 32,326,041" in text and "13,399,999" in text and "41.5%" in text
    assert "<script" not in text


def test_every_page_links_back_to_the_index(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) == 8  # an index and 3 pages in each of the 2 languages
    for page in pages:
        links = hrefs(page)
        lang = page.relative_to(site).parts[0] if page.parent != site else "en"
        own_index = site / ("es/index.html" if lang == "es" else "index.html")
        assert any((page.parent / h).resolve() == own_index for h in links), page
        assert all(resolves(page, h, site) for h in links if not urlsplit(h).scheme), page
        if page.name != "index.html":  # each page links to its twin in the other language
            other = "es" if page.relative_to(site).parts[0] == "en" else "en"
            twin = site / other / Path(*page.relative_to(site).parts[1:])
            assert any(resolves(page, h, site) and (page.parent / h).resolve() == twin
                       for h in links), page


def test_the_index_is_in_the_manifest(site: Path) -> None:
    import json

    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["site"] == {"files": ["es/index.html", "index.html"]}
    assert {"index.html", "es/index.html", "rap_datapackage.zip"} <= set(manifest["files"])


@pytest.mark.parametrize("rel", ["index.html", "es/index.html",
                                 "en/regional_overview/regional_overview.html",
                                 "en/sheets/colombia/colombia.html",
                                 "es/sheets/colombia/colombia.html"])
def test_axe_finds_no_violation(site: Path, rel: str) -> None:
    assert run_axe(site / rel) == []


def test_axe_finds_what_it_should(tmp_path: Path) -> None:
    """The harness reports violations where there are some (an image without a name, a
    blank header cell), so the empty lists above mean something."""
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><main>'
                    '<h1>t</h1><svg role="img" width="9" height="9"></svg><table><tr><th></th>'
                    '<th>a</th></tr><tr><td>1</td><td>2</td></tr></table></main></body></html>',
                    encoding="utf-8")
    found = {v["id"] for v in run_axe(page)}
    assert {"svg-img-alt", "empty-table-header"} <= found


def test_vnu_finds_no_error_on_any_page(site: Path, tmp_path: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert run_vnu(pages) == []
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><html lang=en><head><title>t</title></head><body>"
                   "<style scoped>p{}</style></body></html>", encoding="utf-8")
    assert run_vnu([bad])  # the checker does report errors
