"""Run a command in a process session of its own and watch it from outside.

The harness never imports an example. It starts an interpreter (the worker, or
the example itself for a transcript) in a new process session, samples the
memory of its whole process tree while it runs, enforces a time limit, and
afterwards finds whatever it started that is still running: in its session,
or among the processes that left the session (a daemon) and were handed back
to the harness when their parent exited (on Linux the harness makes itself a
child subreaper). What is found is killed and named.
"""

import contextlib
import ctypes
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

import psutil

from harness.paths import ROOT

# How often a running command's tree is looked at (its memory, a time-out):
# each look lists every process on the machine, some 3 ms of CPU. The command's
# exit, and a worker's answer, are noticed at once all the same.
POLL_SECONDS = 0.1
# Pool helpers (the forkserver, the resource tracker) exit a moment after the
# interpreter that started them; give them this long before calling it a leak.
GRACE_SECONDS = 3.0
PR_SET_CHILD_SUBREAPER = 36  # from <linux/prctl.h>


class TimedOut(Exception):
    """The command ran past its time limit; it was killed with everything it started."""


@dataclass(frozen=True)
class Finished:
    returncode: int
    stdout: str  # empty unless asked for
    stderr: str  # the last lines
    peak_memory: int  # bytes, the whole tree at its largest
    leftovers: list[str]  # what it left running ("pid 12 (python -c …)"), now killed


def become_subreaper() -> bool:
    """Have orphaned descendants re-parented to this process instead of to init (Linux).

    A variant that starts a daemon (a new session, a double fork) would
    otherwise leave a process that no session id or parent link leads back to.
    """
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0


def alive(proc: psutil.Process) -> bool:
    try:
        return proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def reap_zombies() -> None:
    """Collect the exit status of orphans handed to us, so they do not linger as zombies."""
    for proc in psutil.Process().children():
        with contextlib.suppress(psutil.Error, ChildProcessError):
            if proc.status() == psutil.STATUS_ZOMBIE:
                os.waitpid(proc.pid, os.WNOHANG)


def descendants() -> set[int]:
    """Pids of every live process below this one."""
    return {p.pid for p in psutil.Process().children(recursive=True) if alive(p)}


def below_us(others: frozenset[int]) -> list[psutil.Process]:
    """Live processes below this one, except ``others`` and every process below them.

    ``others`` ran before the command started: the site being served, whose
    own children (a notebook's kernel, the server that notebook starts) come
    and go meanwhile, and are not the command's.
    """
    try:
        below = psutil.Process().children(recursive=True)
    except psutil.Error:
        return []
    excluded = set(others)
    for proc in below:
        if proc.pid in others:
            with contextlib.suppress(psutil.Error):
                excluded.update(p.pid for p in proc.children(recursive=True))
    return [p for p in below if p.pid not in excluded and alive(p)]


def leftovers(sid: int, others: frozenset[int] = frozenset()) -> list[psutil.Process]:
    """Every live process the command started: in its session, or handed back to us.

    Orphaned grandchildren are re-parented, so ``children()`` loses them; the
    session id stays, unless a process deliberately left it, and then the
    subreaper makes it our child.
    """
    found = {p.pid: p for p in below_us(others)}
    for proc in psutil.process_iter():
        try:
            if proc.pid not in found and os.getsid(proc.pid) == sid and alive(proc):
                found[proc.pid] = proc
        except (ProcessLookupError, PermissionError, psutil.Error):
            continue
    return list(found.values())


def in_session(sid: int) -> list[psutil.Process]:
    """Every live process in session ``sid`` (a worker's, its children's)."""
    found = []
    for proc in psutil.process_iter():
        try:
            if os.getsid(proc.pid) == sid and alive(proc):
                found.append(proc)
        except (ProcessLookupError, PermissionError, psutil.Error):
            continue
    return found


def kill_session(sid: int) -> None:
    procs = in_session(sid)
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    psutil.wait_procs(procs, timeout=5)
    reap_zombies()


def tree_below(pid: int) -> list[psutil.Process]:
    """A process and every live process below it (a worker's tree)."""
    try:
        root = psutil.Process(pid)
        tree = [root, *root.children(recursive=True)]
    except psutil.Error:
        return []
    return [p for p in tree if alive(p)]


def kill_all(sid: int, others: frozenset[int] = frozenset()) -> None:
    procs = leftovers(sid, others)
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    psutil.wait_procs(procs, timeout=5)
    reap_zombies()


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


def tree_memory(others: frozenset[int]) -> int:
    """Memory held by every process below this one: the command's tree and any orphans."""
    return MemoryWatch().read(below_us(others))


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


def name_of(proc: psutil.Process) -> str:
    try:
        return " ".join(proc.cmdline())[:80] or proc.name()
    except psutil.Error:
        return "gone"


def wait_for_leftovers(
    sid: int, others: frozenset[int] = frozenset(), in_session_only: bool = False
) -> list[str]:
    """Describe the command's processes still alive after the grace period, and kill them.

    ``in_session_only``: only those in its session (other workers run beside it).
    """

    def left_now() -> list[psutil.Process]:
        return in_session(sid) if in_session_only else leftovers(sid, others)

    deadline = time.monotonic() + GRACE_SECONDS
    while (left := left_now()) and time.monotonic() < deadline:
        reap_zombies()
        time.sleep(POLL_SECONDS)
    names = [f"pid {p.pid} ({name_of(p)})" for p in left]
    if in_session_only:
        kill_session(sid)
    else:
        kill_all(sid, others)
    return names


def tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def stop(child: subprocess.Popen, others: frozenset[int]) -> None:
    """Kill the command's whole tree, and sweep again: a process forked just as the tree
    was killed is handed to us a moment later."""
    kill_all(child.pid, others)
    child.wait()
    wait_for_leftovers(child.pid, others)


def supervise(
    command: list[str], *, timeout: float, env: dict | None = None, capture_stdout: bool = False
) -> Finished:
    """Run ``command`` (from the repository's root) until it exits, then sweep up.

    Raises TimedOut after ``timeout`` seconds, with the whole tree killed; on an
    interrupt (Ctrl-C, SIGTERM) the tree is killed as well.
    """
    others = frozenset(descendants())
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=out if capture_stdout else subprocess.DEVNULL,
            stderr=err,
            start_new_session=True,
        )
        peak, started, watch = 0, time.monotonic(), MemoryWatch()
        try:
            while child.poll() is None:
                peak = max(peak, watch.read(below_us(others)))
                if time.monotonic() - started > timeout:
                    stop(child, others)
                    raise TimedOut(f"timed out: still running after {timeout:.0f} s; killed it")
                with contextlib.suppress(subprocess.TimeoutExpired):
                    child.wait(POLL_SECONDS)
        finally:
            if child.poll() is None:  # interrupted: stop the whole tree
                stop(child, others)
        left = wait_for_leftovers(child.pid, others)
        out.seek(0)
        err.seek(0)
        return Finished(child.returncode, out.read(), tail(err.read()), peak, left)


def leaked(left: list[str]) -> str:
    return f"leaked child processes: {', '.join(left)} still ran after it finished; killed them"
