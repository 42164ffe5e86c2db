"""List the plan's texts to translate, as CSV rows in the layout of data/translations.csv.

    python scripts/translations_template.py                     table,row_key,field,text_en
    python scripts/translations_template.py --lang pt           + text_pt,source_pt (empty)
    python scripts/translations_template.py --lang es --missing only rows with no current Spanish

With --lang, a row whose translation in translations.csv was made from the same English text
keeps it; a row that is new, or whose English text has changed since, gets empty columns
(--missing lists only those). Starting a language: add the two columns to translations.csv
with these rows' values filled in.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from rapnb.context import as_context
from rapnb.datasets.translatable import translatable_texts

ID = ("table", "row_key", "field")


def _existing(path: Path, lang: str) -> dict[tuple[str, str, str], dict[str, str]]:
    """The rows of translations.csv that hold language `lang`, by (table, row_key, field)."""
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if f"text_{lang}" not in (reader.fieldnames or []):
            return {}
        return {(r["table"], r["row_key"], r["field"]): r for r in reader}


def template(data_dir: str | None, lang: str | None, missing: bool) -> list[list[str]]:
    """The header and rows to write."""
    folder = as_context(data_dir).data_dir
    header = [*ID, "text_en"]
    if lang is None:
        return [header, *([*t] for t in translatable_texts(folder))]
    done = _existing(folder / "translations.csv", lang)
    rows = [[*header, f"text_{lang}", f"source_{lang}"]]
    for text in translatable_texts(folder):
        old = done.get((text.table, text.row_key, text.field))
        current = old is not None and old["text_en"] == text.text_en and old[f"text_{lang}"]
        if current and not missing:
            rows.append([*text, old[f"text_{lang}"], old[f"source_{lang}"]])
        elif not current:
            rows.append([*text, "", ""])
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", help="language code of the columns to add (es, pt, ...)")
    parser.add_argument("--missing", action="store_true",
                        help="only the rows with no current translation (needs --lang)")
    parser.add_argument("--data-dir", help="data directory (default: $RAPNB_DATA_DIR, else data/)")
    args = parser.parse_args(argv)
    if args.missing and not args.lang:
        parser.error("--missing needs --lang")
    if args.lang is not None and (not args.lang.isascii() or not args.lang.isalpha()
                                  or args.lang == "en"):
        parser.error(f"--lang {args.lang!r}: give a language code other than en, e.g. pt")
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerows(template(args.data_dir, args.lang, args.missing))
    return 0


if __name__ == "__main__":
    sys.exit(main())
