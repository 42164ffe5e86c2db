"""Report tables as accessible, valid HTML: a caption, one header row, row headers with
`scope`, no empty header cell and no `<style>` block (what pandas' own HTML has).

A table builder of `rapnb.present.report` returns a DataFrame and names its caption with
:func:`captioned`; :func:`table_html` writes it. `rapnb.present.report.setup` makes IPython
show every DataFrame with :func:`table_html` (:func:`use_in_ipython`), so a notebook's
`text/html` output, the HTML export and the site's index share one way of writing a table.
Every cell's text is escaped.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from rapnb.present.formatting import escape_html as escape

if TYPE_CHECKING:
    import pandas as pd

CAPTION_KEY = "rapnb_caption"
"""The key of `DataFrame.attrs` that holds a table's caption."""
ROW_HEADER = "Row"
"""The header of an index column that has no name (never an empty header cell)."""
TABLE_CLASS = "rapnb-table"


def captioned(table: pd.DataFrame, caption: str) -> pd.DataFrame:
    """`table` with its caption set (kept in `table.attrs`, shown above the table)."""
    table.attrs[CAPTION_KEY] = caption
    return table


def caption_of(table: pd.DataFrame) -> str | None:
    """The caption set by :func:`captioned`, or None."""
    caption = table.attrs.get(CAPTION_KEY)
    return str(caption) if caption else None


COLUMN_LANG_KEY = "rapnb_column_lang"
"""`table.attrs` key: column -> the language of its cells where it is not the page's (one code
for the whole column, or one code or None per row)."""


def in_language(table: pd.DataFrame, lang: str, columns: list[str],
                rows: list[bool] | None = None) -> pd.DataFrame:
    """`table` with `columns` marked as written in `lang` (their cells get `lang="..."`): the
    plan's words quoted as printed, say, on a page in another language; only the rows where
    `rows` is True, if given (texts left untranslated)."""
    marks = lang if rows is None else [lang if row else None for row in rows]
    return _mark(table, COLUMN_LANG_KEY, columns, marks)


def _mark(table: pd.DataFrame, key: str, columns: list[str], value: Any) -> pd.DataFrame:
    """`table` with `columns` given `value` in the column map `table.attrs[key]`."""
    table.attrs[key] = {**table.attrs.get(key, {}), **dict.fromkeys(columns, value)}
    return table


QUOTE_LANG_KEY = "rapnb_quote_lang"
"""`table.attrs` key: column -> the language of the quotations in single quotes its cells
hold (the plan's words, as printed, inside a note in the page's language)."""
QUOTATION = re.compile(r"(?<![^\W\d_])'([^']+)'(?![^\W\d_])")
"""A quotation in single quotes; an apostrophe inside a word ("IOM's") is none."""


def quoting(table: pd.DataFrame, lang: str, columns: list[str]) -> pd.DataFrame:
    """`table` with the quotations in `columns` marked as written in `lang`."""
    return _mark(table, QUOTE_LANG_KEY, columns, lang)


def _with_quotations(value: Any, lang: str | None) -> str:
    """A cell's text (`_cell`), its quotations wrapped in `<span lang=...>` if `lang`."""
    if not lang or not isinstance(value, str):
        return _cell(value)
    parts = QUOTATION.split(value)  # text, quoted, text, quoted ... text
    return "".join(escape(part) if i % 2 == 0 else
                   f"&#x27;<span lang=\"{escape(lang)}\">{escape(part)}</span>&#x27;"
                   for i, part in enumerate(parts))


def _lang_attribute(marks: str | list[str | None] | None, row: int) -> str:
    """The `lang` attribute of a cell in `row` of a column marked `marks` ('' if none)."""
    lang = marks[row] if isinstance(marks, list) else marks
    return f' lang="{escape(lang)}"' if lang else ""


def _cell(value: Any) -> str:
    """A cell's text: empty for a missing value (never 'None' or 'nan'), else escaped."""
    import pandas as pd

    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return ""
    return escape(value)


def _shows_index(table: pd.DataFrame) -> bool:
    """Whether the index carries meaning: named, or not the default 0, 1, 2 ... row numbers."""
    import pandas as pd

    index = table.index
    if any(name is not None for name in index.names):
        return True
    return not (isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1)


def _spans(values: list[Any]) -> list[int]:
    """Per position, the rowspan of a run of equal values starting there (0 inside a run)."""
    spans = [0] * len(values)
    start = 0
    for i in range(1, len(values) + 1):
        if i == len(values) or values[i] != values[start]:
            spans[start] = i - start
            start = i
    return spans


def table_html(table: pd.DataFrame, caption: str | None = None) -> str:
    """`table` as one HTML `<table>`: `caption` (else the table's own), a header row with a
    `<th scope="col">` per column (the index names included), and per row its index values as
    `<th scope="row">` (outer levels of a MultiIndex span their rows). An unnamed meaningful
    index is headed ROW_HEADER; the default row numbers are left out."""
    caption = caption or caption_of(table)
    show_index = _shows_index(table)
    levels = table.index.nlevels if show_index else 0
    names = [name if name is not None else ROW_HEADER for name in table.index.names]
    headers = (names if show_index else []) + [str(c) for c in table.columns]
    lines = [f'<table class="{TABLE_CLASS}">']
    if caption:
        lines.append(f"<caption>{escape(caption)}</caption>")
    lines.append("<thead>")
    lines.append("<tr>" + "".join(f'<th scope="col">{escape(h) or escape(ROW_HEADER)}</th>'
                                  for h in headers) + "</tr>")
    lines.append("</thead>")
    lines.append("<tbody>")
    column_marks = [table.attrs.get(COLUMN_LANG_KEY, {}).get(c) for c in table.columns]
    quote_langs = [table.attrs.get(QUOTE_LANG_KEY, {}).get(c) for c in table.columns]
    keys = [k if isinstance(k, tuple) else (k,) for k in table.index] if show_index else []
    spans = [_spans([k[:level + 1] for k in keys]) for level in range(levels)]
    for row_number, row in enumerate(table.itertuples(index=False, name=None)):
        cells = []
        for level in range(levels):
            span = spans[level][row_number] if level < levels - 1 else 1
            if span == 0:
                continue
            rowspan = f' rowspan="{span}"' if span > 1 else ""
            cells.append(f'<th scope="row"{rowspan}>{_cell(keys[row_number][level])}</th>')
        cells += [f"<td{_lang_attribute(marks, row_number)}>"
                  f"{_with_quotations(value, quoted)}</td>"
                  for marks, quoted, value in zip(column_marks, quote_langs, row, strict=True)]
        lines.append("<tr>" + "".join(cells) + "</tr>")
    lines.append("</tbody>")
    lines.append("</table>")
    return "\n".join(lines) + "\n"


def use_in_ipython() -> None:
    """Make the running IPython shell (if any) show DataFrames with :func:`table_html`."""
    import pandas as pd
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, table_html)


class Details:
    """A table folded into `<details>` under a `<summary>` (a chart's data table)."""

    def __init__(self, table: pd.DataFrame, summary: str) -> None:
        self.table, self.summary = table, summary

    def _repr_html_(self) -> str:
        return (f"<details class=\"rapnb-data-table\">\n<summary>{escape(self.summary)}</summary>\n"
                f"{table_html(self.table)}</details>\n")

    def __repr__(self) -> str:
        return f"{self.summary}\n{self.table!r}"
