"""Render only what changed: fingerprints in the manifest, skips that rewrite nothing, the
re-render of exactly the notebooks that read a changed file, --force, damaged outputs,
byte-identical notebooks across fresh renders, and a manifest kept current as files land."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from rapnb.build.jobs import Job, report_jobs
from rapnb.build.lock import LOCK_NAME
from rapnb.build.manifest import sha256_file
from rapnb.build.messages import WORKER_TMP_PREFIX
from rapnb.build.render import render

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHART = FIXTURES / "stub_chart.ipynb"


def stub(name: str, **params: Any) -> Job:
    return Job(name, CHART, {"sheet": name, **params}, f"sheets/{name}")


def mtimes(out: Path) -> dict[str, int]:
    """Every file's mtime, but the lock's (it records the pid of the render holding it)."""
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns
            for p in sorted(out.rglob("*")) if p.is_file() and p.name != LOCK_NAME}


def statuses(report: Any) -> dict[str, str]:
    return {r.name: r.status for r in report.results}


def rapnb_render(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "rapnb", "render", "--no-progress", *args],
                          capture_output=True, text=True, timeout=600, cwd=cwd)


# ------------------------------------------------------------------ stubs: skip and re-render


@pytest.fixture(scope="module")
def stub_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("incremental") / "out"
    report = render([stub("alpha"), stub("beta")], out, workers=2, progress=False)
    assert statuses(report) == {"tables": "ok", "alpha": "ok", "beta": "ok"}
    return out


def test_manifest_records_what_each_output_was_made_from(stub_out: Path) -> None:
    manifest = json.loads((stub_out / "manifest.json").read_text(encoding="utf-8"))
    alpha = manifest["notebooks"]["alpha"]
    assert alpha["inputs"]["notebook_sha256"] == sha256_file(CHART)
    assert alpha["inputs"]["parameters"] == {"sheet": "alpha"}
    assert len(alpha["inputs"]["code_sha256"]) == 64
    assert len(alpha["inputs"]["packages_sha256"]) == 64
    assert len(alpha["fingerprint"]) == 64 and alpha["fingerprint"] != manifest[
        "notebooks"]["beta"]["fingerprint"]
    tables = manifest["tables"]["inputs"]["reads"]
    data = Path(manifest["data_dir"])
    assert {r["file"]: r["sha256"] for r in tables}["funding.csv"] == sha256_file(
        data / "funding.csv")


def test_a_no_op_render_skips_everything_and_rewrites_nothing(stub_out: Path) -> None:
    before = mtimes(stub_out)
    report = render([stub("alpha"), stub("beta")], stub_out, workers=2, progress=False)
    assert statuses(report) == {"tables": "skipped", "alpha": "skipped", "beta": "skipped"}
    assert {r.reason for r in report.results} == {"unchanged"}
    assert mtimes(stub_out) == before
    assert not list(stub_out.glob(".rapnb-tmp-*"))


def test_changed_parameters_re_render_that_notebook_only(stub_out: Path) -> None:
    report = render([stub("alpha"), stub("beta", show_points=False)], stub_out, workers=2,
                    progress=False)
    assert statuses(report) == {"tables": "skipped", "alpha": "skipped", "beta": "ok"}
    assert report.results[2].reason == "parameters changed"
    assert not (stub_out / "sheets/beta/figures/stub_points.svg").exists()


def test_force_re_renders_everything(stub_out: Path) -> None:
    report = render([stub("alpha"), stub("beta", show_points=False)], stub_out, workers=2,
                    progress=False, force=True)
    assert statuses(report) == {"tables": "ok", "alpha": "ok", "beta": "ok"}
    assert {r.reason for r in report.results} == {"forced (--force)"}


def test_a_damaged_or_missing_output_is_re_rendered(stub_out: Path) -> None:
    html = stub_out / "sheets/alpha/alpha.html"
    good = html.read_bytes()
    html.write_bytes(good.replace(b"<body", b"<body data-x", 1))
    (stub_out / "hxl/funding.csv").unlink()
    report = render([stub("alpha"), stub("beta", show_points=False)], stub_out, workers=2,
                    progress=False)
    assert statuses(report) == {"tables": "ok", "alpha": "ok", "beta": "skipped"}
    reasons = {r.name: r.reason for r in report.results}
    assert reasons["alpha"] == "output changed or corrupted: sheets/alpha/alpha.html"
    assert reasons["tables"] == "output missing: hxl/funding.csv"
    assert html.read_bytes() == good and (stub_out / "hxl/funding.csv").is_file()


def test_the_summary_says_what_was_rendered_and_skipped(stub_out: Path) -> None:
    done = rapnb_render("--out", str(stub_out), "--overview", "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "regional_overview" in done.stdout and "not rendered before" in done.stdout
    again = rapnb_render("--out", str(stub_out), "--overview", "--lang", "en")
    assert again.returncode == 0, again.stderr
    lines = again.stdout.splitlines()
    assert any(line.split()[:3] == ["en/regional_overview", "skipped", "-"] for line in lines)
    assert "0 rendered, 2 skipped (unchanged), 0 FAILED" in again.stdout
    assert f"nothing to render: {stub_out} is up to date" in again.stdout


# ------------------------------------------------------------------ real sheets and their data


def _edit_first(path: Path, sheet: str, column: str, suffix: str) -> None:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    row = next(r for r in rows if r["sheet_id"] == sheet)
    row[column] += suffix
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def sheets_out(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("sheets")
    data = root / "data"
    shutil.copytree(Path(__file__).resolve().parents[2] / "data", data)
    jobs = report_jobs(["peru", "chile"], overview=False, data_dir=data, langs=["en"])
    for out in ("a", "b"):
        report = render(jobs, root / out, data_dir=data, workers=2, progress=False)
        assert report.exit_code == 0, [r.error for r in report.results]
    return {"root": root, "data": data, "a": root / "a", "b": root / "b"}


def test_two_fresh_renders_give_identical_notebooks(sheets_out: dict[str, Path]) -> None:
    for sheet in ("peru", "chile"):
        for suffix in ("ipynb", "html"):
            rel = f"en/sheets/{sheet}/{sheet}.{suffix}"
            assert (sheets_out["a"] / rel).read_bytes() == (sheets_out["b"] / rel).read_bytes()


def test_editing_one_sheets_rows_re_renders_that_sheet_only(sheets_out: dict[str, Path]) -> None:
    data, out = sheets_out["data"], sheets_out["a"]
    _edit_first(data / "government_response.csv", "peru", "measure", " (edited)")
    jobs = report_jobs(["peru", "chile"], overview=False, data_dir=data, langs=["en"])
    report = render(jobs, out, data_dir=data, workers=2, progress=False)
    assert statuses(report) == {"tables": "ok", "en/peru": "ok", "en/chile": "skipped"}
    reasons = {r.name: r.reason for r in report.results}
    assert reasons["en/peru"] == "data changed: government_response.csv (sheet_id=peru)"
    assert "(edited)" in (out / "en/sheets/peru/peru.html").read_text(encoding="utf-8")


def test_a_file_every_sheet_reads_re_renders_every_sheet(sheets_out: dict[str, Path]) -> None:
    data, out = sheets_out["data"], sheets_out["b"]
    _edit_first(data / "sheets.csv", "chile", "source_ref", " (edited)")
    jobs = report_jobs(["peru", "chile"], overview=False, data_dir=data, langs=["en"])
    report = render(jobs, out, data_dir=data, workers=2, progress=False)
    assert statuses(report) == {"tables": "ok", "en/peru": "ok", "en/chile": "ok"}
    reasons = {r.name: r.reason for r in report.results}
    assert "data changed: sheets.csv" in reasons["en/peru"].split("; ")


# ------------------------------------------------------------------ kill -9 mid-render


def test_a_killed_render_leaves_a_manifest_of_every_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code = ("import sys; from pathlib import Path; from rapnb.build.render import render; "
            "from rapnb.build.jobs import Job\n"
            f"chart = Path({str(CHART)!r})\n"
            "jobs = [Job('fast', chart, {'sheet': 'fast'}, 'sheets/fast'),"
            " Job('slow', chart, {'sheet': 'slow', 'pause_seconds': 60}, 'sheets/slow')]\n"
            f"render(jobs, Path({str(out)!r}), workers=2, progress=False)\n")
    proc = subprocess.Popen([sys.executable, "-c", code], start_new_session=False)
    deadline = time.monotonic() + 180
    while not (out / "sheets/fast/fast.html").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert (out / "sheets/fast/fast.html").exists()
    time.sleep(2)  # the tables task runs too
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    time.sleep(3)  # the workers get SIGTERM from Linux and clean up
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*")
               if p.is_file() and p.name not in {"manifest.json", LOCK_NAME}
               and not p.relative_to(out).as_posix().startswith(".rapnb-tmp-")}
    assert on_disk and on_disk <= set(manifest["files"])
    assert "sheets/fast/fast.html" in manifest["files"]
    stale = list(Path(tempfile.gettempdir()).glob(f"{WORKER_TMP_PREFIX}{proc.pid}-*"))
    assert stale == []
    again = render([Job("fast", CHART, {"sheet": "fast"}, "sheets/fast")], out, progress=False)
    assert statuses(again)["fast"] == "skipped", again.results
    assert not list(out.glob(".rapnb-tmp-*"))
