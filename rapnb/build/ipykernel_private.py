"""The private ipykernel details rapnb relies on, in one place (guarded by
tests/unit/test_private_apis.py, which names what changed):

- ``OutStream.flush``, a kernel's ``sys.stdout`` and ``sys.stderr``: ipykernel flushes both
  several times a cell (before a display, before the result, before the reply), and each flush
  is a round trip to the kernel's IOPub thread (two wake-ups of it, and a wait for the second)
  even when nothing was written. That is about 3 ms of CPU a cell, most of a trivial cell's
  cost: 1 s or so of a render's 400 cells. :func:`skip_empty_flushes` makes a flush with
  nothing to send return at once; one with text to send does what it did.
  ``UPSTREAM_FLUSH_SHA256`` is the sha256 of the upstream source it wraps, so an upstream
  change is looked at again.
- the stream's ``_buffers`` (the text written and not yet sent, by parent message) and
  ``_buffer_lock``, read under that lock as ``OutStream._rotate_buffers`` reads them
  (``UPSTREAM_ROTATE_BUFFERS_SHA256``), and its ``echo`` (a copy of the output to another
  stream, which an empty flush still flushes: then nothing is skipped).

The order of a cell's outputs stays as it was: a flush with text in it still sends the text
before what follows (a display, the result), every IOPub message is sent by the one IOPub
thread in the order it was handed over, and a client takes a cell's outputs until the kernel's
idle status, which comes after them. Render kernels forked by `rapnb.build.kernel_zygote` get
this (the zygote applies it before forking); a kernel launched as a new ``python`` does not.
"""

from __future__ import annotations

import functools
from typing import Any

UPSTREAM_FLUSH = "ipykernel.iostream.OutStream.flush"
UPSTREAM_FLUSH_SHA256 = (
    "a98ae207fca22e14c455182f8421659dc35576e7f32895f0918919db4f8921af"  # ipykernel 7.4.0
)
UPSTREAM_ROTATE_BUFFERS = "ipykernel.iostream.OutStream._rotate_buffers"
UPSTREAM_ROTATE_BUFFERS_SHA256 = (
    "8b988b2b4854dbf615b3a11de7483c6bb3c02a2823418955086a8da235a74d3b"  # ipykernel 7.4.0
)
USED = {
    "ipykernel.iostream.OutStream.flush": "(self)",
    "ipykernel.iostream.OutStream._rotate_buffers": "(self)",
}
"""Each function used (or whose use of the stream's buffers is repeated), with the signature
it had when this module was written."""

_MARK = "_rapnb_skips_empty_flushes"


def has_text_to_send(stream: Any) -> bool:
    """Whether `stream` (an ``OutStream``) holds text not sent yet, or echoes to a stream that
    a flush flushes too (its buffers are read as ``_rotate_buffers`` reads them)."""
    if stream.echo is not None:
        return True
    with stream._buffer_lock:
        return any(buffer.tell() for buffer in stream._buffers.values())


def skip_empty_flushes() -> None:
    """Make ``OutStream.flush`` return at once when there is nothing to send (once per
    process; what it does otherwise is unchanged)."""
    from ipykernel.iostream import OutStream

    flush = OutStream.flush
    if getattr(flush, _MARK, False):
        return

    @functools.wraps(flush)
    def flush_if_written(self: Any) -> None:
        if has_text_to_send(self):
            flush(self)

    setattr(flush_if_written, _MARK, True)
    OutStream.flush = flush_if_written  # type: ignore[method-assign]
