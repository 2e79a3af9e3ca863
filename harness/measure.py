"""Run one variant in a fresh interpreter and watch it from outside.

The parent never imports an example. It starts ``harness.worker`` in a new
process session, samples the memory of the whole process tree while it runs,
enforces a time limit, and afterwards checks that nothing the variant started
is still running: not in its session, and not among the processes that left
the session (a daemon) but were handed back to the harness when their parent
exited (on Linux the harness makes itself a child subreaper). Whatever goes
wrong ends in a ``VariantFailed`` that says what happened, with the whole tree
killed.
"""

import contextlib
import ctypes
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from harness.machine import ROOT

POLL_SECONDS = 0.05
# Pool helpers (the forkserver, the resource tracker) exit a moment after the
# interpreter that started them; give them this long before calling it a leak.
GRACE_SECONDS = 3.0
PR_SET_CHILD_SUBREAPER = 36  # from <linux/prctl.h>


class VariantFailed(Exception):
    """A variant could not be measured; the message says why, in plain words."""


class LeakedProcesses(VariantFailed):
    """The variant's interpreter left processes running; they were killed."""


@dataclass
class VariantRun:
    wall: list[float]
    cpu: list[float]
    peak_rss: int  # bytes, the whole tree, over every variant the interpreter ran
    mismatch: str | None
    largest_difference: float | None  # relative, from the baseline's result
    result_path: Path


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

    ``others`` ran before the variant started: the site being served, whose
    own children (a notebook's kernel, the server that notebook starts) come
    and go while a variant runs, and are not the variant's.
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
    """Every live process the variant started: in its session, or handed back to us.

    Orphaned grandchildren are re-parented, so ``children()`` of the variant
    loses them; the session id stays, unless a process deliberately left it,
    and then the subreaper makes it our child. ``others`` are processes of
    ours that ran before the variant started (the site being served).
    """
    found = {p.pid: p for p in below_us(others)}
    for proc in psutil.process_iter():
        try:
            if proc.pid not in found and os.getsid(proc.pid) == sid and alive(proc):
                found[proc.pid] = proc
        except (ProcessLookupError, PermissionError, psutil.Error):
            continue
    return list(found.values())


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
    """Memory held by every process below this one: the variant's tree and any orphans."""
    total = 0
    for proc in below_us(others):
        with contextlib.suppress(psutil.Error):
            total += memory_of(proc)
    return total


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"crashed: its interpreter was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"crashed: its interpreter was killed by signal {-code}"
    return f"crashed: its interpreter exited with code {code} without reporting a result"


def tail(path: Path, lines: int = 15) -> str:
    text = path.read_text(errors="replace").strip() if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:])


def run_worker(
    mode: list[str], job: dict, *, timeout: float, python: str
) -> tuple[dict | None, int, str, int]:
    """Run ``harness.worker`` on ``job`` in a new session and watch it.

    Returns its report (None if it wrote none), its exit code, the tail of what
    it printed on stderr, and the peak memory of its tree. Raises
    VariantFailed on a time-out or on processes left behind.
    """

    def beside(suffix: str) -> Path:
        return Path(job["out"] + suffix)

    for suffix in (".json", ".current"):
        beside(suffix).unlink(missing_ok=True)
    job_path = beside(".job")
    job_path.write_text(json.dumps(job))
    stderr_path = beside(".stderr")
    others = frozenset(descendants())
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with open(stderr_path, "w") as stderr:
        child = subprocess.Popen(
            [python, "-m", "harness.worker", *mode, str(job_path)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
        )
    peak = 0
    started = time.monotonic()
    try:
        while child.poll() is None:
            peak = max(peak, tree_memory(others))
            if time.monotonic() - started > timeout:
                kill_all(child.pid, others)
                child.wait()
                # A process forked just as the tree was killed is handed to us a moment
                # later: sweep again so that nothing it started outlives it.
                wait_for_leftovers(child.pid, others)
                raise VariantFailed(f"timed out: still running after {timeout:.0f} s; killed it")
            time.sleep(POLL_SECONDS)
    finally:
        if child.poll() is None:  # interrupted (Ctrl-C, SIGTERM): stop the whole tree
            kill_all(child.pid, others)
            child.wait()
            wait_for_leftovers(child.pid, others)
    left = wait_for_leftovers(child.pid, others)
    report_path = beside(".json")
    report = json.loads(report_path.read_text()) if report_path.exists() else None
    if left and report is not None and "error" not in report and "problem" not in report:
        raise LeakedProcesses(
            f"leaked child processes: {', '.join(left)} still ran after it finished; killed them"
        )
    return report, child.returncode, tail(stderr_path), peak


def running(job: dict) -> str | None:
    """The variant the worker said it was running, if it got that far."""
    path = Path(job["out"] + ".current")
    return path.read_text() if path.exists() else None


def naming(variant: str | None, message: str) -> str:
    """ "variant 'x' timed out: …", unless the message already names it."""
    if variant is None or message.startswith(f"variant {variant!r}"):
        return message
    return f"variant {variant!r} {message}"


def run_variants(job: dict, *, timeout: float, python: str = sys.executable) -> dict:
    """Time ``job["variants"]`` in one fresh interpreter: their runs by name.

    Raises VariantFailed (LeakedProcesses for a leak) naming the variant that
    was running when it went wrong, where the worker got as far as one.
    """
    try:
        report, code, stderr, peak = run_worker([], job, timeout=timeout, python=python)
    except VariantFailed as error:
        raise type(error)(naming(running(job), str(error))) from None
    if report is None:
        raise VariantFailed(naming(running(job), f"{describe_exit(code)}\n{stderr}".strip()))
    if "problem" in report:
        raise VariantFailed(naming(running(job), report["problem"]))
    if "error" in report:
        raise VariantFailed(
            naming(running(job), f"raised an exception:\n{report['error'].strip()}")
        )
    return {
        name: VariantRun(
            wall=got["wall"],
            cpu=got["cpu"],
            peak_rss=peak,
            mismatch=got.get("mismatch"),
            largest_difference=got.get("largest_difference"),
            result_path=Path(got["result"]),
        )
        for name, got in report["variants"].items()
    }


def name_of(proc: psutil.Process) -> str:
    try:
        return " ".join(proc.cmdline())[:80] or proc.name()
    except psutil.Error:
        return "gone"


def wait_for_leftovers(sid: int, others: frozenset[int] = frozenset()) -> list[str]:
    """Describe the variant's processes still alive after the grace period, and kill them."""
    deadline = time.monotonic() + GRACE_SECONDS
    while (left := leftovers(sid, others)) and time.monotonic() < deadline:
        reap_zombies()
        time.sleep(POLL_SECONDS)
    names = [f"pid {p.pid} ({name_of(p)})" for p in left]
    kill_all(sid, others)
    return names
