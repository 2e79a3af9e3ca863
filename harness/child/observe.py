"""What a variant uses while it runs, seen from inside its interpreter; and pinning it.

A variant's warm-up is watched: its CPU time against its wall time (about 1
for one busy core, 2 for two), and whether it starts threads or processes.
One that keeps one core busy and starts neither can be timed pinned to a core,
beside its baseline on the same core: two cores of a shared machine drift in
speed independently, and a ratio of calls made on one core moments apart does
not see it. Anything a pinned call starts anyway (a thread, a process) is
unpinned as it starts: nothing pinned leaks into what a variant starts.

Standard library only; Linux pins (``os.sched_setaffinity``), elsewhere
nothing is pinned.
"""

import contextlib
import multiprocessing.process
import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from harness.child.rules import variants as rules

CAN_PIN = hasattr(os, "sched_setaffinity")


@dataclass
class Watch:
    """What is being watched now: counts of what was started, and whether pinned."""

    threads: int = 0
    processes: int = 0
    pinned: bool = False
    unpinned: int = 0  # started while pinned, and given every core back
    every_core: frozenset = frozenset()


WATCH = Watch()


def unpin(ident: int | None) -> None:
    """Give a thread (its native id) or a process (its pid) every core back."""
    if WATCH.pinned and ident and CAN_PIN:
        with contextlib.suppress(OSError):
            os.sched_setaffinity(ident, WATCH.every_core)
            WATCH.unpinned += 1


def wrap(cls, name: str, counter: str, ident) -> None:
    """Count (and unpin) what ``cls.name`` starts, each time it is called."""
    original = getattr(cls, name)

    def started(self, *args, **kwargs):
        done = original(self, *args, **kwargs)
        setattr(WATCH, counter, getattr(WATCH, counter) + 1)
        unpin(ident(self))
        return done

    setattr(cls, name, started)


wrap(threading.Thread, "start", "threads", lambda t: t.native_id)
wrap(multiprocessing.process.BaseProcess, "start", "processes", lambda p: p.pid)
wrap(subprocess.Popen, "__init__", "processes", lambda p: p.pid)
if hasattr(os, "register_at_fork"):  # a forked child of a pinned thread: every core

    def forked_child() -> None:
        if WATCH.pinned and CAN_PIN:
            os.sched_setaffinity(0, WATCH.every_core)

    os.register_at_fork(after_in_child=forked_child)


@dataclass
class Observed:
    """A watched stretch of calls: wall and CPU seconds, and what they started."""

    wall: float = 0.0
    cpu: float = 0.0
    threads: int = 0
    processes: int = 0


@contextlib.contextmanager
def observe():
    """Watch the calls made inside: their time and what they start."""
    seen = Observed()
    threads, processes = WATCH.threads, WATCH.processes
    cpu, wall = rules.cpu_seconds(), time.perf_counter()
    yield seen
    seen.wall = time.perf_counter() - wall
    seen.cpu = rules.cpu_seconds() - cpu
    seen.threads, seen.processes = WATCH.threads - threads, WATCH.processes - processes


class OwnPeak:
    """How far the memory of this process and what it starts rose above where it
    stood when the watch began, at its highest (Linux).

    The parent samples a variant's whole process tree ten times a second, which
    a call of tens of milliseconds can slip between. For this interpreter the
    kernel keeps a high-water mark, reset at the start, that sees every page it
    touched; the processes it starts (a pool's workers) are sampled here, a
    hundred times a second, by their proportional share of memory (PSS: a page
    shared with this process counted once). None where neither can be read.
    """

    EVERY = 0.01  # seconds between looks at the processes below this one

    def __enter__(self):
        self.rise, self.below_rise = None, 0
        try:
            Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
            self.start = status_kib("VmRSS")
        except OSError:
            self.start = None
            return self
        self.below_start = below_pss_kib()
        self.done = threading.Event()
        self.sampler = threading.Thread(target=self.watch_below, daemon=True)
        self.sampler.start()
        return self

    def watch_below(self) -> None:
        while not self.done.wait(self.EVERY):
            self.below_rise = max(self.below_rise, below_pss_kib() - self.below_start)

    def __exit__(self, *exc):
        if self.start is not None:
            self.done.set()
            self.sampler.join()
            own = max(0, status_kib("VmHWM") - self.start)
            self.rise = (own + self.below_rise) * 1024


def below_pss_kib() -> int:
    """The PSS of every process below this one, in KiB (0 where none, or not Linux)."""
    total, todo = 0, [os.getpid()]
    while todo:
        pid = todo.pop()
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                children = Path(f"/proc/{pid}/task/{task}/children").read_text().split()
                todo += [int(child) for child in children]
        except OSError:
            continue  # it has exited
        if pid != os.getpid():
            total += pss_kib(pid)
    return total


def pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def status_kib(field: str) -> int:
    """A figure of /proc/self/status, in KiB ("VmHWM:   123456 kB")."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise OSError(f"no {field} in /proc/self/status")


class Pinned:
    """This thread on ``core`` while inside (not at all for ``None``), then every core."""

    def __init__(self, core: int | None):
        self.core = core if CAN_PIN else None
        self.unpinned_before = WATCH.unpinned

    def __enter__(self):
        if self.core is not None:
            WATCH.every_core = frozenset(os.sched_getaffinity(0))
            os.sched_setaffinity(0, {self.core})  # 0: this thread, on Linux
            WATCH.pinned = True
        return self

    def __exit__(self, *exc):
        if self.core is not None:
            WATCH.pinned = False
            os.sched_setaffinity(0, WATCH.every_core)

    def unpinned(self) -> int:
        """How many threads or processes it started while pinned (given every core)."""
        return WATCH.unpinned - self.unpinned_before
