"""Atomic file writes: a reader sees the old file or the new one, never half of one.

Every writer of rapnb goes through this module. The new content is written to a temporary file
in the target's own directory (so the final step is a same-filesystem rename), flushed to disk,
then `os.replace`d onto the target. If the writer fails for any reason, including
KeyboardInterrupt, the temporary file is removed and the previous target is left untouched.

    >>> from rapnb.build.atomic import atomic_path
    >>> with atomic_path("outputs/report.xlsx") as tmp:   # doctest: +SKIP
    ...     workbook.save(tmp)

The new file gets the default permissions for new files (0o666 minus the umask). If `path` is a
symbolic link, the link itself is replaced by a regular file.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

PathLike = str | os.PathLike[str]


def temp_path_for(path: PathLike) -> Path:
    """A fresh temporary name beside `path`: `.{name}.tmp-{pid}-{random}` (hidden, same dir)."""
    target = Path(path)
    return target.with_name(f".{target.name}.tmp-{os.getpid()}-{secrets.token_hex(6)}")


@contextlib.contextmanager
def atomic_path(path: PathLike) -> Iterator[Path]:
    """Yield a temporary path to write; on success it is fsynced and moved onto `path`.

    Parent directories of `path` are created. The temporary file exists (empty) when the block
    starts, so the name is reserved; the block may overwrite or truncate it. On any exception
    (BaseException, so KeyboardInterrupt too) the temporary file is removed, `path` keeps its
    previous content, and the exception propagates.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path_for(target)
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        yield tmp
        _fsync_file(tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(target.parent)


def atomic_write_bytes(path: PathLike, data: bytes) -> Path:
    """Write `data` to `path` atomically; return `path` as a Path."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def atomic_write_text(path: PathLike, text: str, encoding: str = "utf-8") -> Path:
    """Write `text` to `path` atomically, encoded as given; newlines are written unchanged."""
    return atomic_write_bytes(path, text.encode(encoding))


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDWR)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    """Make the rename durable where the platform allows it (POSIX); best effort elsewhere."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
