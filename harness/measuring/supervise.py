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

from harness.core.paths import ROOT
from harness.measuring.memory import MemoryWatch

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


def tree_memory(others: frozenset[int]) -> int:
    """Memory held by every process below this one: the command's tree and any orphans."""
    return MemoryWatch().read(below_us(others))


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
