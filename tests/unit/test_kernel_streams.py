"""A render kernel's output streams skip the flushes that have nothing to send
(`rapnb.build.ipykernel_private`), on a real ipykernel stream and IOPub thread."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import zmq

from rapnb.build import ipykernel_private


@pytest.fixture
def stream(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, list[Any], Any]]:
    """An ipykernel stdout on its own IOPub thread, what it hands that thread, and a socket
    that receives what it publishes; ``OutStream.flush`` is restored afterwards."""
    from ipykernel.iostream import IOPubThread, OutStream
    from jupyter_client.session import Session

    monkeypatch.setattr(OutStream, "flush", OutStream.flush)  # put back at the end
    context = zmq.Context()
    pub, sub = context.socket(zmq.PUB), context.socket(zmq.SUB)
    pub.bind("inproc://rapnb-streams")
    sub.connect("inproc://rapnb-streams")
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    thread = IOPubThread(pub)
    thread.start()
    handed: list[Any] = []
    schedule = thread.schedule
    monkeypatch.setattr(thread, "schedule", lambda f: (handed.append(f), schedule(f))[1])
    out = OutStream(Session(key=b""), thread, "stdout", watchfd=False)
    try:
        yield out, handed, sub
    finally:
        out.close()
        thread.stop()
        thread.close()
        sub.close(linger=0)
        context.term()


def _texts_published(sub: Any) -> list[str]:
    """The text of each stream message published so far (waiting up to 5 s for the first)."""
    texts = []
    while sub.poll(5000 if not texts else 200):
        frames = sub.recv_multipart()
        if frames[0].startswith(b"stream."):
            texts.append(json.loads(frames[-1])["text"])  # content, the last frame
    return texts


def test_an_empty_flush_makes_no_round_trip_and_one_with_text_sends_it(
        stream: tuple[Any, list[Any], Any]) -> None:
    out, handed, sub = stream
    out.flush()
    assert len(handed) == 2  # upstream: a flush and a wake-up for the waiter, with nothing to send
    ipykernel_private.skip_empty_flushes()
    ipykernel_private.skip_empty_flushes()  # once is enough: not wrapped twice
    assert ipykernel_private.has_text_to_send(out) is False
    handed.clear()
    out.flush()
    assert handed == []
    out.write("Peru\n")
    assert ipykernel_private.has_text_to_send(out) is True
    out.flush()  # text to send: the round trip, which sends it before returning
    assert ipykernel_private.has_text_to_send(out) is False
    assert _texts_published(sub) == ["Peru\n"]


def test_a_stream_that_echoes_is_always_flushed(stream: tuple[Any, list[Any], Any]) -> None:
    """An echo (a copy of the output to another stream) is flushed by every flush: nothing
    is skipped for such a stream."""
    import io

    out, handed, _ = stream
    ipykernel_private.skip_empty_flushes()
    out.echo = io.StringIO()
    handed.clear()
    out.flush()
    assert len(handed) == 2
