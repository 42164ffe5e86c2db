"""The environment is the lock: every package requirements/lock.txt pins for this platform is
installed at that version, and the venv `make install` built holds nothing else (JupyterLab's
packages from requirements/lab.txt excepted)."""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.markers import Marker

ROOT = Path(__file__).resolve().parents[2]
LOCK, LAB_LOCK = ROOT / "requirements" / "lock.txt", ROOT / "requirements" / "lab.txt"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+?)\s*(?:;\s*(.*?))?\s*\\?$")
# Bounded in pyproject.toml: the renderer uses their private details, or their output is
# compared byte for byte.
BOUNDED = {"papermill": 3, "nbclient": 1, "jupyter-client": 9, "altair": 7, "vl-convert-python": 2}


def normalise(name: str) -> str:
    """PEP 503."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, str]:
    """name -> version for every line of a `uv pip compile` output whose marker holds here."""
    found: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match and (match[3] is None or Marker(match[3]).evaluate()):
            name = normalise(match[1])
            assert name not in found, f"{path.name} pins {name} twice for this platform"
            found[name] = match[2]
    return found


def installed() -> dict[str, str]:
    return {normalise(d.metadata["Name"]): d.version for d in metadata.distributions()}


def test_lock_pins_every_line_with_hashes() -> None:
    text = LOCK.read_text(encoding="utf-8")
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2].strip())
    assert len(entries) > 100
    for entry in entries:
        assert PIN.match(entry.splitlines()[0]), entry.splitlines()[0]
        assert "--hash=sha256:" in entry, entry.splitlines()[0]


def test_installed_versions_equal_the_lock() -> None:
    have = installed()
    locked = pins(LOCK)
    wrong = {name: (version, have.get(name, "not installed"))
             for name, version in locked.items() if have.get(name) != version}
    assert wrong == {}, "locked version, installed version; rebuild with `make install`"


def test_lab_lock_keeps_the_locks_versions() -> None:
    locked, lab = pins(LOCK), pins(LAB_LOCK)
    assert {name: lab.get(name) for name in locked} == locked
    assert "jupyterlab" in lab and "jupyterlab" not in locked


@pytest.mark.skipif(not (Path(sys.prefix) / ".locked").is_file(),
                    reason="only in the venv that `make install` built")
def test_the_venv_holds_only_locked_packages() -> None:
    allowed = {**pins(LAB_LOCK), **pins(LOCK)}
    extra = {name: version for name, version in installed().items()
             if name != "rapnb" and allowed.get(name) != version}
    assert extra == {}, "installed but not locked: `make clean install` rebuilds the venv"


def test_upper_bounds_stay_below_the_next_major() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = {normalise(re.split(r"[<>=!~ ]", dep, maxsplit=1)[0]): dep
             for dep in project["dependencies"]}
    locked = pins(LOCK)
    for name, major in BOUNDED.items():
        assert f",<{major}" in specs[name], specs[name]
        assert int(locked[name].split(".")[0]) < major <= int(locked[name].split(".")[0]) + 1


def test_environment_yml_installs_the_lock() -> None:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    deps = env["dependencies"]
    assert "python=3.11" in deps
    assert [d for d in deps if isinstance(d, dict)] == [{"pip": ["-r requirements/lock.txt"]}]
