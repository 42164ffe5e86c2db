"""The FIFO through which workers wake the render process (rapnb.build.wakeup)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from rapnb.build.wakeup import Wakeup, wake


def test_a_wait_with_no_writer_lasts_its_timeout(tmp_path: Path) -> None:
    wakeup = Wakeup(tmp_path / "fifo")
    try:
        start = time.monotonic()
        assert wakeup.wait(0.2) is False
        assert time.monotonic() - start >= 0.19
    finally:
        wakeup.close()


def test_another_process_wakes_a_wait_at_once_and_each_wake_is_read_once(
        tmp_path: Path) -> None:
    wakeup = Wakeup(tmp_path / "fifo")
    try:
        code = ("import sys; from rapnb.build.wakeup import wake;"
                " wake(sys.argv[1]); wake(sys.argv[1])")
        subprocess.run([sys.executable, "-c", code, str(wakeup.path)], check=True, timeout=60)
        start = time.monotonic()
        assert wakeup.wait(30) is True
        assert time.monotonic() - start < 1
        assert wakeup.wait(0.1) is False  # both bytes were read by the first wait
    finally:
        wakeup.close()
    assert not (tmp_path / "fifo").exists()


def test_waking_no_fifo_or_a_gone_one_is_no_error(tmp_path: Path) -> None:
    wake("")
    wake(str(tmp_path / "missing"))
    wakeup = Wakeup(tmp_path / "fifo")
    wakeup.close()
    wake(str(tmp_path / "fifo"))  # removed: nothing to wake
    assert list(tmp_path.iterdir()) == []


def test_where_no_fifo_can_be_made_a_wait_still_lasts_its_timeout(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(path: object, mode: int = 0o666) -> None:
        raise PermissionError(1, "Operation not permitted", str(path))

    monkeypatch.setattr("rapnb.build.wakeup.os.mkfifo", refuse)
    wakeup = Wakeup(tmp_path / "fifo")
    start = time.monotonic()
    assert wakeup.wait(0.2) is False
    assert time.monotonic() - start >= 0.19
    wake(str(wakeup.path))  # nothing there: no error
    wakeup.close()
    assert list(tmp_path.iterdir()) == []
