"""`rapnb render` arguments: every bad one stops before any kernel starts, with exit status 2,
one clear line on stderr and nothing written; a held lock gives exit status 3."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rapnb import cli
from rapnb.build.jobs import OVERVIEW, RenderReport
from rapnb.build.lock import LOCK_NAME, render_lock
from rapnb.paths import notebooks_dir

SHEETS = ["argentina", "brazil", "caribbean", "chile", "colombia", "costa_rica",
          "dominican_republic", "ecuador", "guyana", "mexico", "panama", "peru", "uruguay",
          "venezuela", "regional"]


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = cli.main(argv)
    except SystemExit as exc:  # argparse
        code = exc.code if isinstance(exc.code, int) else 1
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_usage_error(code: int, err: str, out_dir: Path, *needles: str) -> None:
    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    for needle in needles:
        assert needle in err, err
    assert not out_dir.exists(), "nothing may be written on an argument error"


def test_unknown_sheet_lists_the_valid_ids(tmp_path: Path, capsys) -> None:
    out = tmp_path / "out"
    code, _, err = run_main(["render", "--sheet", "colombia", "--sheet", "atlantis",
                             "--out", str(out)], capsys)
    assert_usage_error(code, err, out, "unknown sheet 'atlantis'", ", ".join(SHEETS))


@pytest.mark.parametrize("jobs", ["0", "-3", "two"])
def test_jobs_must_be_positive(tmp_path: Path, capsys, jobs: str) -> None:
    out = tmp_path / "out"
    code, _, err = run_main(["render", "--jobs", jobs, "--out", str(out)], capsys)
    assert_usage_error(code, err, out, "--jobs", "positive integer", repr(jobs))


def test_missing_data_dir(tmp_path: Path, capsys) -> None:
    out, missing = tmp_path / "out", tmp_path / "no-such-data"
    code, _, err = run_main(["render", "--data-dir", str(missing), "--out", str(out)], capsys)
    assert_usage_error(code, err, out, str(missing), "does not exist")


def test_malformed_data_dir_names_file_row_and_field(tmp_path: Path, data_copy: Path,
                                                     capsys) -> None:
    funding = data_copy / "funding.csv"
    lines = funding.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    column = header.index("amount_usd")
    cells = lines[3].rstrip("\n").split(",")
    cells[column] = "lots"
    lines[3] = ",".join(cells) + "\n"
    funding.write_text("".join(lines), encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = run_main(["render", "--data-dir", str(data_copy), "--out", str(out)], capsys)
    assert_usage_error(code, err, out, "funding.csv", "row 3", "amount_usd", "not valid")


def test_out_that_is_a_file(tmp_path: Path, capsys) -> None:
    out = tmp_path / "report.txt"
    out.write_text("keep me", encoding="utf-8")
    code, _, err = run_main(["render", "--out", str(out)], capsys)
    assert code == 2
    assert "is a file, not a directory" in err and len(err.strip().splitlines()) == 1
    assert out.read_text(encoding="utf-8") == "keep me"


def test_out_below_a_file(tmp_path: Path, capsys) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    code, _, err = run_main(["render", "--out", str(blocker / "out")], capsys)
    assert code == 2 and "cannot be created" in err


def parse(argv: list[str]):
    return cli.build_parser().parse_args(["render", *argv])


def test_selection_rules(tmp_path: Path) -> None:
    out = ["--out", str(tmp_path / "out")]
    everything, _, _ = cli.plan_jobs(parse(out))
    assert [j.name for j in everything] == [OVERVIEW, *SHEETS]
    assert [j.folder for j in everything][:2] == [OVERVIEW, "sheets/argentina"]
    one, _, _ = cli.plan_jobs(parse([*out, "--sheet", "peru", "--sheet", "peru"]))
    assert [j.name for j in one] == ["peru"] and one[0].parameters == {"sheet": "peru"}
    both, _, _ = cli.plan_jobs(parse([*out, "--sheet", "peru", "--overview"]))
    assert [j.name for j in both] == [OVERVIEW, "peru"]
    alone, _, _ = cli.plan_jobs(parse([*out, "--overview"]))
    assert [j.name for j in alone] == [OVERVIEW]
    assert alone[0].notebook == notebooks_dir() / "regional_overview.ipynb"
    assert one[0].notebook == notebooks_dir() / "country_sheet.ipynb"
    assert not (tmp_path / "out").exists()


def test_data_dir_is_passed_as_parameter(tmp_path: Path, data_copy: Path) -> None:
    jobs, _, data_dir = cli.plan_jobs(parse(["--out", str(tmp_path / "o"), "--data-dir",
                                             str(data_copy), "--sheet", "chile", "--overview"]))
    assert data_dir == data_copy.resolve()
    assert all(job.parameters["data_dir"] == str(data_copy.resolve()) for job in jobs)


def test_help_documents_selection_and_exit_status() -> None:
    text = cli.build_parser()._subparsers._group_actions[0].choices["render"].format_help()
    for needle in ("--sheet", "--overview", "--jobs", "--data-dir", "--wait", "Exit status",
                   "failed/", "manifest.json", "--no-pdf", "<sheet>.ipynb|.html|.pdf",
                   "regional_action_plan_2018.pdf"):
        assert needle in text


def test_no_pdf_reaches_the_renderer(tmp_path: Path, monkeypatch, capsys) -> None:
    import rapnb.build.render  # noqa: F401  (the module whose render() run_jobs calls)

    asked: list[bool] = []

    def fake_render(jobs: list, out: Path, **options: object) -> RenderReport:
        asked.append(bool(options["pdf"]))
        return RenderReport(Path(out), [])

    monkeypatch.setattr(sys.modules["rapnb.build.render"], "render", fake_render)
    out = ["--sheet", "peru", "--out", str(tmp_path / "o"), "--no-progress"]
    assert cli.main(["render", *out, "--no-pdf"]) == 0
    assert cli.main(["render", *out]) == 0
    assert asked == [False, True]


def test_console_entry_points(tmp_path: Path) -> None:
    """`python -m rapnb` works and reports an argument error like the console script."""
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "rapnb", "render", "--sheet", "nowhere",
                           "--out", str(out)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith("rapnb render: error: unknown sheet 'nowhere'")
    assert not out.exists()
    version = subprocess.run([sys.executable, "-m", "rapnb", "--version"], capture_output=True,
                             text=True, timeout=60)
    assert version.returncode == 0 and version.stdout.startswith("rapnb ")


def test_second_render_stops_at_once_with_status_3(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with render_lock(out):
        done = subprocess.run(
            [sys.executable, "-m", "rapnb", "render", "--sheet", "colombia", "--out", str(out)],
            capture_output=True, text=True, timeout=60,
        )
    assert done.returncode == 3, done.stderr
    expected = (f"rapnb render: another render is writing to {out} (pid {os.getpid()}); "
                "wait for it or use another --out")
    assert done.stderr.strip() == expected
    assert sorted(p.name for p in out.iterdir()) == [LOCK_NAME]
