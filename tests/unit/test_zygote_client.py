"""The client side of a zygote's protocol (`rapnb.build.kernel_zygote.ZygoteClient`), against
a stand-in zygote on a Unix socket."""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from pathlib import Path

from rapnb.build.kernel_zygote import ZygoteClient

KERNEL = [sys.executable, "-m", "ipykernel_launcher", "-f", "kernel.json"]


def _stand_in(path: Path, lines: list[tuple[float, dict[str, int]]]) -> threading.Thread:
    """A zygote that accepts one client, reads its request, then sends `lines`, each after
    its delay in seconds."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(1)

    def serve() -> None:
        sock, _ = listener.accept()
        socket.recv_fds(sock, 1 << 16, 4)
        for delay, message in lines:
            time.sleep(delay)
            sock.sendall((json.dumps(message) + "\n").encode())
        time.sleep(0.5)
        sock.close()
        listener.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return thread


def test_an_exit_heard_before_the_answer_does_not_cut_the_wait_short(tmp_path: Path) -> None:
    path = tmp_path / "z.sock"
    thread = _stand_in(path, [(0.0, {"exit": 41, "status": 0}), (0.2, {"pid": 42})])
    client = ZygoteClient(str(path))
    assert client.fork(KERNEL, {}, str(tmp_path)) == 42
    assert client.exits == {41: 0}
    assert not client.gone
    client.close()
    thread.join(timeout=5)


def test_exits_are_recorded_for_poll(tmp_path: Path) -> None:
    path = tmp_path / "z.sock"
    thread = _stand_in(path, [(0.0, {"pid": 7}), (0.0, {"exit": 7, "status": -15})])
    client = ZygoteClient(str(path))
    assert client.fork(KERNEL, {}, str(tmp_path)) == 7
    deadline = time.monotonic() + 5
    while client.poll(7) is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert client.poll(7) == -15
    client.close()
    thread.join(timeout=5)
