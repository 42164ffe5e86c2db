"""The private jupyter_client details rapnb relies on, in one place (guarded by
tests/unit/test_private_apis.py, which names what changed):

- ``KernelClient._async_wait_for_ready``: copied below as ``QuickReadyClient.wait_for_ready``
  with a 20 ms (not 200 ms) flush of the start-up messages; ``UPSTREAM_WAIT_FOR_READY_SHA256``
  is the sha256 of the upstream source it was copied from, so an upstream change is noticed;
- ``KernelClient._handle_kernel_info_reply``: called by that copy, as upstream does;
- ``AsyncKernelManager._async_wait(pollinterval)``: polled every 10 ms (not 100 ms) for the
  kernel's exit;
- the manager's ``client_factory``, ``transport``, ``ip`` and ``connection_file`` traits: IPC
  sockets in the temporary directory rather than TCP ports.
"""

from __future__ import annotations

import functools
import os
import tempfile
import time
import uuid
from typing import Any

KILL_POLL_SECONDS = 0.01
FLUSH_SECONDS = 0.02
MAX_SOCKET_PATH = 100
"""Unix socket paths are limited to about 107 bytes; longer temporary paths fall back to TCP."""

UPSTREAM_WAIT_FOR_READY = "jupyter_client.client.KernelClient._async_wait_for_ready"
UPSTREAM_WAIT_FOR_READY_SHA256 = (
    "0d732ad86fea311502a6bfc53d8b1be6055f3813ec4f13ef717f8adbbd37ec56"  # jupyter_client 8.10.0
)
USED = {
    "jupyter_client.client.KernelClient._handle_kernel_info_reply":
        "(self, msg: Dict[str, Any]) -> None",
    "jupyter_client.manager.AsyncKernelManager._async_wait":
        "(self, pollinterval: float = 0.1) -> None",
}
"""Each private function used, with the signature it had when this module was written."""


@functools.cache
def quick_kernel_manager_class() -> type:
    """jupyter_client's AsyncKernelManager with a quicker ready check and exit poll, over IPC
    sockets where the temporary directory's path is short enough."""
    from queue import Empty

    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_client.manager import AsyncKernelManager

    class QuickReadyClient(AsyncKernelClient):
        async def wait_for_ready(self, timeout: float | None = None) -> None:
            """jupyter_client's wait_for_ready (a kernel_info reply, then IOPub heard from),
            with a shorter flush of the start-up messages at the end."""
            deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
            while True:
                self.kernel_info()
                try:
                    msg = await self.shell_channel.get_msg(timeout=1)
                except Empty:
                    msg = None
                if msg is not None and msg["msg_type"] == "kernel_info_reply":
                    try:
                        await self.iopub_channel.get_msg(timeout=0.2)
                    except Empty:
                        pass  # IOPub not connected yet: ask again
                    else:
                        self._handle_kernel_info_reply(msg)
                        break
                if not await self.is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
            while True:
                try:
                    await self.iopub_channel.get_msg(timeout=FLUSH_SECONDS)
                except Empty:
                    return

    class QuickKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.client_factory = QuickReadyClient
            base = os.path.join(tempfile.gettempdir(), f"rapnb-kernel-{uuid.uuid4().hex[:12]}")
            if len(base) + len("-ipc-99999") <= MAX_SOCKET_PATH:
                self.transport = "ipc"
                self.connection_file = base + ".json"
                self.ip = base + "-ipc"

        async def _async_wait(self, pollinterval: float = KILL_POLL_SECONDS) -> None:
            await super()._async_wait(pollinterval=min(pollinterval, KILL_POLL_SECONDS))

    return QuickKernelManager
