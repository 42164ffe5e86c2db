"""The gettext catalogs: extract rapnb's interface messages, update each language's `.po`, and
check that every message is translated.

    python scripts/i18n.py extract        # rapnb/locale/rapnb.pot from the code and notebooks
    python scripts/i18n.py update         # merge it into every rapnb/locale/<lang>/.../rapnb.po
    python scripts/i18n.py init pt        # start a new language's catalog
    python scripts/i18n.py check          # exit 1 listing untranslated or fuzzy messages

Messages are the English texts of `_("...")`, `N_("...")` and `ngettext(...)` calls in rapnb,
and of `report.prose(ctx, "...")`, `report.optional(x, "...")` and `report.data_table(x,
"...")` calls in the notebooks' code cells (`make catalogs` runs
extract and update).
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract, extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "rapnb" / "locale"
TEMPLATE = LOCALE / "rapnb.pot"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "prose": (2,), "optional": (2,),
            "data_table": (2,)}
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def messages() -> Catalog:
    """Every interface message of the code and the notebooks, as a template catalog."""
    catalog = Catalog(project="rapnb", domain="rapnb", fuzzy=False)
    for _filename, _lineno, message, comments, context in extract_from_dir(
            ROOT / "rapnb", method_map=[("**.py", "python")], keywords=KEYWORDS,
            comment_tags=("i18n:",), strip_comment_tags=True):
        catalog.add(message, locations=[], auto_comments=comments, context=context)
    for notebook in NOTEBOOKS:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        source = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        for _lineno, message, comments, context in extract(
                "python", io.BytesIO(source.encode("utf-8")), keywords=KEYWORDS,
                comment_tags=("i18n:",), strip_comment_tags=True):
            catalog.add(message, locations=[], auto_comments=comments, context=context)
    return catalog


def _write(catalog: Catalog, path: Path) -> None:
    buffer = io.BytesIO()
    write_po(buffer, catalog, omit_header=False, sort_output=True, no_location=True,
             width=100, ignore_obsolete=True)
    text = buffer.getvalue().decode("utf-8")
    # The header's dates change on every run: keep the file byte-stable.
    lines = [ln for ln in text.splitlines(keepends=True)
             if not ln.startswith(('"POT-Creation-Date', '"PO-Revision-Date'))]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(lines), encoding="utf-8")


def catalog_paths() -> list[Path]:
    return sorted(LOCALE.glob("*/LC_MESSAGES/rapnb.po"))


def read(path: Path, lang: str) -> Catalog:
    with open(path, "rb") as handle:
        return read_po(handle, locale=lang, domain="rapnb")


def missing(path: Path) -> list[str]:
    """The messages of the template that `path` leaves untranslated or fuzzy."""
    lang = path.parent.parent.name
    catalog = read(path, lang)
    found = []
    for message in messages():
        if not message.id:
            continue
        entry = catalog.get(message.id, message.context)
        text = entry.string if entry is not None else None
        if entry is None or not text or entry.fuzzy or (
                isinstance(text, tuple) and not all(text)):
            found.append(message.id if isinstance(message.id, str) else message.id[0])
    return found


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "extract":
        _write(messages(), TEMPLATE)
        print(f"wrote {TEMPLATE}")
    elif command == "update":
        template = messages()
        for path in catalog_paths():
            catalog = read(path, path.parent.parent.name)
            catalog.update(template, no_fuzzy_matching=True)
            catalog.fuzzy = False
            _write(catalog, path)
            print(f"updated {path}")
    elif command == "init":
        lang = argv[1]
        catalog = Catalog(locale=lang, project="rapnb", domain="rapnb", fuzzy=False)
        catalog.update(messages(), no_fuzzy_matching=True)
        _write(catalog, LOCALE / lang / "LC_MESSAGES" / "rapnb.po")
    elif command == "check":
        problems = {path: missing(path) for path in catalog_paths()}
        for path, ids in problems.items():
            for message_id in ids:
                print(f"{path.relative_to(ROOT)}: not translated: {message_id!r}")
        return 1 if any(problems.values()) else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
