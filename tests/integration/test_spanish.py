"""The Spanish editions: the same numbers as the English ones, no English interface text left,
the page language set, and the unofficial-translation note at the top (on the session's real
render of the overview, Colombia and the regional sheet in both languages: conftest.py)."""

from __future__ import annotations

import json
import re
from html import escape as html_escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from rapnb.present import i18n

VEGALITE = "application/vnd.vegalite.v5+json"


def _chart_values(path: Path) -> list[list[float]]:
    """Per chart of an executed notebook: every number in its inline data, in order."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    charts = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            spec = output.get("data", {}).get(VEGALITE)
            if spec:
                values: list[float] = []
                for rows in spec.get("datasets", {}).values():
                    for row in rows:
                        values += [v for v in row.values() if isinstance(v, int | float)
                                   and not isinstance(v, bool)]
                charts.append(sorted(values))  # datasets are named after their (translated) text
    return charts


def _table_numbers(path: Path, lang: str) -> list[float]:
    """Every table cell of the notebook that is a number (an amount, a count, a share: not the
    numbers inside the plan's sentences, which translation rewords), read with the language's
    separators."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    group, decimal = (",", ".") if lang == "en" else (".", ",")
    numbers = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            html = "".join(output.get("data", {}).get("text/html", ""))
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", html, re.S):
                token = re.sub(r"<[^>]+>", "", cell).replace("\u00a0", " ").strip()
                match = re.fullmatch(r"(?:USD )?([+-]?\d[\d.,]*)( ?%)?", token)
                if match:
                    numbers.append(float(match.group(1).replace(group, "").replace(decimal, ".")))
    return numbers


def test_the_spanish_colombia_sheet_shows_the_english_numbers(real_render) -> None:
    out = real_render["out"]
    en = out / "en/sheets/colombia/colombia.ipynb"
    es = out / "es/sheets/colombia/colombia.ipynb"
    assert _chart_values(en) == _chart_values(es) and _chart_values(en)
    english, spanish = _table_numbers(en, "en"), _table_numbers(es, "es")
    assert english == spanish and 13_399_999 in english


class _Visible(HTMLParser):
    """The text a reader sees: everything but styles, scripts and HTML comments."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script") and self._skip > 0

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _visible_text(path: Path) -> str:
    """The visible text, without the publications' own (English) titles and producers, which
    the sources name as published."""
    from rapnb.datasets.sources import NATURAL_EARTH, PLAN, TRENDS

    parser = _Visible()
    parser.feed(path.read_text(encoding="utf-8"))
    text = " ".join(" ".join(parser.parts).split())
    for source in (PLAN, TRENDS, NATURAL_EARTH):
        for key in ("title", "producer"):
            text = text.replace(" ".join(source[key].split()), "")
    for quoted in _quoted_english():
        text = text.replace(quoted, "")
    # The plan's own words in quotation marks ("Funding requested" as its heading prints it;
    # 'Venezuelans nationals' as a note on a slip quotes it; an apostrophe is no quotation).
    return re.sub(r"“[^”]*”|‘[^’]*’|(?<![A-Za-zÀ-ÿ])'[^']*'(?![A-Za-zÀ-ÿ])", "", text)


def _quoted_english() -> list[str]:
    """English a Spanish page shows as data, not as interface: the plan's slips quoted as
    printed, the places its key figures name (where a computed slip is), and the secondary
    sources as cited (longest first, so that no part is left). The notes on the slips and on
    the figures are translated, so they are not left out here."""
    import rapnb

    errata, stocks = rapnb.errata(), rapnb.stocks()
    places = errata.loc[errata["kind"] == "approximate_precise", "section"]
    texts = [*errata["quote"], *places, *stocks["source"]]
    return sorted({" ".join(str(t).split()) for t in texts if str(t).strip()}, key=len,
                  reverse=True)


def _english_messages() -> list[str]:
    """The catalog's English messages that Spanish translates differently, as they read on a
    page (Markdown marks and placeholders taken out), long enough to be unambiguous."""
    _ = i18n.gettext_for("es")
    from babel.messages.pofile import read_po

    with open(i18n.catalog_path("es"), "rb") as handle:
        ids = [m.id for m in read_po(handle) if isinstance(m.id, str) and m.id]
    found = []
    for message in ids:
        if _(message) == message:
            continue
        for piece in re.split(r"\{[a-z_]*\}|\n+", message):
            piece = re.sub(r"[#*`]", "", piece).strip(" :.,()")
            if len(piece) >= 12 and " " in piece:
                found.append(piece)
    return found


def test_no_english_interface_text_is_left_in_a_spanish_page(real_render) -> None:
    out, messages = real_render["out"], _english_messages()
    assert len(messages) > 50
    for rel in ("es/sheets/colombia/colombia.html", "es/sheets/regional/regional.html",
                "es/regional_overview/regional_overview.html"):
        text = _visible_text(out / rel)
        left = [m for m in messages if m in text]
        assert left == [], f"{rel}: English interface text left: {left[:5]}"


def test_spanish_pages_say_so(real_render) -> None:
    for rel in ("es/sheets/colombia/colombia.html", "es/regional_overview/regional_overview.html"):
        html = (real_render["out"] / rel).read_text(encoding="utf-8")
        assert re.search(r'<html[^>]*\blang="es"', html)
        text = _visible_text(real_render["out"] / rel)
        assert "Traducción no oficial" in text[:2000]
        assert "13.399.999" in text or "32.326.041" in text
    english = (real_render["out"] / "en/sheets/colombia/colombia.html").read_text(encoding="utf-8")
    assert re.search(r'<html[^>]*\blang="en"', english) and "Traducción" not in english


def test_an_english_title_in_spanish_prose_is_marked_english(real_render) -> None:
    """WCAG 3.1.2: the overview cites *Migration Trends in the Americas* by its English title,
    and its sources by theirs; the page and the PDF mark those runs as English."""
    from pdf_inspect import flat_text, marked_languages, structure_languages

    base = real_render["out"] / "es/regional_overview/regional_overview"
    html = base.with_suffix(".html").read_text(encoding="utf-8")
    assert re.search(r"provienen de <span lang=\"en\"><em>Migration Trends in the Americas"
                     r"</em></span> \(abril de 2018\)", html)
    # the sources at the foot of the page, cited by their English titles and producers
    footer = html[html.rindex("Fuentes"):]
    from rapnb.datasets.sources import NATURAL_EARTH, PLAN, TRENDS

    for source in (PLAN, TRENDS, NATURAL_EARTH):
        assert f'<span lang="en">{html_escape(source["title"], quote=False)}.' in footer
    pdf = base.with_suffix(".pdf").read_bytes()
    assert marked_languages(pdf).count("en") == 1  # the title in the prose's sentence
    assert structure_languages(pdf).count(("/LBody", "en")) == 3  # the 3 sources' items
    assert "provienen de Migration Trends" in flat_text(pdf)
    english = (real_render["out"] / "en/regional_overview/regional_overview.html").read_text(
        encoding="utf-8")
    assert "<em>Migration Trends in the Americas</em>" in english
    assert '<span lang="en"><em>Migration' not in english
