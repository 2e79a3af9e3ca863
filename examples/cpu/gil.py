# /// script
# requires-python = ">=3.11"
# dependencies = ["numba>=0.61", "numpy>=2.1"]
# [tool.faster-python]
# takes-part-in = ["interpreters", "large-runner"]
# ///
"""What the GIL serialises and what releases it: the same work on one thread,
threads and processes.

Four kinds of work, each split into equal tasks: pure-Python arithmetic,
NumPy calls, a Numba function compiled with and without ``nogil=True``, and
blocking waits. On a normal CPython build only one thread runs Python
bytecode at a time, so pure Python gains nothing from threads; code that
releases the GIL (NumPy's loops, ``nogil`` Numba, waiting) runs on several
cores from threads. On a free-threaded build (3.13t, 3.14t) there is no GIL
and pure Python scales on threads too.
"""

import math
import sys
import sysconfig
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import numpy as np
from cores import usable_cores

# pure Python, importable by sub-interpreters too
from primes import count_primes

try:
    from numba import njit
except ImportError:  # Numba may not support a new or free-threaded Python yet
    njit = None


# --8<-- [start:numpy]
def numpy_work(seed: int, size: int = 2_000_000) -> float:
    """Transcendental functions over a large array: the loops run in C, without
    the GIL."""
    x = np.random.default_rng(seed).random(size)
    return float(np.sum(np.sin(x) * np.exp(-x) + np.sqrt(x)))


# --8<-- [end:numpy]


# --8<-- [start:numba]
def series(n: int) -> float:
    total = 0.0
    for k in range(1, n):
        total += math.sin(k) / k
    return total


if njit is not None:
    # Two compiled versions of the same function (what @njit(nogil=True) would
    # make of it):
    series_nogil = njit(nogil=True)(series)  # releases the GIL while it runs
    series_with_gil = njit(series)  # holds the GIL throughout


# --8<-- [end:numba]


def wait(seconds: float) -> float:
    """Stands in for a blocking call (a socket, a disk): it releases the GIL
    while waiting."""
    time.sleep(seconds)
    return seconds


# --8<-- [start:runners]
def one_thread(function, tasks: list) -> list:
    return [function(task) for task in tasks]


def on_threads(function, tasks: list, workers: int) -> list:
    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(function, tasks))


def on_processes(function, tasks: list, workers: int) -> list:
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(function, tasks))


# --8<-- [end:runners]


# --8<-- [start:interpreters]
def on_interpreters(function, tasks: list, workers: int) -> list:
    """Python 3.14+: one interpreter per worker, each with its own GIL, in one
    process."""
    from concurrent.futures import InterpreterPoolExecutor

    with InterpreterPoolExecutor(workers) as pool:
        return list(pool.map(function, tasks))


# --8<-- [end:interpreters]


# --8<-- [start:build]
def describe_build() -> str:
    """Which CPython this is: with the GIL, or free-threaded with it on or
    off."""
    if not sysconfig.get_config_var("Py_GIL_DISABLED"):
        return f"Python {sys.version.split()[0]}, with the GIL"
    # sys._is_gil_enabled() exists from 3.13; a free-threaded build re-enables
    # the GIL when an extension module that does not support running without it
    # is imported.
    state = (
        "off"
        if not sys._is_gil_enabled()
        else "re-enabled (PYTHON_GIL=1 or a module)"
    )
    return f"Python {sys.version.split()[0]}, free-threaded, GIL {state}"


# --8<-- [end:build]


HAS_INTERPRETERS = sys.version_info >= (3, 14)
WORKERS = max(usable_cores(), 2)


def workload(
    tasks: int = 8,
    primes_per_task: int = 60_000,
    series_terms: int = 20_000_000,
):
    """Equal tasks of each kind of work.

    tasks: how many tasks of each kind
    primes_per_task: numbers each pure-Python task tests for primality
    series_terms: terms each Numba task adds up
    """
    print(describe_build())
    return {
        "primes": [
            (n * primes_per_task, (n + 1) * primes_per_task)
            for n in range(tasks)
        ],
        "seeds": list(range(tasks)),
        "terms": [series_terms] * tasks,
        "waits": [0.1] * tasks,
    }


def two_ways(function, tasks: str) -> dict:
    """The work of one kind on one thread, then on WORKERS threads."""
    return {
        "one thread": lambda w: one_thread(function, w[tasks]),
        f"{WORKERS} threads": lambda w: on_threads(function, w[tasks], WORKERS),
    }


def pure_python() -> dict:
    return {
        **two_ways(count_primes, "primes"),
        f"{WORKERS} processes": lambda w: on_processes(
            count_primes, w["primes"], WORKERS
        ),
    }


def on_interpreters_row(w) -> list:
    return on_interpreters(count_primes, w["primes"], WORKERS)


SIZES = {  # presets for --size
    "smoke": {"tasks": 4, "primes_per_task": 2_000, "series_terms": 10_000},
    "quick": {"tasks": 4, "primes_per_task": 40_000, "series_terms": 4_000_000},
    "full": {"tasks": 8, "primes_per_task": 60_000, "series_terms": 20_000_000},
}


def needing(requirement: str, runs: dict) -> dict:
    return {
        name: {"run": run, "requires": [requirement]}
        for name, run in runs.items()
    }


BENCHMARK = {
    "workload": workload,
    "sizes": SIZES,
    # Each group is compared with its own first row. Rows this Python cannot run
    # are listed all the same, with what they need.
    "variants": {
        "pure Python": {
            **pure_python(),
            f"{WORKERS} interpreters": {
                "run": on_interpreters_row,
                "requires": ["python>=3.14"],
            },
        },
        "NumPy": two_ways(numpy_work, "seeds"),
        "Numba, nogil=True": needing(
            "module:numba", two_ways(lambda n: series_nogil(n), "terms")
        ),
        "Numba, holding the GIL": needing(
            "module:numba", two_ways(lambda n: series_with_gil(n), "terms")
        ),
        "waiting (sleep)": two_ways(wait, "waits"),
    },
    "rel_tol": 1e-6,  # NumPy may sum in another order on another thread
}


if __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parents[1]))  # side_by_side
    import side_by_side

    side_by_side.main(BENCHMARK)
