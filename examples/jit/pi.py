# /// script
# requires-python = ">=3.11"
# dependencies = ["numba>=0.61", "numpy>=2.1"]
# ///
"""Estimate pi by throwing random points at a square: pure Python, NumPy and
Numba.

A point (x, y) drawn uniformly from the unit square falls inside the quarter
circle x² + y² ≤ 1 with probability pi/4, so four times the share of hits
estimates pi. It is a loop with almost nothing inside, the worst case for the
interpreter and the best case for a compiler. Each variant draws its own
random numbers, so the estimates differ slightly; they agree to within the
Monte Carlo error.
"""

import random
import sys
from pathlib import Path

import numba
import numpy as np
from numba import njit, prange


# --8<-- [start:python]
def pi_python(samples: int) -> float:
    rng = random.Random(1)
    inside = 0
    for _ in range(samples):
        x, y = rng.random(), rng.random()
        if x * x + y * y <= 1.0:
            inside += 1
    return 4.0 * inside / samples


# --8<-- [end:python]


# --8<-- [start:numpy]
def pi_numpy(samples: int, batch: int = 1_000_000) -> float:
    """Vectorised, in batches so memory stays small whatever ``samples`` is."""
    rng = np.random.default_rng(1)
    inside = 0
    for start in range(0, samples, batch):
        x = rng.random(min(batch, samples - start))
        y = rng.random(len(x))
        inside += int(np.count_nonzero(x * x + y * y <= 1.0))
    return 4.0 * inside / samples


# --8<-- [end:numpy]


# --8<-- [start:numba]
@njit(cache=True)
def pi_numba(samples: int) -> float:
    np.random.seed(1)  # Numba keeps its own generator state, per thread
    inside = 0
    for _ in range(samples):
        x, y = np.random.random(), np.random.random()
        if x * x + y * y <= 1.0:
            inside += 1
    return 4.0 * inside / samples


# --8<-- [end:numba]


# --8<-- [start:prange]
@njit(cache=True, parallel=True)
def pi_numba_parallel(samples: int) -> float:
    inside = 0
    for _ in prange(samples):  # each thread draws from its own generator
        x, y = np.random.random(), np.random.random()
        if x * x + y * y <= 1.0:
            inside += 1  # a reduction: Numba gives each thread its own count
    return 4.0 * inside / samples


# --8<-- [end:prange]


def workload(samples: int = 20_000_000) -> int:
    """How many random points each estimate throws.

    samples: random points in the unit square
    """
    print(f"{samples:,} random points")
    return samples


THREADS = numba.get_num_threads()

ESTIMATES = {
    "pure Python": pi_python,
    "NumPy, batches of a million": pi_numpy,
    "Numba @njit": pi_numba,
    f"Numba parallel, {THREADS} threads": pi_numba_parallel,
}
SIZES = {  # presets for --size: random points
    "smoke": {"samples": 500_000},
    "quick": {"samples": 5_000_000},
    "full": {"samples": 20_000_000},
}


BENCHMARK = {
    "workload": workload,
    "sizes": SIZES,
    "variants": {
        "pure Python": pi_python,
        "NumPy, batches of a million": pi_numpy,
        "Numba @njit": pi_numba,
        f"Numba parallel, {THREADS} threads": {
            "run": pi_numba_parallel,
            "workers": THREADS,
        },
    },
    # Different random numbers: the estimates agree to the Monte Carlo error
    # (~1e-3 / √(n/1e6)).
    "rel_tol": 5e-3,
}


if __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parents[1]))  # side_by_side
    import side_by_side

    side_by_side.main(BENCHMARK)
