"""The book step on a folder of small executed notebooks: made only when every part has a good
notebook from this data, its manifest entry, and a failure that keeps the previous book."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell, new_notebook
from pdf_inspect import outline_titles

import rapnb
from rapnb.build.book import book_notebooks, make_book

DATA = "d" * 64


@pytest.fixture
def folder(tmp_path: Path) -> tuple[Path, dict[str, dict[str, Any]]]:
    """An output folder with every part's notebook, and the manifest entries naming them."""
    out = tmp_path / "out"
    entries = {}
    for name, rel in book_notebooks(rapnb.sheets()):
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        short = name.removeprefix("en/")
        title = ("Regional Action Plan (IOM, 2018): regional overview"
                 if short == "regional_overview" else f"{short.title()}: country sheet")
        nbformat.write(new_notebook(cells=[new_markdown_cell(f"# {title}\n\nText of {short}.")]),
                       out / rel)
        entries[name] = {"files": [rel], "rendered_from": {"data_sha256": DATA}}
    (tmp_path / "work").mkdir()
    return out, entries


def test_the_book_is_made_from_the_installed_notebooks(folder) -> None:
    out, entries = folder
    made = make_book(out, out.parent / "work", rapnb.sheets(), entries,
                     {"data_sha256": DATA}, {})
    assert not isinstance(made, list)
    result, entry = made
    assert result.ok and entry["files"] == ["en/regional_action_plan_2018.pdf"]
    assert result.name == "en/book"
    book = out / "en/regional_action_plan_2018.pdf"
    sheets = [t for depth, t in outline_titles(book) if depth == 1 and "sheet" in t]
    assert sheets == [f"{s.title()}: country sheet" for s in rapnb.sheets()]
    assert entry["sources"] == {
        rel: hashlib.sha256((out / rel).read_bytes()).hexdigest()
        for _, rel in book_notebooks(rapnb.sheets())}
    assert entry["rendered_from"] == {"data_sha256": DATA}


def test_no_book_without_every_part_from_this_data(folder) -> None:
    out, entries = folder
    entries["en/peru"] = {**entries["en/peru"], "rendered_from": {"data_sha256": "other"}}
    del entries["en/chile"]
    (out / "en/sheets/uruguay/uruguay.ipynb").unlink()
    made = make_book(out, out.parent / "work", rapnb.sheets(), entries,
                     {"data_sha256": DATA}, {})
    assert made == ["en/chile", "en/peru", "en/uruguay"]
    assert not (out / "en/regional_action_plan_2018.pdf").exists()


def test_a_failure_keeps_the_previous_book(folder) -> None:
    out, entries = folder
    (out / "en/regional_action_plan_2018.pdf").write_bytes(b"%PDF the previous book")
    (out / "en/sheets/brazil/brazil.ipynb").write_text("{not json", encoding="utf-8")
    before = {"files": ["en/regional_action_plan_2018.pdf"], "sources": {"x": "y"},
              "status": "ok", "seconds": 1.0}
    made = make_book(out, out.parent / "work", rapnb.sheets(), entries,
                     {"data_sha256": DATA}, before)
    assert not isinstance(made, list)
    result, entry = made
    assert not result.ok and result.error and "JSONDecodeError" in result.error
    assert entry["status"] == "failed" and entry["files"] == before["files"]
    assert entry["sources"] == {"x": "y"}
    assert (out / "en/regional_action_plan_2018.pdf").read_bytes() == b"%PDF the previous book"


def test_parts_found_unchanged_by_this_render_are_current(folder) -> None:
    """After one sheet's data changed, the other parts were made from the earlier data but
    their fingerprints are unchanged (this render skipped them): the book is made again."""
    out, entries = folder
    for name in entries:
        if name != "en/peru":
            entries[name] = {**entries[name], "rendered_from": {"data_sha256": "earlier"}}
    current = frozenset(entries) - {"en/chile"}
    made = make_book(out, out.parent / "work", rapnb.sheets(), entries,
                     {"data_sha256": DATA}, {}, current=current)
    assert made == ["en/chile"]  # made from other data and not checked by this render
    made = make_book(out, out.parent / "work", rapnb.sheets(), entries,
                     {"data_sha256": DATA}, {}, current=current | {"en/chile"})
    assert not isinstance(made, list) and made[0].ok
    assert (out / "en/regional_action_plan_2018.pdf").is_file()


def test_a_rehearsal_typesets_from_the_folder_and_writes_nothing(folder) -> None:
    from rapnb.build.book import PreparedParts, rehearse

    out, entries = folder
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    parts = PreparedParts()
    assert rehearse(out, rapnb.sheets(), "en", parts, DATA)
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    peru = (out / "en/sheets/peru/peru.ipynb").read_bytes()
    assert "".join(parts.get(peru)[0]["cells"][0]["source"]).endswith("Text of peru.")
    (out / "en/sheets/peru/peru.ipynb").unlink()
    assert not rehearse(out, rapnb.sheets(), "en", parts, DATA)  # a part is missing: no rehearsal


def test_one_missing_sheet_can_be_stood_in_for_and_the_book_is_the_same(folder) -> None:
    """A rehearsal with a stand-in (another sheet's notebook) for the one sheet still to come
    writes nothing, and the book made once that sheet is in has the bytes of one made without
    any rehearsal. Two parts missing, or the overview, and there is no rehearsal."""
    from rapnb.build.book import PreparedParts, rehearse

    out, entries = folder
    work, book = out.parent / "work", out / "en/regional_action_plan_2018.pdf"
    assert not isinstance(make_book(out, work, rapnb.sheets(), entries, {"data_sha256": DATA},
                                    {}), list)
    expected = book.read_bytes()
    book.unlink()
    peru, chile = out / "en/sheets/peru/peru.ipynb", out / "en/sheets/chile/chile.ipynb"
    overview = out / "en/regional_overview/regional_overview.ipynb"
    kept = {path: path.read_bytes() for path in (peru, chile, overview)}
    parts = PreparedParts()
    peru.unlink()
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    assert rehearse(out, rapnb.sheets(), "en", parts, DATA, stand_in=True)
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert not rehearse(out, rapnb.sheets(), "en", parts, DATA)  # no stand-in unless asked
    chile.unlink()
    assert not rehearse(out, rapnb.sheets(), "en", parts, DATA, stand_in=True)
    chile.write_bytes(kept[chile])
    peru.write_bytes(kept[peru])
    overview.unlink()
    assert not rehearse(out, rapnb.sheets(), "en", parts, DATA, stand_in=True)
    overview.write_bytes(kept[overview])
    made = make_book(out, work, rapnb.sheets(), entries, {"data_sha256": DATA}, {},
                     prepared=parts)
    assert not isinstance(made, list) and made[0].ok
    assert book.read_bytes() == expected


def test_a_rehearsal_reads_a_staged_part_where_its_final_bytes_are(folder) -> None:
    """A notebook held back for its PNGs is staged, not yet in the folder: a rehearsal reads
    it from where `final` says, or from the folder once it has been moved there."""
    from rapnb.build.book import PreparedParts, rehearse

    out, _ = folder
    staged = out.parent / "staged" / "en/sheets/peru/peru.ipynb"
    staged.parent.mkdir(parents=True)
    (out / "en/sheets/peru/peru.ipynb").replace(staged)
    final = {"en/sheets/peru/peru.ipynb": staged}
    parts = PreparedParts()
    assert not rehearse(out, rapnb.sheets(), "en", parts, DATA)  # peru is in neither place
    assert rehearse(out, rapnb.sheets(), "en", parts, DATA, final=final)
    assert "".join(parts.get(staged.read_bytes())[0]["cells"][0]["source"]).endswith(
        "Text of peru.")
    staged.replace(out / "en/sheets/peru/peru.ipynb")  # installed meanwhile
    assert rehearse(out, rapnb.sheets(), "en", parts, DATA, final=final)
