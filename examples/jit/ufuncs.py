# /// script
# requires-python = ">=3.11"
# dependencies = ["numba>=0.61", "numpy>=2.1"]
# ///
"""Make a NumPy ufunc from a scalar function with Numba's ``@vectorize``, and compare.

A NumPy expression such as ``np.exp(-x * x) * np.sin(y)`` runs each
operation over the whole array in turn, writing a temporary array after
each one. ``@vectorize`` compiles the scalar formula into a ufunc that makes
one pass: no temporaries, and it broadcasts like any NumPy function.
``target="parallel"`` splits that pass between threads.
"""

import argparse
import math
import time

import numba
import numpy as np
from numba import vectorize


# --8<-- [start:numpy]
def damped_numpy(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.exp(-x * x) * np.sin(y) + np.sqrt(x * x + y * y)


# --8<-- [end:numpy]


# --8<-- [start:vectorize]
@vectorize(["float64(float64, float64)"], cache=True)
def damped(x, y):
    return math.exp(-x * x) * math.sin(y) + math.sqrt(x * x + y * y)


@vectorize(["float64(float64, float64)"], target="parallel")
def damped_parallel(x, y):
    return math.exp(-x * x) * math.sin(y) + math.sqrt(x * x + y * y)


# --8<-- [end:vectorize]


def workload(size: int = 10_000_000):
    rng = np.random.default_rng(0)
    return rng.standard_normal(size), rng.standard_normal(size)


THREADS = numba.get_num_threads()

WAYS = {
    "NumPy expression": lambda w: damped_numpy(*w),
    "@vectorize": lambda w: damped(*w),
    f"@vectorize(target='parallel'), {THREADS} threads": lambda w: damped_parallel(*w),
}
SIZES = {  # presets for --size: array length
    "smoke": {"size": 10_000},
    "quick": {"size": 3_000_000},
    "full": {"size": 10_000_000},
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--size",
        choices=SIZES,
        default="full",
        help="preset array length (default: %(default)s)",
    )
    args = parser.parse_args()
    work = workload(**SIZES[args.size])
    print(f"{len(work[0]):,} elements")
    for name, run in WAYS.items():
        run(work)  # the parallel target compiles on first use
        start = time.perf_counter()
        run(work)
        print(f"{name:45} {time.perf_counter() - start:8.4f} s")


# What the harness measures (``python -m harness measure``); running this script needs none of it.
BENCHMARK = {"workload": workload, "sizes": SIZES, "variants": WAYS}

if __name__ == "__main__":
    main()
