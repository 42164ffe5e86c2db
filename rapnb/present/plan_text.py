"""The plan's own texts in the language of a render: English as the datasets hold it, or the
project's curated, unofficial translation from `data/translations.csv` (one row per table,
row and field; a `text_<lang>` column per language, with its `source_<lang>`)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from rapnb.context import Context, Where, as_context
from rapnb.datasets import loaders
from rapnb.datasets.schema import ROW_KEY_SEPARATOR

if TYPE_CHECKING:
    import pandas as pd

SOURCE_LANGUAGE = "en"
TRANSLATIONS_FILE = "translations.csv"


def _index(ctx: Context) -> dict[tuple[str, str, str], str]:
    path = ctx.data_dir / TRANSLATIONS_FILE
    stat = path.stat()
    return _cached_index(str(ctx.data_dir), ctx.lang, stat.st_mtime_ns, stat.st_size,
                         stat.st_ino)


@functools.lru_cache(maxsize=8)
def _cached_index(data_dir: str, lang: str, *stamp: int) -> dict[tuple[str, str, str], str]:
    table = loaders.translations(data_dir)
    column = f"text_{lang}"
    if column not in table.columns:
        return {}
    return {(str(t), str(k), str(f)): str(v)
            for t, k, f, v in zip(table["table"], table["row_key"], table["field"],
                                  table[column], strict=True) if isinstance(v, str) and v}


def translated(ctx: Where, table: str, key: str, field: str, english: Any) -> Any:
    """`english` (a row's `field` in `table`, its primary key joined with '|') in the
    context's language; the English text where there is no translation."""
    ctx = as_context(ctx)
    if ctx.lang == SOURCE_LANGUAGE or not isinstance(english, str):
        return english
    return _index(ctx).get((table, key, field), english)


def localize(frame: pd.DataFrame, ctx: Context, table: str, key: list[str],
             fields: list[str]) -> pd.DataFrame:
    """A copy of `frame` (rows of `table`, primary key `key`) with `fields` in the context's
    language."""
    if ctx.lang == SOURCE_LANGUAGE or frame.empty:
        return frame.copy()
    out = frame.copy()
    index = _index(ctx)
    keys = [ROW_KEY_SEPARATOR.join(str(v) for v in row)
            for row in zip(*(frame[k] for k in key), strict=True)]
    for field in fields:
        out[field] = [index.get((table, k, field), v) if isinstance(v, str) else v
                      for k, v in zip(keys, frame[field], strict=True)]
    return out


def stock_notes(ctx: Where, stocks: pd.DataFrame) -> list[str]:
    """The `note` of each row of `stocks` (rows of the stocks table, their `geography` still
    the English one) in the context's language; '' where there is none."""
    notes = localize(stocks, as_context(ctx), "stocks", ["geography", "year"], ["note"])["note"]
    return [n if isinstance(n, str) else "" for n in notes]


def country_name(ctx: Where, iso3: object, english: str) -> str:
    """A country's name in the context's language: CLDR's, where CLDR's English name is the
    one the data uses (the plan's 'Bonaire' is not CLDR's 'Caribbean Netherlands', so it stays
    as the data writes it); else `english`."""
    ctx = as_context(ctx)
    if ctx.lang == SOURCE_LANGUAGE or not isinstance(iso3, str):
        return english
    from babel import Locale

    codes = _iso2(str(ctx.data_dir))
    iso2 = codes.get(iso3)
    if iso2 is None or _same(Locale.parse("en").territories.get(iso2, ""), english) is False:
        return english
    return Locale.parse(ctx.lang).territories.get(iso2, english)


@functools.lru_cache(maxsize=8)
def _iso2(data_dir: str) -> dict[str, str]:
    codes = loaders.country_codes(data_dir)
    return dict(zip(codes["iso3"].astype(str), codes["iso2"].astype(str), strict=True))


def _same(cldr: str, data: str) -> bool:
    """Whether CLDR's English name and the data's name the same place ('Trinidad & Tobago' and
    'Trinidad and Tobago', 'St. Vincent & Grenadines' and 'Saint Vincent and the Grenadines';
    not 'Caribbean Netherlands' and 'Bonaire')."""
    def norm(text: str) -> str:
        text = text.casefold().replace("&", "and").replace("st.", "saint")
        return " ".join(text.replace("u.s.", "united states").split())

    from difflib import SequenceMatcher

    a, b = norm(cldr), norm(data)
    return a.startswith(b) or b.startswith(a) or SequenceMatcher(None, a, b).ratio() >= 0.85
