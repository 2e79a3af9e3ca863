"""Describe where a measurement ran: hardware, operating system, Python, libraries, commit."""

import dataclasses
import datetime as dt
import json
import multiprocessing
import os
import platform
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import psutil

from harness.child import interpreter as this_interpreter
from harness.core.paths import ROOT
from harness.core.records import Environment, Hardware, Load, PythonBuild
from harness.measuring.discover import script_metadata


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    if sys.platform == "darwin":
        out = subprocess.run(
            ["sysctl", "-n", "machdep.cpu.brand_string"],
            capture_output=True,
            text=True,
            check=False,
        )
        if out.stdout.strip():
            return out.stdout.strip()
    return platform.processor() or platform.machine()


@cache
def hardware() -> Hardware:
    """What decides how fast code can run here; part of every cache key."""
    return Hardware(
        cpu=cpu_model(),
        logical_cores=os.cpu_count() or 1,
        usable_cores=this_interpreter.usable_cores(),
        memory_bytes=psutil.virtual_memory().total,
        os=f"{platform.system()} {platform.machine()}",
        platform=platform.platform(),
    )


@cache
def interpreter(python: str = sys.executable, libraries: tuple[str, ...] = ()) -> dict:
    """The Python build and library versions of the interpreter that runs the examples.

    That is this one, unless ``measure --python`` names another (a free-threaded
    build, say); then that interpreter is asked, through the stdlib-only module.
    """
    if python == sys.executable:
        return {
            "python": this_interpreter.python_build(),
            "libraries": this_interpreter.library_versions(libraries),
        }
    out = subprocess.run(
        [python, "-m", "harness.child.interpreter", *libraries],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"cannot run {python}: {out.stderr.strip()[-500:]}")
    return json.loads(out.stdout)


def python_build(python: str = sys.executable) -> dict:
    return interpreter(python)["python"]


def script_dependencies(path: Path) -> list[str]:
    """Distribution names from a script's PEP 723 ``# /// script`` header."""
    deps = script_metadata(path).get("dependencies", [])
    return [re.match(r"[A-Za-z0-9_.\-]+", dep).group(0) for dep in deps]


def example_libraries(example, python: str = sys.executable) -> dict[str, str]:
    """Versions of what an example and its sibling modules declare in their script headers."""
    files = [example.path, *example.local_modules]
    names = tuple(sorted({dep for path in files for dep in script_dependencies(path)}))
    return interpreter(python, names)["libraries"]


def cpu_quota() -> float | None:
    """Cores' worth of CPU time a cgroup v2 quota allows this process, or None without one.

    ``cpu.max`` holds "quota period" (microseconds); "max" means no limit. A
    container started with ``--cpus 1.5`` reads "150000 100000" here.
    """
    try:
        group = next(
            line[3:]
            for line in Path("/proc/self/cgroup").read_text().splitlines()
            if line.startswith("0::")
        )
    except (OSError, StopIteration):
        return None
    root = Path("/sys/fs/cgroup")
    folder, limits = root / group.lstrip("/"), []
    for candidate in (folder, *folder.parents):
        if not candidate.is_relative_to(root):
            break
        try:
            quota, period = (candidate / "cpu.max").read_text().split()
        except (OSError, ValueError):
            continue
        if quota != "max":
            limits.append(int(quota) / int(period))
    return min(limits, default=None)


@cache
def gpu() -> str | None:
    """The GPU's model and driver, where ``nvidia-smi`` answers."""
    try:
        done = subprocess.run(
            ["nvidia-smi", "--query-gpu=name,driver_version", "--format=csv,noheader"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0 or not done.stdout.strip():
        return None
    name, _, driver = done.stdout.strip().splitlines()[0].partition(",")
    return f"{name.strip()}, driver {driver.strip()}"


def cpu_times() -> dict:
    return psutil.cpu_times()._asdict()


def load(since: dict) -> Load:
    """What else can explain a slow run, between ``since`` (``cpu_times()``) and now.

    The load average (processes wanting a core), the share of time the
    hypervisor gave this machine's CPUs to others (steal), the CPU frequency
    where the system reports it, a container's CPU quota, and the GPU.
    """
    now = cpu_times()
    elapsed = sum(now.values()) - sum(since.values())
    steal = (now.get("steal", 0.0) - since.get("steal", 0.0)) / elapsed if elapsed > 0 else 0.0
    try:
        frequency = psutil.cpu_freq()
    except (OSError, NotImplementedError):
        frequency = None
    return Load(
        load_average=round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        cpu_steal=round(steal, 4),
        cpu_mhz=round(frequency.current) if frequency and frequency.current else None,
        cpu_quota=cpu_quota(),
        gpu=gpu(),
    )


def commit() -> str:
    """The short commit hash, with ``+changes`` when the tree has uncommitted edits."""

    def git(*args):
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()

    head = git("rev-parse", "--short", "HEAD")
    if not head:
        return "unknown"
    return head + ("+changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def environment(example, python: str, built: dict, since: dict) -> Environment:
    """Where an example was just measured: ``built`` is its interpreter's build, as the
    worker saw it after the example's imports; ``since`` is ``cpu_times()`` before."""
    return Environment(
        hardware=hardware(),
        python=PythonBuild(**built),
        libraries=example_libraries(example, python),
        start_method=multiprocessing.get_start_method(),
        commit=commit(),
        date=now(),
        load=load(since),
    )


def context(example, python: str) -> dict:
    """What, beside its files, decides an example's numbers: part of its cache key."""
    return {
        "libraries": example_libraries(example, python),
        "python": python_build(python),
        "hardware": dataclasses.asdict(hardware()),
    }
