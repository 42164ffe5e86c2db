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
    assert [j.name for j in everything] == [f"{lang}/{name}" for lang in ("en", "es")
                                            for name in (OVERVIEW, *SHEETS)]
    assert [j.folder for j in everything][:2] == [f"en/{OVERVIEW}", "en/sheets/argentina"]
    one, _, _ = cli.plan_jobs(parse([*out, "--sheet", "peru", "--sheet", "peru", "--lang",
                                     "es"]))
    assert [j.name for j in one] == ["es/peru"]
    assert one[0].parameters == {"sheet": "peru", "lang": "es"}
    both, _, _ = cli.plan_jobs(parse([*out, "--sheet", "peru", "--overview", "--lang", "en"]))
    assert [j.name for j in both] == [f"en/{OVERVIEW}", "en/peru"]
    alone, _, _ = cli.plan_jobs(parse([*out, "--overview", "--lang", "en"]))
    assert [j.name for j in alone] == [f"en/{OVERVIEW}"]
    assert alone[0].notebook == notebooks_dir() / "regional_overview.ipynb"
    assert one[0].notebook == notebooks_dir() / "country_sheet.ipynb"
    assert not (tmp_path / "out").exists()


def test_unknown_language_is_refused(tmp_path: Path, capsys) -> None:
    code = cli.main(["render", "--lang", "fr", "--out", str(tmp_path / "o")])
    assert code == 2
    assert capsys.readouterr().err == ("rapnb render: error: unknown language 'fr';"
                                       " languages: en, es\n")
    assert not (tmp_path / "o").exists()


def test_data_dir_is_passed_as_parameter(tmp_path: Path, data_copy: Path) -> None:
    jobs, _, data_dir = cli.plan_jobs(parse(["--out", str(tmp_path / "o"), "--data-dir",
                                             str(data_copy), "--sheet", "chile", "--overview"]))
    assert data_dir == data_copy.resolve()
    assert all(job.parameters["data_dir"] == str(data_copy.resolve()) for job in jobs)


def test_help_documents_selection_and_exit_status() -> None:
    text = cli.build_parser()._subparsers._group_actions[0].choices["render"].format_help()
    for needle in ("--sheet", "--overview", "--jobs", "--data-dir", "--wait", "Exit status",
                   "failed/", "manifest.json", "--no-pdf", "<sheet>/<sheet>.ipynb|.html",
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


def test_out_where_nothing_can_be_created(capsys) -> None:
    """/proc refuses new entries even to root, for whom os.access says yes."""
    out = Path("/proc/rapnb-test")
    code, _, err = run_main(["render", "--out", str(out)], capsys)
    assert_usage_error(code, err, out, f"--out {out} cannot be created in /proc:",
                       "No such file or directory")
    assert err.startswith("rapnb render: error: ")


def test_probing_out_leaves_nothing_behind(tmp_path: Path, capsys) -> None:
    out = tmp_path / "existing"
    out.mkdir()
    (out / "mine.txt").write_text("keep", encoding="utf-8")
    code, _, err = run_main(["render", "--out", str(out), "--sheet", "atlantis"], capsys)
    assert code == 2 and "unknown sheet 'atlantis'" in err
    assert sorted(p.name for p in out.iterdir()) == ["mine.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing"]


def _deleted_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    return gone


def test_relative_out_in_a_deleted_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys) -> None:
    gone = _deleted_cwd(tmp_path, monkeypatch)
    code, _, err = run_main(["render", "--out", "o"], capsys)
    assert code == 2
    assert err == ("rapnb render: error: --out o: the current directory no longer exists; give"
                   " --out as an absolute path\n")
    assert not gone.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("how", ["option", "environment"])
def test_relative_data_dir_in_a_deleted_directory(tmp_path: Path, how: str,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys) -> None:
    _deleted_cwd(tmp_path, monkeypatch)
    out = tmp_path / "out"
    argv = ["render", "--out", str(out)]
    if how == "option":
        argv += ["--data-dir", "mydata"]
    else:
        monkeypatch.setenv("RAPNB_DATA_DIR", "mydata")
    what = "--data-dir" if how == "option" else "$RAPNB_DATA_DIR"
    code, _, err = run_main(argv, capsys)
    assert_usage_error(code, err, out)
    assert err == (f"rapnb render: error: {what} mydata: the current directory no longer"
                   f" exists; give {what} as an absolute path\n")


def test_absolute_paths_work_in_a_deleted_directory(tmp_path: Path, data_copy: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    _deleted_cwd(tmp_path, monkeypatch)
    jobs, out, data_dir = cli.plan_jobs(parse(["--out", str(tmp_path / "o"), "--data-dir",
                                               str(data_copy), "--sheet", "peru"]))
    assert (out, data_dir) == (tmp_path / "o", data_copy)
    assert [j.parameters for j in jobs] == [{"sheet": "peru", "lang": lang,
                                             "data_dir": str(data_copy)} for lang in ("en", "es")]


def test_relative_data_dir_from_the_environment_is_made_absolute(
    tmp_path: Path, data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kernels run in another directory: they get the absolute path (issue 17, item 1)."""
    monkeypatch.chdir(data_copy.parent)
    monkeypatch.setenv("RAPNB_DATA_DIR", data_copy.name)
    jobs, _, data_dir = cli.plan_jobs(parse(["--out", str(tmp_path / "o"), "--sheet", "peru",
                                             "--overview"]))
    assert data_dir == data_copy.resolve() and data_dir.is_absolute()
    assert [j.parameters.get("data_dir") for j in jobs] == [str(data_copy.resolve())] * 4


def test_missing_data_dir_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RAPNB_DATA_DIR", "nowhere")
    out = tmp_path / "out"
    code, _, err = run_main(["render", "--out", str(out)], capsys)
    assert_usage_error(code, err, out)
    assert err == f"rapnb render: error: $RAPNB_DATA_DIR {tmp_path / 'nowhere'} does not exist\n"


def test_non_ascii_out_in_an_ascii_locale(tmp_path: Path) -> None:
    """LC_ALL=C without Python's UTF-8 mode: the path's bytes are not text in that locale."""
    out = os.fsencode(tmp_path) + "/ñandú".encode()
    env = dict(os.environ, LC_ALL="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0")
    done = subprocess.run([sys.executable, "-m", "rapnb", "render", "--out", out],
                          capture_output=True, timeout=60, env=env)
    assert done.returncode == 2
    shown = os.fsencode(tmp_path).decode() + "/\\xc3\\xb1and\\xc3\\xba"
    assert done.stderr.decode("ascii") == (
        f"rapnb render: error: --out {shown}: the path is not valid text in this locale's"
        " encoding (ascii); use a UTF-8 locale (e.g. LC_ALL=C.UTF-8, or PYTHONUTF8=1) or a path"
        " in ASCII\n")
    assert list(tmp_path.iterdir()) == []
