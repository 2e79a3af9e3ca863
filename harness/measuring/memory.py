"""How much memory a process tree holds, read cheaply enough to watch it while it runs:
proportional set sizes (a page shared by several processes counted once)."""

import contextlib
import time

import psutil


def memory_of(proc: psutil.Process) -> int:
    """A process's memory with shared pages split between the processes that map them.

    Plain RSS counts a page in every process that maps it: three workers reading
    one 200 MB shared-memory block would count 600 MB. PSS (Linux) divides each
    shared page by the number of processes mapping it, so a tree's sum counts it
    once; elsewhere USS (the process's own pages), or RSS where neither exists.
    """
    try:
        full = proc.memory_full_info()
    except psutil.AccessDenied:
        return proc.memory_info().rss
    return getattr(full, "pss", None) or getattr(full, "uss", None) or full.rss


class MemoryWatch:
    """The memory of a process tree, read ten times a second, cheaply.

    PSS makes the kernel walk each process's page tables: some 4 ms of CPU per
    Python process (about 24 ms per GiB it holds), 40 ms for a local Ray
    instance's nine, which twenty reads a second made most of a core, taken
    from the variant being timed. RSS and its shared part are counters. So the
    tree's PSS is read again when something moved (a process came or went, or
    the processes' RSS changed by more than ``MOVED`` of the tree's memory in
    all), or ``STILL`` seconds passed, but never so often that reading it takes
    more than ``SHARE`` of a core. Between readings the tree's memory is the
    last reading plus each process's change in private memory (RSS less its
    shared pages): memory a process takes shows at once, and pages that several
    map (a shared-memory block, a file) wait for the next reading, so they are
    never counted twice.
    """

    STILL = 1.0  # seconds
    MOVED = 0.01  # of the tree's memory
    SHARE = 0.05  # of a core, at most, spent reading PSS

    def __init__(self):
        # (pid, started) -> (RSS, private memory) at the last reading of PSS
        self.then: dict[tuple[int, float], tuple[int, int]] = {}
        self.pss = 0  # the tree's PSS at that reading
        self.when = -self.STILL
        self.wait = 0.0  # seconds before the next reading of PSS may start

    def read(self, procs: list[psutil.Process]) -> int:
        now = {}
        for proc in procs:
            with contextlib.suppress(psutil.Error):
                info = proc.memory_info()
                shared = getattr(info, "shared", 0)  # Linux; 0 elsewhere
                now[(proc.pid, proc.create_time())] = (info.rss, info.rss - shared)
        known = [key for key in now if key in self.then]
        moved = now.keys() != self.then.keys() or sum(
            abs(now[key][0] - self.then[key][0]) for key in known
        ) > max(2**20, self.MOVED * self.pss)
        since = time.monotonic() - self.when
        if since >= self.wait and (moved or since >= self.STILL):
            return self.read_pss(procs, now)
        return self.pss + sum(now[key][1] - self.then[key][1] for key in known)

    def read_pss(self, procs: list[psutil.Process], now: dict) -> int:
        started = time.thread_time()  # this thread's: not a progress bar's
        self.pss, self.then, self.when = 0, now, time.monotonic()
        for proc in procs:
            with contextlib.suppress(psutil.Error):
                self.pss += memory_of(proc)
        self.wait = (time.thread_time() - started) / self.SHARE
        return self.pss
