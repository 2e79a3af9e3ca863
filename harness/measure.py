"""Run one variant in a fresh interpreter and watch it from outside.

The parent never imports an example. It starts ``harness.worker`` in a new
process session, samples the memory of the whole process tree while it runs,
enforces a time limit, and afterwards checks that nothing the variant started
is still running. Whatever goes wrong ends in a ``VariantFailed`` that says
what happened, with the whole tree killed.
"""

import contextlib
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


class VariantFailed(Exception):
    """A variant could not be measured; the message says why, in plain words."""


@dataclass
class VariantRun:
    wall: list[float]
    cpu: list[float]
    peak_rss: int
    bound: float | None
    mismatch: str | None
    result_path: Path
    scaling: dict  # for scaling examples: the workers used and the work done


def session_processes(sid: int) -> list[psutil.Process]:
    """Every process still in the session the variant's interpreter led.

    Orphaned grandchildren are re-parented, so ``children()`` loses them;
    the session id stays, unless a process deliberately left it.
    """
    found = []
    for proc in psutil.process_iter():
        try:
            if os.getsid(proc.pid) == sid and proc.status() != psutil.STATUS_ZOMBIE:
                found.append(proc)
        except (ProcessLookupError, PermissionError, psutil.Error):
            continue
    return found


def kill_session(sid: int) -> None:
    for proc in session_processes(sid):
        with contextlib.suppress(psutil.Error):
            proc.kill()


def tree_rss(root: psutil.Process) -> int:
    total = 0
    try:
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            total += proc.memory_info().rss
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


def run_variant(
    example: Path,
    variant: str,
    size: str,
    *,
    warmups: int,
    repeats: int,
    min_seconds: float,
    timeout: float,
    workdir: Path,
    baseline: Path | None = None,
    python: str = sys.executable,
) -> VariantRun:
    """Time ``variant`` of ``example`` in a fresh interpreter; raise VariantFailed if it can't."""
    out = workdir / variant.replace("/", "_")
    for suffix in (".json", ".pickle"):
        out.with_suffix(suffix).unlink(missing_ok=True)
    stderr_path = out.with_suffix(".stderr")
    args = [
        python,
        "-m",
        "harness.worker",
        str(example),
        variant,
        size,
        str(warmups),
        str(repeats),
        str(min_seconds),
        str(out),
    ]
    if baseline is not None:
        args.append(str(baseline))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with open(stderr_path, "w") as stderr:
        child = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
        )
    peak = 0
    started = time.monotonic()
    try:
        watched = psutil.Process(child.pid)
        while child.poll() is None:
            peak = max(peak, tree_rss(watched))
            if time.monotonic() - started > timeout:
                kill_session(child.pid)
                child.wait()
                raise VariantFailed(f"timed out: still running after {timeout:.0f} s; killed it")
            time.sleep(POLL_SECONDS)
    except psutil.NoSuchProcess:
        child.wait()
    finally:
        if child.poll() is None:
            kill_session(child.pid)
            child.wait()

    leftovers = wait_for_session_to_end(child.pid)
    report_path = out.with_suffix(".json")
    report = json.loads(report_path.read_text()) if report_path.exists() else None
    if report is None:
        raise VariantFailed(f"{describe_exit(child.returncode)}\n{tail(stderr_path)}".strip())
    if "error" in report:
        raise VariantFailed(f"raised an exception:\n{report['error'].strip()}")
    if leftovers:
        raise VariantFailed(
            f"leaked child processes: {', '.join(leftovers)} still ran after it finished;"
            " killed them"
        )
    return VariantRun(
        wall=report["wall"],
        cpu=report["cpu"],
        peak_rss=peak,
        bound=report.get("bound"),
        mismatch=report.get("mismatch"),
        result_path=out.with_suffix(".pickle"),
        scaling={k: report[k] for k in ("workers", "work") if k in report},
    )


def name_of(proc: psutil.Process) -> str:
    try:
        return " ".join(proc.cmdline())[:80] or proc.name()
    except psutil.Error:
        return "gone"


def wait_for_session_to_end(sid: int) -> list[str]:
    """Describe the session's processes still alive after the grace period, and kill them."""
    deadline = time.monotonic() + GRACE_SECONDS
    while (alive := session_processes(sid)) and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
    names = [f"pid {p.pid} ({name_of(p)})" for p in alive]
    kill_session(sid)
    return names
