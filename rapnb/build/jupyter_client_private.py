"""The private jupyter_client details rapnb relies on, in one place (guarded by
tests/unit/test_private_apis.py, which names what changed):

- ``KernelClient._async_wait_for_ready``: copied below as ``QuickReadyClient.wait_for_ready``
  with a 20 ms (not 200 ms) flush of the start-up messages; ``UPSTREAM_WAIT_FOR_READY_SHA256``
  is the sha256 of the upstream source it was copied from, so an upstream change is noticed;
- ``KernelClient._handle_kernel_info_reply``: called by that copy, as upstream does;
- ``AsyncKernelManager._async_wait(pollinterval)``: polled every 10 ms (not 100 ms) for the
  kernel's exit;
- the manager's ``client_factory``, ``transport``, ``ip`` and ``connection_file`` traits: IPC
  sockets in the temporary directory rather than TCP ports;
- nbclient's ``NotebookClient.create_kernel_manager``, which makes its kernel manager by
  calling ``kernel_manager_class(kernel_name=..., config=...)`` and starts a kernel only if
  the manager has none (``has_kernel``): :func:`adopting_manager_class` hands it a manager
  whose kernel was started ahead;
- the manager's ``provisioner`` attribute, set before the kernel starts (``pre_start_kernel``
  keeps one already there, as it does on restarts), and ``LocalProvisioner``'s ``process``,
  ``pid``, ``pgid``, ``cwd`` and ``connection_info`` attributes, which a provisioner whose
  kernels are forked by ``rapnb.build.kernel_zygote`` fills in as ``launch_kernel`` does.
"""

from __future__ import annotations

import asyncio
import functools
import os
import signal
import tempfile
import time
import uuid
from typing import Any

from rapnb.build.procs import wait_polling

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
    "nbclient.client.NotebookClient.create_kernel_manager": "(self) -> 'KernelManager'",
}
"""Each private function used, with the signature it had when this module was written."""


class ForkedKernelProcess:
    """The part of ``subprocess.Popen`` that jupyter_client's LocalProvisioner uses, for a
    kernel forked by this worker's zygote (its parent; the zygote reports its exit)."""

    stdin = stdout = stderr = None

    def __init__(self, zygote: Any, pid: int) -> None:
        self.zygote, self.pid = zygote, pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        """The kernel's exit status, or None while it runs."""
        if self.returncode is None:
            self.returncode = self.zygote.poll(self.pid)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the kernel's exit; return its status."""
        return wait_polling(self.poll, timeout, KILL_POLL_SECONDS, f"kernel {self.pid}")

    def send_signal(self, signum: int) -> None:
        """Signal the kernel (unless it has ended)."""
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


@functools.cache
def forked_provisioner_class() -> type:
    """jupyter_client's LocalProvisioner, launching ``python -m ipykernel_launcher`` kernels
    by forking them from this process's zygote (`rapnb.build.kernel_zygote`); any other
    command, or a zygote that cannot start, is launched the ordinary way."""
    from jupyter_client.provisioning import LocalProvisioner

    from rapnb.build import kernel_zygote

    class ForkedProvisioner(LocalProvisioner):
        async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
            if kernel_zygote.launcher_arguments(cmd) is None:
                return await super().launch_kernel(cmd, **kwargs)
            cwd = str(kwargs.get("cwd") or os.getcwd())
            env = {str(k): str(v) for k, v in (kwargs.get("env") or os.environ).items()}
            try:
                zygote = kernel_zygote.shared_zygote()
                pid = zygote.fork(cmd, env, cwd)
            except (kernel_zygote.ZygoteError, OSError):  # no zygote: launch it as usual
                return await super().launch_kernel(cmd, **kwargs)
            self.process = ForkedKernelProcess(zygote, pid)  # type: ignore[assignment]
            self.pid = self.pgid = pid  # the child leads its own session and process group
            self.cwd = cwd
            return self.connection_info

        async def wait(self) -> int | None:
            while self.process is not None and self.process.poll() is None:
                await asyncio.sleep(KILL_POLL_SECONDS)
            return await super().wait()

    return ForkedProvisioner


@functools.cache
def quick_kernel_manager_class(forked: bool = False) -> type:
    """jupyter_client's AsyncKernelManager with a quicker ready check and exit poll, over IPC
    sockets where the temporary directory's path is short enough; with `forked`, its kernels
    are forked from a zygote that has the notebooks' stack imported."""
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
            if forked:
                self.provisioner = forked_provisioner_class()(
                    kernel_id=self.kernel_id or "", kernel_spec=self.kernel_spec, parent=self)

        async def _async_wait(self, pollinterval: float = KILL_POLL_SECONDS) -> None:
            await super()._async_wait(pollinterval=min(pollinterval, KILL_POLL_SECONDS))

    return QuickKernelManager


def adopting_manager_class(manager: Any) -> type:
    """A kernel manager class for nbclient's ``kernel_manager_class`` whose construction (in
    ``NotebookClient.create_kernel_manager``) returns `manager`, a manager of the same class
    with its kernel started already: nbclient then starts no kernel, and shuts that one down
    at the end, as its own. `manager` is not an instance of the returned subclass, so Python
    does not initialise it again."""

    class AdoptingManager(type(manager)):  # type: ignore[misc]
        def __new__(cls, *args: Any, **kwargs: Any) -> Any:
            return manager

    return AdoptingManager
