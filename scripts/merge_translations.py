"""Merge translations given as JSON ({english message: translation}) into a catalog:

    python scripts/merge_translations.py es messages.json [more.json ...]

A message the catalog does not have is reported and left out; an existing translation is
replaced. Then `make catalogs` keeps the catalog in the template's order."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    lang, files = argv[0], argv[1:]
    path = ROOT / "rapnb" / "locale" / lang / "LC_MESSAGES" / "rapnb.po"
    with open(path, "rb") as handle:
        catalog = read_po(handle, locale=lang, domain="rapnb")
    unknown = 0
    for name in files:
        for message_id, text in json.loads(Path(name).read_text(encoding="utf-8")).items():
            entry = catalog.get(message_id)
            if entry is None:
                unknown += 1
                print(f"{name}: not in the catalog: {message_id[:70]!r}")
                continue
            entry.string = text
            entry.flags.discard("fuzzy")
    buffer = io.BytesIO()
    write_po(buffer, catalog, sort_output=True, no_location=True, width=100,
             ignore_obsolete=True)
    path.write_bytes(buffer.getvalue())
    print(f"merged {len(files)} file(s) into {path}; {unknown} unknown message(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
