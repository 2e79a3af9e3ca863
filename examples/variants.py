# /// script
# requires-python = ">=3.11"
# dependencies = []
# [tool.faster-python]
# test = []
# ///
"""What an example's ``BENCHMARK`` variants are, what each needs, and when two
results agree: the rules a reader's run (``side_by_side``) and the site's
harness both follow, so a script run by hand and the published tables never
disagree about what runs or what counts as the same result.

``python variants.py`` prints which requirements this machine meets.
"""

import contextlib
import importlib.util
import math
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

try:
    import resource  # Unix: CPU time of reaped children, to the microsecond
except ImportError:  # Windows
    resource = None

DEFAULT_REL_TOL = 1e-9


# --- the variants of a table ----------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One variant: its name ("group: name" inside a group) and what it
    declares."""

    name: str
    group: str | None
    run: Callable
    # beside "run": workers, requires, …
    facts: Mapping = field(default_factory=dict)


def is_variant(value) -> bool:
    """A function, or a dict that names its function under "run"."""
    return callable(value) or (isinstance(value, Mapping) and "run" in value)


def entries(benchmark: Mapping) -> list[Entry]:
    """Every variant of ``BENCHMARK["variants"]``, in the table's order."""
    found = []
    for name, value in benchmark["variants"].items():
        inner = {name: value} if is_variant(value) else value
        group = None if is_variant(value) else name
        for inner_name, declared in inner.items():
            full = inner_name if group is None else f"{group}: {inner_name}"
            if callable(declared):
                found.append(Entry(full, group, declared))
            else:
                facts = {k: v for k, v in declared.items() if k != "run"}
                found.append(Entry(full, group, declared.get("run"), facts))
    return found


def baselines(found: list[Entry]) -> dict[str | None, str]:
    """The first variant of each group that this machine can run: what the
    others are compared with."""
    chosen: dict[str | None, str] = {}
    for entry in found:
        if not unmet(entry.facts.get("requires", ())):
            chosen.setdefault(entry.group, entry.name)
    return chosen


# --- what a variant may need ----------------------------------------------
# "gpu", "c-compiler", "free-threaded", "python>=3.14", "module:NAME"


@cache
def has_gpu() -> bool:
    smi = shutil.which("nvidia-smi")
    if smi is None:
        return False
    try:
        done = subprocess.run(
            [smi, "-L"], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and "GPU" in done.stdout


@cache
def has_c_compiler() -> bool:
    """A C compiler that builds a shared library: ``$CC``, else Python's, else
    cc."""
    if os.environ.get("CC"):
        candidates = [os.environ["CC"]]
    else:
        candidates = [sysconfig.get_config_var("CC") or "", "cc"]
    found = (
        c.split()[0] for c in candidates if c and shutil.which(c.split()[0])
    )
    compiler = next(found, None)
    if compiler is None:
        return False
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "probe.c"
        source.write_text("int probe(void) { return 0; }\n")
        command = [
            compiler,
            "-shared",
            "-fPIC",
            str(source),
            "-o",
            f"{tmp}/p.so",
        ]
        try:
            built = subprocess.run(command, capture_output=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            return False
    return built.returncode == 0


def has_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


class UnknownRequirement(ValueError):
    """A requirement string that is not one of the known forms."""


VERSION = re.compile(r"python>=(\d+)\.(\d+)")


def missing(requirement: str) -> str | None:
    """Why this machine lacks ``requirement`` ("needs …"), or None if it has
    it."""
    if requirement == "gpu":
        return None if has_gpu() else "needs an NVIDIA GPU"
    if requirement == "c-compiler":
        return (
            None if has_c_compiler() else "needs a working C compiler (set CC)"
        )
    if requirement == "free-threaded":
        if sysconfig.get_config_var("Py_GIL_DISABLED"):
            return None
        return "needs a free-threaded Python build (3.13t or later)"
    if match := VERSION.fullmatch(requirement):
        wanted = (int(match[1]), int(match[2]))
        if sys.version_info >= wanted:
            return None
        return f"needs Python {wanted[0]}.{wanted[1]} or later"
    if requirement.startswith("module:"):
        name = requirement.removeprefix("module:")
        return (
            None
            if has_module(name)
            else f"needs {name} installed for this Python"
        )
    raise UnknownRequirement(
        f"unknown requirement {requirement!r}: use 'gpu', 'c-compiler', "
        "'free-threaded', 'python>=3.14' or 'module:NAME'"
    )


def unmet(requirements) -> list[str]:
    """The reasons for every requirement this machine lacks, in order."""
    return [reason for r in requirements if (reason := missing(r)) is not None]


# --- whether two results agree --------------------------------------------


def relative_gap(a, b) -> float:
    """The largest relative difference between the floats of a and b (0 if
    none)."""
    if hasattr(a, "shape") and hasattr(a, "dtype"):
        import numpy as np  # only reached when the example uses NumPy

        b = np.asarray(b)
        inexact = np.issubdtype(a.dtype, np.inexact)
        if a.shape != b.shape or not inexact or a.size == 0:
            return 0.0
        scale = np.maximum(np.abs(a), np.abs(b))
        with np.errstate(divide="ignore", invalid="ignore"):
            gaps = np.where(scale > 0, np.abs(a - b) / scale, 0.0)
        return float(np.nanmax(gaps))
    if isinstance(a, float) and isinstance(b, int | float):
        scale = max(abs(a), abs(b))
        return abs(a - b) / scale if scale and math.isfinite(scale) else 0.0
    if isinstance(a, dict) and isinstance(b, dict):
        gaps = (relative_gap(a[k], b[k]) for k in a.keys() & b.keys())
        return max(gaps, default=0.0)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        gaps = (relative_gap(x, y) for x, y in zip(a, b, strict=False))
        return max(gaps, default=0.0)
    return 0.0


def beyond(rel_tol: float, gap: float) -> str:
    return (
        f"a relative difference of {gap:.2g}, beyond rel_tol = {rel_tol:g}; "
        "if the variants only add in another order or draw other random "
        "numbers, set BENCHMARK['rel_tol'] to the difference you can explain"
    )


def difference(a, b, rel_tol: float, where: str = "result") -> str | None:
    """Where a and b first differ, or None when they agree.

    Floats agree within ``rel_tol`` (parallel sums add in another order);
    everything else must be equal. Containers are compared item by item.
    """
    if hasattr(a, "shape") and hasattr(a, "dtype"):
        return array_difference(a, b, rel_tol, where)
    if isinstance(a, float) or isinstance(b, float):
        if not isinstance(b, int | float) or not isinstance(a, int | float):
            return f"{where}: {a!r} != {b!r}"
        if math.isclose(a, b, rel_tol=rel_tol):
            return None
        gap = relative_gap(float(a), b)
        return f"{where}: {a!r} != {b!r}, {beyond(rel_tol, gap)}"
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            keys = sorted(map(repr, a.keys() ^ b.keys()))[:5]
            return f"{where}: keys differ ({keys})"
        found = (difference(a[k], b[k], rel_tol, f"{where}[{k!r}]") for k in a)
        return next((d for d in found if d), None)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        if len(a) != len(b):
            return f"{where}: length {len(a)} != {len(b)}"
        pairs = enumerate(zip(a, b, strict=True))
        found = (
            difference(x, y, rel_tol, f"{where}[{i}]") for i, (x, y) in pairs
        )
        return next((d for d in found if d), None)
    return None if a == b else f"{where}: {a!r} != {b!r}"


def array_difference(a, b, rel_tol: float, where: str) -> str | None:
    import numpy as np  # only reached when the example uses NumPy

    b = np.asarray(b)
    if a.shape != b.shape:
        return f"{where}: shape {a.shape} != {b.shape}"
    if np.issubdtype(a.dtype, np.inexact):
        if np.allclose(a, b, rtol=rel_tol, atol=0, equal_nan=True):
            return None
        return f"{where}: arrays differ, {beyond(rel_tol, relative_gap(a, b))}"
    return None if np.array_equal(a, b) else f"{where}: arrays differ"


def compares_results(benchmark: Mapping) -> bool:
    """Whether variants must return what their baseline returns: not where each
    does a different amount of work (weak scaling declares ``work``)."""
    return "work" not in benchmark


@contextlib.contextmanager
def entered(workload):
    """The input every variant gets: plain data, or what a context manager
    yields (a server, a cluster), left when the variants are done."""
    if not hasattr(workload, "__enter__"):
        yield workload
        return
    with workload as data:
        yield data


def cpu_seconds() -> float:
    """CPU time of this process and of the children it has waited for (pool
    workers), to the microsecond (``os.times`` counts 10 ms ticks on Linux)."""
    own = time.process_time()
    if resource is None:  # Windows
        t = os.times()
        return own + t.children_user + t.children_system
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own + children.ru_utime + children.ru_stime


if __name__ == "__main__":
    for requirement in ("gpu", "c-compiler", "free-threaded", "python>=3.14"):
        print(f"{requirement}: {missing(requirement) or 'met'}")
