"""The HTML tables a notebook printed (pandas' `to_html`), read back as rows of cells for the
PDF: the PDF shows the text the notebook computed, cell by cell, never a recomputation.

A cell is `{"t": text, "th": header or index cell, "rs": rowspan, "cs": colspan, "num":
holds only a number}`, and `"lang"` if its language is not the page's (the PDF tags it so).
pandas writes the index names on a second header row; that row is folded into the first when
the two do not overlap, as a printed table would show them.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from rapnb.build.html_export import NUMBER_TEXT

Cell = dict[str, Any]
_NUMERIC = re.compile(rf"(?:{NUMBER_TEXT}|<NA>|N\.A\.)")
_LONG_TEXT = 40
"""A column whose longest cell has more characters than this shares the free width."""


class _TableParser(HTMLParser):
    """Collects the cells of the first `<table>` of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.header: list[list[Cell]] = []
        self.body: list[list[Cell]] = []
        self.tables = 0
        self._section = "body"
        self._row: list[Cell] | None = None
        self._cell: Cell | None = None
        self._text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._skip += 1
        elif tag == "table":
            self.tables += 1
        elif self.tables != 1:
            return
        elif tag == "thead":
            self._section = "header"
        elif tag == "tbody":
            self._section = "body"
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            values = dict(attrs)
            self._cell = {"t": "", "th": tag == "th", "rs": _span(values.get("rowspan")),
                          "cs": _span(values.get("colspan"))}
            if values.get("lang"):  # a cell in another language than the page's
                self._cell["lang"] = values["lang"]
            self._text = []
        elif tag == "br" and self._cell is not None:
            self._text.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip = max(0, self._skip - 1)
        elif self.tables != 1:
            return
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            text = " ".join("".join(self._text).split())
            self._cell["t"] = text
            self._cell["num"] = bool(text) and _NUMERIC.fullmatch(text) is not None
            self._row.append(self._cell)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            (self.header if self._section == "header" else self.body).append(self._row)
            self._row = None
        elif tag == "table":
            self.tables += 1  # later tables are not read

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not self._skip:
            self._text.append(data)


def _span(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


def _positions(rows: list[list[Cell]]) -> list[tuple[Cell, int]]:
    """Each cell of `rows` with the column it starts in (cells spanning rows from above
    take their columns)."""
    covered: set[tuple[int, int]] = set()
    found = []
    for r, row in enumerate(rows):
        col = 0
        for cell in row:
            while (r, col) in covered:
                col += 1
            covered.update((r + dr, col + dc) for dr in range(cell["rs"])
                           for dc in range(cell["cs"]))
            found.append((cell, col))
            col += cell["cs"]
    return found


def _width(row: list[Cell]) -> int:
    return sum(cell["cs"] for cell in row)


def _fold_index_names(header: list[list[Cell]], columns: int) -> list[list[Cell]]:
    """pandas' two header rows (column names over blanks for the index; index names over
    blanks for the columns) as one row, when each position is blank in one of them."""
    if len(header) != 2 or any(c["cs"] != 1 or c["rs"] != 1 for row in header for c in row):
        return header
    top, names = header
    if len(top) != columns or len(names) != columns:
        return header
    if any(a["t"] and b["t"] for a, b in zip(top, names, strict=True)):
        return header
    return [[a if a["t"] else b for a, b in zip(top, names, strict=True)]]


def parse_table(html: str) -> dict[str, Any] | None:
    """The first table of `html` as a table block, or None if it has no table.

    `{"k": "table", "cols": n, "header": rows, "body": rows, "widths": ["auto" | "fr", ...],
    "num": [whether each column holds only numbers]}`.
    """
    parser = _TableParser()
    parser.feed(html)
    parser.close()
    rows = parser.header + parser.body
    if not rows:
        return None
    columns = max(_width(row) for row in rows)
    header = _fold_index_names(parser.header, columns)
    longest = [0] * columns
    numeric = [True] * columns
    seen = [False] * columns
    for cell, col in _positions(parser.body):
        if cell["cs"] == 1 and col < columns:
            longest[col] = max(longest[col], len(cell["t"]))
            if cell["t"] and not cell["th"]:
                seen[col] = True
                numeric[col] = numeric[col] and cell["num"]
    number_columns = [n and s for n, s in zip(numeric, seen, strict=True)]
    for cell, col in _positions(header):  # a header over numbers is aligned with them
        cell["num"] = all(number_columns[col:col + cell["cs"]]) and col < columns
    return {
        "k": "table",
        "cols": columns,
        "header": header,
        "body": parser.body,
        "widths": ["fr" if n > _LONG_TEXT else "auto" for n in longest],
        "num": number_columns,
    }
