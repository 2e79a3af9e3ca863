# /// script
# requires-python = ">=3.11"
# dependencies = ["numba>=0.61", "numpy>=2.1"]
# ///
"""Three Numba surprises: unsupported types, work the compiler removes, too many
threads.

1. Numba compiles numbers, NumPy arrays and a few containers of them; a list of
   dictionaries or of dates is rejected with a ``TypingError`` that names the
   argument.
2. A compiler may delete work whose result nobody uses, so a benchmark that
   forgets to return its result times nothing.
3. ``parallel=True`` starts a thread per core in every process; inside a pool
   of processes, that is cores × cores threads fighting over the cores.
"""

import datetime as dt
import math
import multiprocessing
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numba
import numpy as np
from distances import numba_prange_balanced
from numba import njit


def plain(message: str) -> str:
    """Numba colours its messages for a terminal; keep the text."""
    return re.sub(r"\x1b\[[0-9;]*m", "", message)


# --8<-- [start:types]
@njit
def mean_value(readings):
    total = 0.0
    for reading in readings:
        total += reading["value"]
    return total / len(readings)


def show_types() -> None:
    readings = [
        {"station": "S24", "value": 28.1},
        {"station": "S43", "value": 27.4},
    ]
    try:
        mean_value(readings)
    except numba.core.errors.TypingError as error:
        lines = plain(str(error)).splitlines()
        print("\n".join([lines[0], "...", *lines[-3:]]))
    # The fix: pass what Numba compiles, a NumPy array of the numbers.
    values = np.array([r["value"] for r in readings])
    print(f"with an array instead: mean {njit(lambda v: v.mean())(values):.2f}")
    try:
        njit(lambda days: days[0])([dt.date(2019, 1, 1)])
    except numba.core.errors.TypingError as error:
        print(plain(str(error)).splitlines()[-1])


# --8<-- [end:types]


# --8<-- [start:dead_code]
@njit
def forgot_to_return(n: int) -> None:
    total = 0.0
    for i in range(n):
        # never used: the compiler may drop the whole loop
        total += math.sqrt(i)


@njit
def returns_result(n: int) -> float:
    total = 0.0
    for i in range(n):
        total += math.sqrt(i)
    return total


def show_dead_code() -> None:
    for n in (10_000_000, 100_000_000):
        for function in (forgot_to_return, returns_result):
            function(10)  # compile first, time afterwards
            start = time.perf_counter()
            result = function(n)
            elapsed = time.perf_counter() - start
            print(
                f"{function.__name__:16} n={n:>11,}  {elapsed * 1000:9.3f} ms  "
                f"result {result}"
            )


# --8<-- [end:dead_code]


# --8<-- [start:oversubscription]
def sum_all(work: "Work") -> float:
    """One process: the prange kernel uses every core, one chunk after
    another."""
    return sum(numba_prange_balanced(chunk) for chunk in work.chunks)


def kernel_in_worker(chunk: np.ndarray) -> float:
    """What the pools run: the kernel called by name, so each worker loads it
    from the cache.

    Handed to ``pool.map`` itself, the compiled kernel would be pickled and
    rebuilt in each worker without its cache, and compiled there from scratch.
    """
    return numba_prange_balanced(chunk)


def in_pool(work: "Work", pool: ProcessPoolExecutor) -> float:
    """A chunk per process at a time, each process running the prange kernel."""
    return sum(pool.map(kernel_in_worker, work.chunks))


@contextmanager
def process_pools(workers: int):
    """Two pools: Numba's default threads per process (one per core), and one
    thread each."""
    # spawn: forking a process whose Numba threads have started is unsafe.
    context = multiprocessing.get_context("spawn")
    with (
        ProcessPoolExecutor(workers, mp_context=context) as default_threads,
        ProcessPoolExecutor(
            workers,
            mp_context=context,
            initializer=numba.set_num_threads,
            initargs=(1,),
        ) as one_thread_each,
    ):
        yield default_threads, one_thread_each


# --8<-- [end:oversubscription]


@dataclass
class Work:
    chunks: list[np.ndarray]
    default_threads: ProcessPoolExecutor
    one_thread_each: ProcessPoolExecutor


@contextmanager
def workload(chunks: int = 8, points: int = 8000):
    """The chunks, and the pools started beforehand: their start-up is not what
    we time.

    chunks: how many chunks of points
    points: points in each chunk
    """
    rng = np.random.default_rng(0)
    data = [rng.random((points, 3)) for _ in range(chunks)]
    with process_pools(numba.get_num_threads()) as pools:
        yield Work(data, *pools)


CORES = numba.get_num_threads()

WAYS = {  # where the prange kernel runs, and with how many threads
    f"one process, {CORES} Numba threads": sum_all,
    # The pools outlive each timed call: their workers' CPU time cannot be
    # counted per call.
    f"{CORES} processes × {CORES} Numba threads": {
        "run": lambda w: in_pool(w, w.default_threads),
        "cpu_time": False,
    },
    f"{CORES} processes × 1 Numba thread": {
        "run": lambda w: in_pool(w, w.one_thread_each),
        "cpu_time": False,
    },
}
SIZES = {  # presets for --size: chunks of points for the oversubscription runs
    "smoke": {"chunks": 4, "points": 200},
    "quick": {"chunks": 8, "points": 6000},
    "full": {"chunks": 8, "points": 8000},
}


BENCHMARK = {
    "workload": workload,
    "sizes": SIZES,
    "variants": WAYS,
    "rel_tol": 1e-9,
    "transcripts": {
        "types": ["--show", "types"],
        "dead-code": ["--show", "dead-code"],
    },
}


if __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parents[1]))  # side_by_side
    import side_by_side

    side_by_side.main(
        BENCHMARK, shows={"types": show_types, "dead-code": show_dead_code}
    )
