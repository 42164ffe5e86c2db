"""The plan's texts that `translations.csv` translates, listed from the data itself.

Each is named by its table, its row key (the row's primary-key values joined with '|', in the
order the table declares them) and its field; empty cells are not listed. Plain Python: no
pandas."""

from __future__ import annotations

from typing import NamedTuple

from rapnb.datasets.schema import ROW_KEY_SEPARATOR, TABLES, TRANSLATED_FIELDS
from rapnb.datasets.store import DataDir, table_columns


class TranslatableText(NamedTuple):
    table: str
    row_key: str
    field: str
    text_en: str


def row_key(values: list[object]) -> str:
    """A row's key as `translations.csv` writes it: its primary-key values joined with '|'."""
    return ROW_KEY_SEPARATOR.join(str(value) for value in values)


def translatable_texts(data_dir: DataDir = None) -> list[TranslatableText]:
    """Every text to translate, in TRANSLATED_FIELDS' table order, then row order, then field
    order: the English text as the dataset holds it now."""
    texts: list[TranslatableText] = []
    for table, fields in TRANSLATED_FIELDS.items():
        columns = table_columns(table, data_dir)
        keys = [columns[name] for name in TABLES[table]["primaryKey"]]
        for i, values in enumerate(zip(*keys, strict=True)):
            key = row_key(list(values))
            for field in fields:
                text = columns[field][i]
                if text is not None and text != "":
                    texts.append(TranslatableText(table, key, field, text))
    return texts
