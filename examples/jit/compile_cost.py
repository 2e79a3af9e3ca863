# /// script
# requires-python = ">=3.11"
# dependencies = ["numba>=0.61", "numpy>=2.1"]
# ///
"""What compiling costs: Numba's first call, later calls, and ``cache=True`` in a new process.

Numba compiles a function the first time it is called with a new set of
argument types, and the call waits for it. Later calls with the same types
run the machine code at once. ``cache=True`` writes the machine code to disk
(in ``__pycache__`` beside the script), so a new process loads it instead of
compiling again. The script times each case; "a new process" runs this same
file with ``--once``, so it includes starting Python and importing Numba.
"""

import argparse
import os
import subprocess
import sys
import time
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
smooth_cached = njit(cache=True)(smooth)  # compiled once, then loaded from __pycache__


# --8<-- [end:kernel]


# --8<-- [start:first_call]
def first_call(work) -> np.ndarray:
    """A fresh dispatcher each time: every call compiles, as a process's first call does."""
    return njit(smooth)(*work)


def later_call(work) -> np.ndarray:
    return smooth_compiled(*work)


# --8<-- [end:first_call]


# --8<-- [start:new_process]
def new_process(work, cached: bool) -> np.ndarray:
    """Run this file in a new interpreter, which calls the kernel once and saves the result."""
    values, passes = work
    folder = Path(__file__).resolve().parent / ".cache"
    folder.mkdir(exist_ok=True)
    data, result = folder / f"values-{os.getpid()}.npy", folder / f"result-{os.getpid()}.npy"
    np.save(data, values)
    command = [sys.executable, __file__, "--once", str(data), str(passes), str(result)]
    subprocess.run([*command, "--cached"] if cached else command, check=True)
    try:
        return np.load(result)
    finally:
        data.unlink()
        result.unlink()


# --8<-- [end:new_process]


def workload(size: int = 200_000, passes: int = 20):
    return np.random.default_rng(0).random(size), passes


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
    "smoke": {"size": 1_000, "passes": 2},
    "quick": {"size": 200_000, "passes": 10},
    "full": {"size": 200_000, "passes": 20},
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--size",
        choices=SIZES,
        default="full",
        help="preset array length and passes (default: %(default)s)",
    )
    parser.add_argument(
        "--once", nargs=3, metavar=("VALUES", "PASSES", "OUT"), help=argparse.SUPPRESS
    )
    parser.add_argument("--cached", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.once:  # the new process of new_process()
        values, passes, out = np.load(args.once[0]), int(args.once[1]), args.once[2]
        kernel = smooth_cached if args.cached else smooth_compiled
        np.save(out, kernel(values, passes))
        return
    work = workload(**SIZES[args.size])
    later_call(work)  # so that "later calls" is one: the first call compiled it
    for group, variants in CASES.items():
        for name, run in variants.items():
            start = time.perf_counter()
            run(work)
            print(f"{group + ', ' + name:65} {time.perf_counter() - start:8.3f} s")


# What the harness measures (``python -m harness measure``); running this script needs none of it.
BENCHMARK = {"workload": workload, "sizes": SIZES, "variants": CASES}

if __name__ == "__main__":
    main()
