# /// script
# requires-python = ">=3.11"
# dependencies = ["numba>=0.61", "numpy>=2.1"]
# ///
"""Make a NumPy ufunc from a scalar function with Numba's ``@vectorize``, and
compare.

A NumPy expression such as ``np.exp(-x * x) * np.sin(y)`` runs each
operation over the whole array in turn, writing a temporary array after
each one. ``@vectorize`` compiles the scalar formula into a ufunc that makes
one pass: no temporaries, and it broadcasts like any NumPy function.
``target="parallel"`` splits that pass between threads.
"""

import math
import sys
from pathlib import Path

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


def workload(length: int = 10_000_000):
    """Two arrays of random numbers.

    length: elements in each array
    """
    rng = np.random.default_rng(0)
    print(f"{length:,} elements")
    return rng.standard_normal(length), rng.standard_normal(length)


THREADS = numba.get_num_threads()

WAYS = {
    "NumPy expression": lambda w: damped_numpy(*w),
    "@vectorize": lambda w: damped(*w),
    f"@vectorize(target='parallel'), {THREADS} threads": lambda w: (
        damped_parallel(*w)
    ),
}
SIZES = {  # presets for --size: array length
    "smoke": {"length": 10_000},
    "quick": {"length": 3_000_000},
    "full": {"length": 10_000_000},
}


BENCHMARK = {"workload": workload, "sizes": SIZES, "variants": WAYS}


if __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parents[1]))  # side_by_side
    import side_by_side

    side_by_side.main(BENCHMARK)
