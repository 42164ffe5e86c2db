"""rapnb replaces only what it wrote itself (its manifest says so): a folder of the user's own
files with rapnb's names, a `sheets` that is a file, and a full disk each give one line, the
documented exit status, and lose nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rapnb.build.lock import LOCK_NAME

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHART = FIXTURES / "stub_chart.ipynb"


def run_stub(out: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    """`rapnb.cli.run_jobs` of one stub notebook in a child process."""
    code = ("import sys; from pathlib import Path; from rapnb.cli import run_jobs; "
            "from rapnb.build.jobs import Job\n"
            f"job = Job('alpha', Path({str(CHART)!r}), {{'sheet': 'alpha'}}, 'sheets/alpha')\n"
            f"sys.exit(run_jobs([job], Path({str(out)!r}), progress=False,"
            f" overwrite={'--overwrite' in flags!r}))\n")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300)


def user_files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != LOCK_NAME}


@pytest.mark.parametrize("name", ["manifest.json", "rap_tables.xlsx", "hxl/notes.csv",
                                  "sheets/alpha/alpha.html", "failed/alpha.ipynb"])
def test_a_users_file_with_rapnbs_name_is_never_replaced(tmp_path: Path, name: str) -> None:
    out = tmp_path / "mine"
    (out / name).parent.mkdir(parents=True, exist_ok=True)
    (out / name).write_text("my own file\n", encoding="utf-8")
    (out / "holiday.jpg").write_bytes(b"\xff\xd8 not rapnb's")
    before = user_files(out)
    done = run_stub(out)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"rapnb render: error: --out {out} holds files"
                                                   f" rapnb did not write and would replace:")
    assert name in lines[0] and "--overwrite" in lines[0]
    assert user_files(out) == before
    assert not list(out.glob(".rapnb-tmp-*"))


def test_sheets_that_is_a_file_stops_before_anything_is_written(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "sheets").write_text("not a folder\n", encoding="utf-8")
    done = run_stub(out)
    assert done.returncode == 2
    assert done.stderr.strip().endswith("replace: sheets; render into another --out, or add"
                                        " --overwrite to replace them")
    assert "Traceback" not in done.stderr
    assert user_files(out) == {"sheets": b"not a folder\n"}


def test_overwrite_replaces_them_and_keeps_other_files(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "rap_tables.xlsx").write_text("my own workbook\n", encoding="utf-8")
    (out / "holiday.jpg").write_bytes(b"\xff\xd8")
    done = run_stub(out, "--overwrite")
    assert done.returncode == 0, done.stderr
    assert (out / "rap_tables.xlsx").read_bytes()[:2] == b"PK"  # rapnb's workbook now
    assert (out / "holiday.jpg").read_bytes() == b"\xff\xd8"
    listed = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert "rap_tables.xlsx" in listed and "holiday.jpg" not in listed
    assert run_stub(out).returncode == 0  # now rapnb's own: no flag needed


def test_a_full_disk_gives_one_line_and_keeps_what_was_installed(tmp_path: Path) -> None:
    """A 400 KiB tmpfs: the tables fit, the notebook's outputs do not."""
    mount = tmp_path / "small"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(mount)],
                   check=True, capture_output=True)
    try:
        out = mount / "out"
        done = run_stub(out)
        assert done.returncode == 1, (done.stdout, done.stderr)
        assert "Traceback" not in done.stderr
        errors = [line for line in done.stderr.splitlines() if "No space left" in line]
        assert errors, done.stderr
        assert "nothing is half-written" in done.stderr or "FAILED" in done.stdout
        listed = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"] if (
            out / "manifest.json").is_file() else {}
        on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*")
                   if p.is_file() and p.name not in {"manifest.json", LOCK_NAME}}
        assert on_disk <= set(listed)  # every installed file is in the manifest
        assert not list(out.glob(".rapnb-tmp-*"))
        assert not [p for p in out.rglob("*") if ".tmp-" in p.name]  # nothing half-written
    finally:
        subprocess.run(["umount", str(mount)], check=True, capture_output=True)
