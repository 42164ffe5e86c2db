"""How numbers and data text appear on a page: separators, USD, N.A. for a missing value,
escaped text, Markdown output, and the outcome labels the outcomes table carries."""

from __future__ import annotations

import html
import re
from typing import Any

from rapnb.context import Where
from rapnb.datasets import loaders

NA = "N.A."


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


class Markdown:
    """Markdown output whose data-derived parts were escaped by the caller."""

    def __init__(self, text: str) -> None:
        self.text = text

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text


def bullets(items: list[str], empty: str = "None listed in the plan.") -> Markdown:
    """A bullet list of data text, escaped."""
    if not items:
        return Markdown(f"*{empty}*")
    return Markdown("\n".join(f"- {escape(item)}" for item in items))


def amount(value: Any) -> str:
    """An amount with thousands separators: '32,326,041'."""
    return f"{int(value):,}"


def usd(value: float) -> str:
    """USD with thousands separators: 'USD 32,326,041'."""
    return f"USD {value:,.0f}"


def count(value: Any) -> str:
    """A count with thousands separators; N.A. for a missing value."""
    import pandas as pd

    return NA if pd.isna(value) else f"{int(value):,}"


def figure_value(value: float, unit: str) -> str:
    """A narrative figure with its unit: '51%', '100,000 persons', '-27.1%'."""
    number = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{number}%" if unit == "percent" else f"{number} {unit}"


def outcome_labels(ctx: Where = None) -> dict[str, str]:
    """Per budget component, its label from the outcomes table: '1 Data production and
    dissemination', ..., 'Evaluation' (no outcome number)."""
    import pandas as pd

    outcomes = loaders.outcomes(ctx)
    return {
        str(component): str(title) if pd.isna(number) else f"{int(number)} {title}"
        for component, number, title in zip(outcomes["component"], outcomes["outcome"],
                                            outcomes["short_title"], strict=True)
    }
