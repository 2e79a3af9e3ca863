"""Describe where a measurement ran: hardware, operating system, Python, libraries, commit."""

import datetime as dt
import importlib.metadata
import os
import platform
import re
import subprocess
import sys
import sysconfig
import tomllib
from functools import cache
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent


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


def usable_cores() -> int:
    """Cores this process may run on (CPU affinity, containers), not all the machine has."""
    if hasattr(os, "process_cpu_count"):  # Python 3.13+
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@cache
def hardware() -> dict:
    """What decides how fast code can run here; part of every cache key."""
    return {
        "cpu": cpu_model(),
        "logical_cores": os.cpu_count(),
        "usable_cores": usable_cores(),
        "memory_bytes": psutil.virtual_memory().total,
        "os": f"{platform.system()} {platform.machine()}",
        "platform": platform.platform(),
    }


@cache
def python_build() -> dict:
    free_threaded = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    gil = getattr(sys, "_is_gil_enabled", lambda: True)()
    return {
        "version": platform.python_version(),
        "implementation": platform.python_implementation(),
        "free_threaded": free_threaded,
        "gil_enabled": gil,
    }


def script_dependencies(path: Path) -> list[str]:
    """Distribution names from a script's PEP 723 ``# /// script`` header."""
    match = re.search(r"(?m)^# /// script\s*$\n((?:^#(?:| .*)$\n)+)^# ///\s*$", path.read_text())
    if not match:
        return []
    header = "\n".join(line[2:] for line in match.group(1).splitlines())
    deps = tomllib.loads(header).get("dependencies", [])
    return [re.match(r"[A-Za-z0-9_.\-]+", dep).group(0) for dep in deps]


def library_versions(names: list[str]) -> dict[str, str]:
    versions = {}
    for name in sorted(set(names)):
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def example_libraries(example) -> dict[str, str]:
    """Versions of what an example and its sibling modules declare in their script headers."""
    files = [example.path, *example.local_modules]
    return library_versions([dep for path in files for dep in script_dependencies(path)])


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
