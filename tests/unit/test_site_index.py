"""The site's index and navigation on a made-up output folder: links only to files that exist,
relative links, other languages and PDFs slotting in when they appear."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from rapnb.build.html_export import page_links
from rapnb.build.site import (
    editions,
    index_html,
    read_sheets_tables,
    sheets_tables,
    write_index,
)


def _touch(root: Path, *rels: str) -> None:
    for rel in rels:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x", encoding="utf-8")


def _links(text: str) -> list[str]:
    return re.findall(r'<a\b[^>]*\bhref="([^"]*)"', text)


def test_page_links_are_relative_to_the_page() -> None:
    assert page_links("sheets/peru/peru.html") == {
        "lang": "en", "index": "../../index.html", "twins": [],
        "index_label": "All sheets and downloads", "site_label": "Site"}
    nav = page_links("sheets/peru/peru.html", "en", ("en", "es"))
    assert nav["twins"] == [{"lang": "es", "label": "Español",
                             "href": "../../es/sheets/peru/peru.html"}]
    es = page_links("es/regional_overview/regional_overview.html", "en", ("en", "es"))
    assert es["lang"] == "es" and es["index"] == "../index.html"  # es/index.html, in Spanish
    assert es["index_label"] == "Todas las fichas y descargas"  # in the page's language
    assert es["twins"][0]["href"] == "../../en/regional_overview/regional_overview.html"


def test_index_links_only_what_exists(tmp_path: Path) -> None:
    _touch(tmp_path, "sheets/peru/peru.html", "sheets/peru/peru.ipynb", "rap_tables.xlsx",
           "hxl/funding.csv", "manifest.json")
    links = _links(index_html(tmp_path))
    assert links == ["index.html", "sheets/peru/peru.html", "sheets/peru/peru.ipynb",
                     "rap_tables.xlsx", "manifest.json", "hxl/funding.csv"]
    assert all((tmp_path / h).is_file() for h in links if h != "index.html")


def test_pdfs_the_book_and_a_second_language_slot_in(tmp_path: Path) -> None:
    _touch(tmp_path, "sheets/peru/peru.html", "sheets/peru/peru.pdf",
           "regional_overview/regional_overview.html", "regional_action_plan_2018.pdf",
           "rap_datapackage.zip", "es/sheets/peru/peru.html", "es/index.html",
           "es/regional_action_plan_2018.pdf")
    assert [(e.lang, e.prefix) for e in editions(tmp_path)] == [("en", ""), ("es", "es/")]
    text = index_html(tmp_path)
    links = _links(text)
    for rel in ("sheets/peru/peru.pdf", "regional_action_plan_2018.pdf", "rap_datapackage.zip",
                "es/sheets/peru/peru.html", "es/index.html"):
        assert rel in links, rel
    assert "English: " in text and '<span lang="es">Español</span>: ' in text
    assert '<span lang="es">Español (PDF)</span>' in text  # the book link, in its language
    assert "HTML<span class=\"rapnb-sr\"> of the Peru sheet (Spanish)</span>" in text


def test_the_spanish_index_links_from_its_folder_in_spanish(tmp_path: Path) -> None:
    _touch(tmp_path, "en/sheets/peru/peru.html", "es/sheets/peru/peru.html",
           "es/sheets/peru/peru.pdf", "es/regional_action_plan_2018.pdf", "rap_tables.xlsx",
           "hxl/funding.csv", "manifest.json", "index.html")
    text = index_html(tmp_path, lang="es")
    links = _links(text)
    assert links == ["index.html", "../index.html", "regional_action_plan_2018.pdf",
                     "sheets/peru/peru.html", "sheets/peru/peru.pdf",  # Spanish first
                     "../en/sheets/peru/peru.html", "../rap_tables.xlsx", "../manifest.json",
                     "../hxl/funding.csv"]
    assert all((tmp_path / "es" / h).resolve().is_file() for h in links if h != "index.html")
    assert '<html lang="es">' in text and "Traducción no oficial" in text
    assert "<h2>Descargas</h2>" in text and "<h2>Las fichas</h2>" in text
    assert "HTML<span class=\"rapnb-sr\"> de la ficha “Perú” (español)</span>" in text
    # Spanish numbers (CLDR); the plan's English title cited in English
    assert "USD 32.326.041" in text and "13.399.999" in text and "41,5\u00a0%" in text
    assert '<p lang="en"><cite>IOM (2018) Regional Action Plan' in text


def test_an_index_page_per_language_with_pages(tmp_path: Path) -> None:
    _touch(tmp_path, "en/sheets/peru/peru.html")
    assert write_index(tmp_path) == ["index.html"]
    assert not (tmp_path / "es").exists()
    _touch(tmp_path, "es/sheets/peru/peru.html")
    assert write_index(tmp_path) == ["index.html", "es/index.html"]
    top, es = (tmp_path / "index.html").read_text(), (tmp_path / "es/index.html").read_text()
    assert '<a href="es/index.html" hreflang="es" lang="es">Español</a>' in top
    assert '<a href="../index.html" hreflang="en" lang="en">English</a>' in es


def test_index_numbers_come_from_the_data_and_text_is_escaped(tmp_path: Path,
                                                               data_copy: Path) -> None:
    sheets = data_copy / "sheets.csv"
    sheets.write_text(sheets.read_text(encoding="utf-8").replace(
        "Colombia,", "Colombia <b>&</b>,", 1), encoding="utf-8")
    text = index_html(tmp_path, data_copy)
    assert "Colombia &lt;b&gt;&amp;&lt;/b&gt;" in text and "<b>&" not in text
    assert "USD 32,326,041" in text and "13,399,999" in text and "41.5%" in text


def test_a_missing_index_page_is_noticed(tmp_path: Path) -> None:
    from rapnb.build.site import index_missing

    _touch(tmp_path, "en/sheets/peru/peru.html", "es/sheets/peru/peru.html")
    assert index_missing(tmp_path)
    write_index(tmp_path)
    assert not index_missing(tmp_path)
    (tmp_path / "es" / "index.html").unlink()
    assert index_missing(tmp_path)  # a no-op render writes the index pages again


def test_a_full_disk_leaves_no_index_page_behind(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from rapnb.build import site

    _touch(tmp_path, "en/sheets/peru/peru.html", "es/sheets/peru/peru.html")
    real = site.atomic_write_text

    def full_after_one(path: Path, text: str) -> Path:
        if path.name == "index.html" and path.parent.name == "es":
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, text)

    monkeypatch.setattr(site, "atomic_write_text", full_after_one)
    with pytest.raises(OSError) as raised:
        write_index(tmp_path)
    assert raised.value.errno == errno.ENOSPC
    assert not (tmp_path / "index.html").exists()  # written first, removed again


def test_the_sheets_table_scrolls_by_itself_and_keeps_each_editions_links_on_a_line(
        tmp_path: Path) -> None:
    """On a narrow screen the wide table scrolls inside a labelled region a keyboard reaches
    (axe: scrollable-region-focusable), not the whole page; an edition's links never wrap
    apart."""
    _touch(tmp_path, "sheets/peru/peru.html", "sheets/peru/peru.pdf", "es/sheets/peru/peru.html")
    text = index_html(tmp_path)
    region = re.search(r'<div class="rapnb-wide" role="region" aria-label="([^"]+)"'
                       r' tabindex="0">\s*<table class="rapnb-table">\s*<caption>([^<]+)<', text)
    assert region and region.group(1) == region.group(2)  # named after the table's caption
    peru = re.search(r'<th scope="row">Peru</th>.*?</tr>', text, re.S)
    spanish = '<span lang="es">Español</span>'
    assert peru and re.findall(rf'<span class="rapnb-links">(English|{spanish}): <a ',
                               peru.group(0)) == ["English", spanish]
    css = (Path(__file__).resolve().parents[2] / "rapnb/build/templates/rapnb_report/static"
           / "report.css").read_text(encoding="utf-8")
    assert ".rapnb-links { white-space: nowrap; }" in css
    assert re.search(r"\.rapnb-wide \{ overflow-x: auto; position: relative; \}", css)


def test_a_sheets_table_handed_over_as_json_gives_the_same_page(tmp_path: Path) -> None:
    # What the render's tables worker sends the render process, through a JSON file.
    _touch(tmp_path, "sheets/peru/peru.html", "es/sheets/peru/peru.html")
    tables = json.loads(json.dumps(sheets_tables(None), ensure_ascii=False))
    assert set(tables) == {"en", "es"}
    peru = dict(tables["en"]["rows"])["peru"]
    assert peru[0] == "Peru" and peru[3:5] == ["1,944,190", "6.0%"]  # as the plan prints them
    assert isinstance(peru[5], int)  # the count of activities stays a number
    for lang in ("en", "es"):
        assert index_html(tmp_path, lang=lang, sheets=tables[lang]) == index_html(tmp_path,
                                                                                  lang=lang)
    tables["en"]["caption"] = "Handed over"
    assert '<caption>Handed over</caption>' in index_html(tmp_path, sheets=tables["en"])
    write_index(tmp_path, sheets={"en": tables["en"]})  # Spanish: made by the index itself
    assert "<caption>Handed over</caption>" in (tmp_path / "index.html").read_text("utf-8")
    assert "<caption>Las 15 fichas" in (tmp_path / "es/index.html").read_text("utf-8")


def test_a_handed_over_table_of_the_wrong_shape_is_not_used(tmp_path: Path) -> None:
    good = sheets_tables(None)["en"]
    path = tmp_path / "sheets_tables.json"
    for text in ("[1, 2]", "{not json", '{"en": {"caption": "x"}}'):
        path.write_text(text, encoding="utf-8")
        assert read_sheets_tables(path) == {}
    short = {**good, "rows": [["peru", ["Peru"]]]}  # one cell where there are six columns
    path.write_text(json.dumps({"en": good, "es": short, "xx": good}), encoding="utf-8")
    assert read_sheets_tables(path) == {"en": good}  # a language rapnb has no catalog for: out
    assert read_sheets_tables(tmp_path / "missing.json") == {}
