"""Where a render's CPU goes: run `rapnb render`, sample /proc every 0.1 s, and print the CPU
seconds (user + system) of each kind of process it starts (Linux only).

    python benchmarks/cpu_by_process.py [rapnb render arguments ...]
    python benchmarks/cpu_by_process.py --jobs 2 --lang en --force --out /tmp/out

Kinds, by ancestry: the render process itself; its kernel zygote; its worker zygote; the
kernels (children of the zygote, or of a worker); the notebook workers (launched, or forked by
the worker zygote); the tables worker (the one at a niceness above 0). A process is counted
from the last sample that saw it, so one that lives less than 0.1 s may be missed and each
misses at most its last 0.1 s: the figures are a lower bound, good to 0.1 s per process. The
sampler's own CPU is printed apart.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, replace

TICK = os.sysconf("SC_CLK_TCK")
SAMPLE_SECONDS = 0.1


@dataclass(frozen=True)
class Sample:
    """One process as /proc showed it last: parent, name, niceness, command, CPU seconds."""

    ppid: int
    comm: str
    nice: int
    cmdline: str
    cpu: float


def sample(pid: int) -> Sample | None:
    """Process `pid` now, or None if it has gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as handle:
            stat = handle.read()
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            cmdline = handle.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    comm = stat[stat.index("(") + 1:stat.rindex(")")]
    fields = stat[stat.rindex(")") + 2:].split()
    # fields from the state on: ppid is 2nd, utime 12th, stime 13th, nice 17th (proc(5))
    return Sample(int(fields[1]), comm, int(fields[16]), cmdline,
                  (int(fields[11]) + int(fields[12])) / TICK)


def descendants(root: int, seen: dict[int, Sample]) -> set[int]:
    """`root` and every process seen whose ancestry leads to it."""
    found, grew = {root}, True
    while grew:
        grew = False
        for pid, proc in seen.items():
            if pid not in found and proc.ppid in found:
                found.add(pid)
                grew = True
    return found


def kind(pid: int, root: int, seen: dict[int, Sample]) -> str:
    """What process `pid` of the render `root` is (see the module docstring)."""
    proc = seen[pid]
    if pid == root:
        return "render process"
    if proc.comm == "ipykernel":  # forked: its command line is its zygote's
        return "kernels"
    if proc.comm == "rapnb-worker":  # forked by a zygote
        return "tables worker" if proc.nice > 0 else "notebook workers"
    if "worker_zygote_main" in proc.cmdline:
        return "worker zygote"
    if "kernel_zygote" in proc.cmdline:
        return "zygote"
    parent = seen.get(proc.ppid)
    if parent is not None and proc.ppid != root:
        return "kernels"
    return "tables worker" if proc.nice > 0 else "notebook workers"


def main(argv: list[str]) -> int:
    command = [sys.executable, "-m", "rapnb", "render", "--no-progress", *argv]
    start = time.perf_counter()
    render = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    seen: dict[int, Sample] = {}
    while render.poll() is None:
        for name in os.listdir("/proc"):
            if name.isdigit() and (found := sample(int(name))) is not None:
                pid = int(name)
                if pid == render.pid or found.ppid in seen:
                    if not found.cmdline and pid in seen:  # a zombie shows none
                        found = replace(found, cmdline=seen[pid].cmdline)
                    seen[pid] = found
        time.sleep(SAMPLE_SECONDS)
    wall = time.perf_counter() - start
    ours = descendants(render.pid, seen)
    totals: defaultdict[str, float] = defaultdict(float)
    for pid in ours:
        totals[kind(pid, render.pid, seen)] += seen[pid].cpu
    own = os.times()
    print(f"rapnb render {' '.join(argv)}: exit {render.returncode}, {wall:.2f} s wall,"
          f" {sum(totals.values()):.2f} s CPU sampled")
    for name, seconds in sorted(totals.items(), key=lambda item: -item[1]):
        print(f"  {name:17} {seconds:6.2f} s")
    print(f"  (this sampler: {own.user + own.system:.2f} s of CPU)")
    return render.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
