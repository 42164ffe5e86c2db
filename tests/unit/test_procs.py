"""`rapnb.build.procs.wait_polling`: `Popen.wait` for processes whose status is polled (a
worker or a kernel forked by a zygote)."""

from __future__ import annotations

import subprocess
import time

import pytest

from rapnb.build.procs import wait_polling


def test_the_status_is_returned_once_poll_gives_one() -> None:
    answers = iter([None, None, 0, 1])
    assert wait_polling(lambda: next(answers), None, 0.001, "worker 7") == 0
    assert next(answers) == 1  # polled three times, no more


def test_a_process_still_running_after_the_timeout_raises_naming_it() -> None:
    started = time.monotonic()
    with pytest.raises(subprocess.TimeoutExpired, match="kernel 42"):
        wait_polling(lambda: None, 0.05, 0.01, "kernel 42")
    assert 0.05 <= time.monotonic() - started < 2.0
    assert wait_polling(lambda: -9, 0.0, 0.01, "worker 8") == -9  # ended: no timeout
