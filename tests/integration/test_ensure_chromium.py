"""scripts/ensure_chromium.sh, which `make test` runs before any test, on a PATH of stand-ins:
no Chromium, root or not, with or without apt-get."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "ensure_chromium.sh"
HELP = ("make test needs Chromium for the browser test: run `sudo apt-get install chromium` "
        "(Debian/Ubuntu; elsewhere put `chromium` on PATH) and retry\n")


def tool(bin_dir: Path, name: str, body: str) -> None:
    path = bin_dir / name
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)


def run(tmp_path: Path, uid: int, apt: str | None = None,
        chromium: bool = False) -> tuple[subprocess.CompletedProcess, str]:
    """The script with PATH = a folder holding only `id` (printing uid), maybe `apt-get` (which
    logs its arguments and runs `apt` as its body) and maybe `chromium`."""
    bin_dir, log = tmp_path / "bin", tmp_path / "apt.log"
    bin_dir.mkdir()
    tool(bin_dir, "id", f'echo {uid}')
    if apt is not None:
        tool(bin_dir, "apt-get", f'echo "$DEBIAN_FRONTEND $*" >> {log}\n{apt}')
    if chromium:
        tool(bin_dir, "chromium", "exit 0")
    done = subprocess.run(["/bin/sh", str(SCRIPT)], capture_output=True, text=True, timeout=30,
                          env={"PATH": str(bin_dir), "HOME": str(tmp_path)})
    return done, log.read_text(encoding="utf-8") if log.exists() else ""


def test_chromium_on_path_is_enough(tmp_path: Path) -> None:
    done, log = run(tmp_path, uid=0, apt="exit 0", chromium=True)
    assert (done.returncode, done.stdout, done.stderr, log) == (0, "", "", "")


def test_not_root_stops_with_one_line(tmp_path: Path) -> None:
    done, log = run(tmp_path, uid=1000, apt="exit 0")
    assert (done.returncode, done.stdout, done.stderr, log) == (2, "", HELP, "")


def test_no_apt_get_stops_with_one_line(tmp_path: Path) -> None:
    done, log = run(tmp_path, uid=0)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", HELP)


def test_root_with_apt_get_installs_it(tmp_path: Path) -> None:
    chromium = tmp_path / "bin" / "chromium"
    installs = (f'[ "$1" = install ] && printf "#!/bin/sh\\n" > {chromium} && '
                f"/bin/chmod +x {chromium}; exit 0")
    done, log = run(tmp_path, uid=0, apt=installs)
    assert done.returncode == 0, done.stderr
    assert log.splitlines() == ["noninteractive update -qq",
                                "noninteractive install -y -qq chromium"]
    assert done.stderr == "Chromium is missing: installing Debian's chromium package for the " \
                          "browser test\n"
    assert os.access(chromium, os.X_OK)


def test_failed_install_stops(tmp_path: Path) -> None:
    done, log = run(tmp_path, uid=0, apt='[ "$1" = install ] && exit 100; exit 0')
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == "apt-get could not install chromium (see above); " \
                                           + HELP.strip()
    assert len(log.splitlines()) == 2


def test_make_test_checks_chromium_before_anything_else() -> None:
    """`make -n test`: the check is the first command (before the venv and the tests)."""
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    done = subprocess.run(["make", "--no-print-directory", "-n", "test"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "sh scripts/ensure_chromium.sh"


# ------------------------------------------------- npm and Java for the page checkers

CHECKERS = ROOT / "scripts" / "ensure_page_checkers.sh"


def run_checkers(tmp_path: Path, uid: int, present: tuple[str, ...],
                 apt: str | None = None) -> tuple[subprocess.CompletedProcess, str]:
    bin_dir, log = tmp_path / "bin", tmp_path / "apt.log"
    bin_dir.mkdir()
    tool(bin_dir, "id", f"echo {uid}")
    for name in present:
        tool(bin_dir, name, "exit 0")
    if apt is not None:
        tool(bin_dir, "apt-get", f'echo "$*" >> {log}\n{apt}')
    done = subprocess.run(["/bin/sh", str(CHECKERS)], capture_output=True, text=True,
                          timeout=30, env={"PATH": str(bin_dir), "HOME": str(tmp_path)})
    return done, log.read_text(encoding="utf-8") if log.exists() else ""


def test_page_checkers_present_is_enough(tmp_path: Path) -> None:
    done, log = run_checkers(tmp_path, uid=0, present=("npm", "java"), apt="exit 0")
    assert (done.returncode, done.stderr, log) == (0, "", "")


def test_page_checkers_missing_and_not_root_stop_with_one_line(tmp_path: Path) -> None:
    done, log = run_checkers(tmp_path, uid=1000, present=("npm",), apt="exit 0")
    assert done.returncode == 2 and log == ""
    assert done.stderr == ("make test needs npm and Java for the page checkers (axe-core, the Nu"
                           " Html Checker): run `sudo apt-get install default-jre-headless`"
                           " (Debian/Ubuntu) and retry\n")


def test_page_checkers_missing_as_root_are_installed(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    install = f'[ "$1" = install ] && printf "#!/bin/sh\\nexit 0\\n" > {bin_dir}/java' \
              f' && /bin/chmod 755 {bin_dir}/java; exit 0'
    done, log = run_checkers(tmp_path, uid=0, present=("npm",), apt=install)
    assert done.returncode == 0, done.stderr
    assert log.splitlines() == ["update -qq", "install -y -qq default-jre-headless"]
