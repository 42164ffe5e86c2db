"""How numbers and data text appear on a page: separators, USD, N.A. for a missing value,
escaped text, Markdown output, and the outcome labels the outcomes table carries; numbers in
the render's language (Babel, CLDR: 13,399,999 in English, 13.399.999 in Spanish)."""

from __future__ import annotations

import html
import re
from typing import Any

from rapnb.context import DEFAULT_LANG, Where, as_context
from rapnb.datasets import loaders
from rapnb.present import i18n
from rapnb.present.i18n import N_
from rapnb.present.plan_text import localize

NA = N_("N.A.")
"""What a missing value reads as (the plan's own mark in its permits table)."""


_MARKDOWN_ACTIVE = re.compile(r"([\\`*_\[\]$~|#])")
_MARKDOWN_LINE_START = re.compile(r"^([ \t]*)(\d*)([-+=.)])", re.M)


def escape(text: object) -> str:
    """Text from a dataset, safe to put into Markdown or HTML output (shown, never run).

    Markdown's active characters are backslash-escaped (emphasis, code, links, math, tables,
    headings; a list marker at a line's start), then HTML's (`<`, `&`, quotes), so
    `*bold*` or `$x$` in a data file is printed as written in the HTML and in the PDF.
    """
    marked = _MARKDOWN_ACTIVE.sub(r"\\\1", str(text))
    marked = _MARKDOWN_LINE_START.sub(r"\1\2\\\3", marked)
    return html.escape(marked, quote=True)


def escape_html(text: object) -> str:
    """Text from a dataset, safe inside HTML (tables, attributes: no Markdown is read there)."""
    return html.escape(str(text), quote=True)


def language_span(markup: str, lang: str, page_lang: str) -> str:
    """`markup` (in `lang`) wrapped in `<span lang="...">` where that is not the page's
    language `page_lang`: the one piece of HTML the PDFs' Markdown reader takes as markup
    (`rapnb.build.pdf_markdown`)."""
    return markup if lang == page_lang else f'<span lang="{escape_html(lang)}">{markup}</span>'


class Markdown:
    """Markdown output whose data-derived parts were escaped by the caller."""

    def __init__(self, text: str) -> None:
        self.text = text

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text


def bullets(items: list[str], empty: str = N_("None listed in the plan."),
            lang: str = DEFAULT_LANG) -> Markdown:
    """A bullet list of data text, escaped (`empty`, translated, when there is none)."""
    if not items:
        return Markdown(f"*{i18n.gettext_for(lang)(empty)}*")
    return Markdown("\n".join(f"- {escape(item)}" for item in items))


def amount(value: Any, lang: str = DEFAULT_LANG) -> str:
    """An amount with the language's separators: '32,326,041' (en), '32.326.041' (es)."""
    return i18n.number(int(value), lang)


def usd(value: float, lang: str = DEFAULT_LANG) -> str:
    """USD with the language's separators: 'USD 32,326,041' (en), 'USD 32.326.041' (es)."""
    return f"USD {i18n.number(round(value), lang)}"


def count(value: Any, lang: str = DEFAULT_LANG) -> str:
    """A count with the language's separators; N.A. (translated) for a missing value."""
    import pandas as pd

    return i18n.gettext_for(lang)(NA) if pd.isna(value) else i18n.number(int(value), lang)


UNITS = {"persons": N_("persons"), "permits": N_("permits"), "years": N_("years"),
         "usd": "USD", "ratio": N_("ratio"), "applications": N_("applications"),
         "days": N_("days")}
"""The units of key figures, as the page writes them."""


def figure_value(value: float, unit: str, lang: str = DEFAULT_LANG) -> str:
    """A narrative figure with its unit: '51%', '100,000 persons', '-27.1%' (en);
    '51 %', '100.000 personas', '-27,1 %' (es)."""
    decimals = 0 if float(value).is_integer() else 1
    if unit == "percent":
        return i18n.percent(value, lang, decimals)
    word = i18n.gettext_for(lang)(UNITS[unit]) if unit in UNITS else unit
    return f"{i18n.number(value, lang, decimals)} {word}"


def outcome_labels(ctx: Where = None) -> dict[str, str]:
    """Per budget component, its label from the outcomes table: '1 Data production and
    dissemination', ..., 'Evaluation' (no outcome number)."""
    import pandas as pd

    ctx = as_context(ctx)
    outcomes = localize(loaders.outcomes(ctx), ctx, "outcomes", ["component"],
                        ["short_title"])
    return {
        str(component): str(title) if pd.isna(number) else f"{int(number)} {title}"
        for component, number, title in zip(outcomes["component"], outcomes["outcome"],
                                            outcomes["short_title"], strict=True)
    }
