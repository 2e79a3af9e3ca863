# /// script
# requires-python = ">=3.11"
# dependencies = ["numba>=0.61", "numpy>=2.1"]
# ///
"""What compiling costs: Numba's first call, later calls, and ``cache=True`` in
a new process.

Numba compiles a function the first time it is called with a new set of
argument types, and the call waits for it. Later calls with the same types
run the machine code at once. ``cache=True`` writes the machine code to disk
(in ``__pycache__`` beside the script), so a new process loads it instead of
compiling again. The script times each case; "a new process" runs this same
file with ``--once``, so it includes starting Python and importing Numba.
"""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from numba import njit


# --8<-- [start:kernel]
def smooth(values: np.ndarray, passes: int) -> np.ndarray:
    """Repeated three-point moving average: a small stencil."""
    out = values.copy()
    for _ in range(passes):
        previous = out[0]
        for i in range(1, len(out) - 1):
            current = out[i]
            out[i] = (previous + current + out[i + 1]) / 3.0
            previous = current
    return out


smooth_compiled = njit(smooth)  # compiled on its first call in each process
# compiled once, then loaded from __pycache__
smooth_cached = njit(cache=True)(smooth)


# --8<-- [end:kernel]


# --8<-- [start:first_call]
def first_call(work) -> np.ndarray:
    """A fresh dispatcher each time: every call compiles, as a process's first
    call does."""
    return njit(smooth)(*work)


def later_call(work) -> np.ndarray:
    return smooth_compiled(*work)


# --8<-- [end:first_call]


# --8<-- [start:new_process]
def new_process(work, cached: bool) -> np.ndarray:
    """Run this file in a new interpreter, which calls the kernel once and saves
    the result."""
    values, passes = work
    folder = Path(__file__).resolve().parent / ".cache"
    folder.mkdir(exist_ok=True)
    data, result = (
        folder / f"values-{os.getpid()}.npy",
        folder / f"result-{os.getpid()}.npy",
    )
    np.save(data, values)
    command = [
        sys.executable,
        __file__,
        "--once",
        str(data),
        str(passes),
        str(result),
    ]
    subprocess.run([*command, str(cached)], check=True)
    try:
        return np.load(result)
    finally:
        data.unlink()
        result.unlink()


# --8<-- [end:new_process]


def run_once(values: str, passes: str, out: str, cached: str) -> None:
    """What ``new_process`` runs: load the values, call the kernel once, save
    the result."""
    kernel = smooth_cached if cached == "True" else smooth_compiled
    np.save(out, kernel(np.load(values), int(passes)))


def workload(length: int = 200_000, passes: int = 20):
    """Random values to smooth, and how many passes.

    length: values in the array
    passes: smoothing passes over it
    """
    work = np.random.default_rng(0).random(length), passes
    later_call(work)  # so that "later calls" is one: the first call compiled it
    return work


CASES = {  # each case, grouped by where the kernel runs
    "in this process": {
        "plain Python": lambda w: smooth(*w),
        "first call (compiles)": first_call,
        "later calls": later_call,
    },
    "in a new process (start Python, import, call)": {
        "without cache": lambda w: new_process(w, cached=False),
        "cache=True": lambda w: new_process(w, cached=True),
    },
}
SIZES = {  # presets for --size: array length and smoothing passes
    "smoke": {"length": 1_000, "passes": 2},
    "quick": {"length": 200_000, "passes": 10},
    "full": {"length": 200_000, "passes": 20},
}


BENCHMARK = {"workload": workload, "sizes": SIZES, "variants": CASES}


if __name__ == "__main__" and sys.argv[1:2] == ["--once"]:  # new_process()'s
    run_once(*sys.argv[2:])
elif __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parents[1]))  # side_by_side
    import side_by_side

    side_by_side.main(BENCHMARK)
