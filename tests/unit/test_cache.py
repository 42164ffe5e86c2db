"""The loaders' caches never serve stale data: a table is re-checked when its file or the file
of any table it references changes, even when the new file has the old size and mtime."""

from __future__ import annotations

import csv
import json
import os
import time
from pathlib import Path

import pytest

import rapnb
from rapnb.datasets import store, validate
from rapnb.datasets.boundaries import BOUNDARIES_FILE, boundaries
from rapnb.errors import DataError
from rapnb.paths import bundled_data_dir

CLOCK_TICK = 0.05  # s: more than a tick of the kernel's file-timestamp clock (1-10 ms)


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _rewrite_in_place(path: Path, old: bytes, new: bytes) -> None:
    """Replace `old` by `new` (same length) inside the file, then put its mtime back."""
    assert len(old) == len(new)
    before = path.stat()
    data = path.read_bytes()
    assert data.count(old) >= 1
    with path.open("r+b") as handle:
        handle.write(data.replace(old, new, 1))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


@pytest.fixture
def no_recent_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files count as old at once: the stamps alone (inode, ctime ...) must tell a change."""
    monkeypatch.setattr(validate, "RECENT_NS", 0)


def test_removing_a_referenced_office_is_noticed(data_copy: Path) -> None:
    assert len(rapnb.funding(data_dir=data_copy)) == 80
    offices = data_copy / "offices.csv"
    _write(offices, [r for r in _rows(offices) if r[0] != "peru"])
    funding = data_copy / "funding.csv"
    first_peru = next(i for i, r in enumerate(_rows(funding)) if r[0] == "peru")
    with pytest.raises(DataError) as err:
        rapnb.funding(data_dir=data_copy)
    assert str(err.value) == (f"{funding}, row {first_peru} (line {first_peru + 1}), field"
                              " 'office_id': 'peru' does not exist in offices.csv")


def test_a_table_referenced_through_another_is_noticed(data_copy: Path) -> None:
    """funding -> offices -> sheets: dropping a sheet breaks offices, hence funding."""
    assert len(rapnb.funding(data_dir=data_copy)) == 80
    sheets = data_copy / "sheets.csv"
    _write(sheets, [r for r in _rows(sheets) if r[0] != "peru"])
    offices = data_copy / "offices.csv"
    rows = _rows(offices)
    row = next(i for i, r in enumerate(rows) if r[rows[0].index("sheet_id")] == "peru")
    with pytest.raises(DataError) as err:
        rapnb.funding(data_dir=data_copy)
    assert str(err.value) == (f"{offices}, row {row} (line {row + 1}), field 'sheet_id':"
                              " 'peru' does not exist in sheets.csv")


def test_same_size_and_mtime_just_after_a_load(data_copy: Path) -> None:
    funding = data_copy / "funding.csv"
    assert rapnb.funding(data_dir=data_copy)["amount_usd"].iloc[0] == 180_572
    _rewrite_in_place(funding, b",180572,", b",180573,")
    assert rapnb.funding(data_dir=data_copy)["amount_usd"].iloc[0] == 180_573


def test_same_size_and_mtime_rewritten_in_place(data_copy: Path, no_recent_digest) -> None:
    funding = data_copy / "funding.csv"
    assert rapnb.funding(data_dir=data_copy)["amount_usd"].iloc[0] == 180_572
    time.sleep(CLOCK_TICK)
    _rewrite_in_place(funding, b",180572,", b",180573,")
    assert rapnb.funding(data_dir=data_copy)["amount_usd"].iloc[0] == 180_573


def test_same_size_and_mtime_replaced_by_rename(data_copy: Path, no_recent_digest) -> None:
    funding = data_copy / "funding.csv"
    assert rapnb.funding(data_dir=data_copy)["amount_usd"].iloc[0] == 180_572
    before = funding.stat()
    new = data_copy / "funding.csv.new"
    new.write_bytes(funding.read_bytes().replace(b",180572,", b",180573,", 1))
    os.utime(new, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(new, funding)
    assert (funding.stat().st_size, funding.stat().st_mtime_ns) == (before.st_size,
                                                                    before.st_mtime_ns)
    assert rapnb.funding(data_dir=data_copy)["amount_usd"].iloc[0] == 180_573


def test_unchanged_files_come_from_the_cache(data_copy: Path, no_recent_digest,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    rapnb.funding(data_dir=data_copy)
    reads: list[Path] = []
    real = store.read_rows

    def counting(path: Path, names: list[str]) -> validate.CsvRows:
        reads.append(path)
        return real(path, names)

    monkeypatch.setattr(store, "read_rows", counting)
    hits = store._load.cache_info().hits
    rapnb.funding(data_dir=data_copy)
    assert reads == [] and store._load.cache_info().hits == hits + 1


def test_boundaries_same_size_and_mtime(tmp_path: Path) -> None:
    from rapnb.present.maps.geometry import boundaries_key

    source = json.loads((bundled_data_dir() / BOUNDARIES_FILE).read_text(encoding="utf-8"))
    source["features"] = [f for f in source["features"] if f["properties"]["iso3"] == "ABW"]
    path = tmp_path / BOUNDARIES_FILE
    path.write_text(json.dumps(source), encoding="utf-8")
    assert list(boundaries(tmp_path)["name"]) == ["Aruba"]
    key = boundaries_key(tmp_path)
    _rewrite_in_place(path, b'"Aruba"', b'"Arubb"')
    assert list(boundaries(tmp_path)["name"]) == ["Arubb"]
    assert boundaries_key(tmp_path) != key


def test_reads_are_recorded_whatever_the_cache_holds(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A table read from a warm cache records the same files as a first read: itself and the
    tables its foreign keys reference (what a kernel forked from a warm process relies on)."""
    from rapnb.datasets import reads

    store.load_table("offices")  # the cache is warm before the log is set
    log = tmp_path / "reads.jsonl"
    monkeypatch.setenv(reads.READS_LOG_ENV, str(log))
    monkeypatch.setattr(reads, "_seen", set())
    store.load_table("offices")
    names = {Path(r["path"]).name for r in reads.read_log(log)}  # type: ignore[arg-type]
    assert names == {"offices.csv", "sheets.csv"}
