"""A data file must be a regular file of at most 50 MiB: a FIFO, a device, a directory or a
huge file gives one DataError naming it, at once, without blocking or filling the memory.

The cases that would hang (a FIFO) or eat the machine's memory (/dev/zero) if the check
regressed run in a child process with a timeout and a cap on its address space, so that a
regression fails the test instead of stalling the suite."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import rapnb
from rapnb.datasets.validate import MAX_FILE_BYTES, read_file_bytes
from rapnb.errors import DataError

MEMORY_CAP = 2 * 2**30  # bytes of address space for the child: /dev/zero read whole would pass it


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def load_in_child(data_dir: Path, table: str = "funding") -> str:
    """Load `table` from `data_dir` in a child process (30 s at most, 2 GiB of address space);
    return the DataError's message (the test fails if the load succeeds or raises another)."""
    code = textwrap.dedent(f"""
        import rapnb
        from rapnb.datasets.store import load_table
        try:
            load_table({table!r}, data_dir={str(data_dir)!r})
        except rapnb.DataError as exc:
            print(exc)
        else:
            print("LOADED")
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=30, preexec_fn=_cap_memory)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_limit_is_the_documented_50_mib() -> None:
    assert MAX_FILE_BYTES == 50 * 1024 * 1024
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "50 MiB" in readme


def test_symlink_to_dev_zero_is_refused_without_reading(data_copy: Path) -> None:
    funding = data_copy / "funding.csv"
    funding.unlink()
    funding.symlink_to("/dev/zero")
    message = load_in_child(data_copy)
    assert message == (f"{funding}: is a character device (a symbolic link to /dev/zero), not a"
                       " regular file; a data file must be a plain file")
    assert funding.is_symlink() and os.readlink(funding) == "/dev/zero"


def test_fifo_is_refused_without_blocking(data_copy: Path) -> None:
    funding = data_copy / "funding.csv"
    funding.unlink()
    os.mkfifo(funding)
    message = load_in_child(data_copy)  # a regression blocks on open: the timeout fails it
    assert message == (f"{funding}: is a named pipe (FIFO), not a regular file; a data file"
                       " must be a plain file")
    assert funding.is_fifo()


def test_directory_is_refused(data_copy: Path) -> None:
    funding = data_copy / "funding.csv"
    funding.unlink()
    funding.mkdir()
    (funding / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(DataError) as err:
        rapnb.funding(data_dir=data_copy)
    assert str(err.value) == (f"{funding}: is a directory, not a regular file; a data file must"
                              " be a plain file")
    assert err.value.path == str(funding)
    assert (funding / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_file_over_the_limit_is_refused_before_reading(data_copy: Path) -> None:
    funding = data_copy / "funding.csv"
    with funding.open("r+b") as handle:  # sparse: cheap to make, 50 MiB + 1 byte long
        handle.truncate(50 * 2**20 + 1)
    message = load_in_child(data_copy)
    assert message == (f"{funding}: file is too large (52,428,801 bytes; the limit is"
                       " 52,428,800 bytes = 50 MiB)")
    assert funding.stat().st_size == 50 * 2**20 + 1


def test_limit_boundary(tmp_path: Path) -> None:
    path = tmp_path / "ten.csv"
    path.write_bytes(b"0123456789")
    assert read_file_bytes(path, limit=10) == b"0123456789"
    with pytest.raises(DataError, match=r"ten\.csv: file is too large \(10 bytes; the limit is 9"):
        read_file_bytes(path, limit=9)


def test_dangling_symlink_is_reported_as_missing(data_copy: Path) -> None:
    offices = data_copy / "offices.csv"
    offices.unlink()
    offices.symlink_to("offices-2019.csv")
    with pytest.raises(DataError) as err:
        rapnb.offices(data_dir=data_copy)
    assert str(err.value) == (f"{offices}: file is missing (a symbolic link to offices-2019.csv,"
                              " which does not exist)")


def test_symlink_to_a_regular_file_is_followed(data_copy: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "funding-elsewhere.csv"
    (data_copy / "funding.csv").rename(elsewhere)
    (data_copy / "funding.csv").symlink_to(elsewhere)
    assert rapnb.funding(data_dir=data_copy)["amount_usd"].iloc[0] == 180_572
