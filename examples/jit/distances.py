# /// script
# requires-python = ">=3.11"
# dependencies = [
#     "numba>=0.61", "numpy>=2.1",
#     "cython>=3.1", "mypy>=1.15", "setuptools>=75",
# ]
# [tool.faster-python]
# takes-part-in = ["interpreters", "compare-commits"]
# ///
"""Sum the distances between every pair of points: pure Python, NumPy, Numba,
Cython, mypyc and C.

A loop-heavy kernel of the kind pure Python is hopeless at: n points make
n(n-1)/2 pairs, each a few arithmetic operations. Numba compiles the same
loops to machine code; ``parallel=True`` with ``prange`` spreads the outer
loop over the cores; ``fastmath=True`` lets the compiler reorder floating
point. The same kernel in C (``distances.c``, beside this file) is compiled
when the script starts, if a C compiler is found, to see how close Numba gets.
Cython (``distances_cython.pyx``) and mypyc (``distances_typed.py``, ordinary
typed Python) build C extensions of the same loops, once, with the same
compiler (``building.py``); the typed Python also runs as it is.
"""

import ctypes
import hashlib
import math
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import building
import distances_typed
import numba
import numpy as np
from numba import njit, prange

HERE = Path(__file__).resolve().parent


# --8<-- [start:python]
def python_loops(points: list[tuple[float, float, float]]) -> float:
    total = 0.0
    for i, (xi, yi, zi) in enumerate(points):
        for xj, yj, zj in points[i + 1 :]:
            total += math.sqrt((xi - xj) ** 2 + (yi - yj) ** 2 + (zi - zj) ** 2)
    return total


# --8<-- [end:python]


# --8<-- [start:numpy]
def numpy_rows(points: np.ndarray) -> float:
    """One vectorised step per point: its distances to all the points after
    it."""
    total = 0.0
    for i in range(len(points) - 1):
        differences = points[i + 1 :] - points[i]
        total += np.sqrt((differences * differences).sum(axis=1)).sum()
    return float(total)


# --8<-- [end:numpy]


# --8<-- [start:numba]
@njit(cache=True)
def numba_loops(points: np.ndarray) -> float:
    total = 0.0
    n = points.shape[0]
    for i in range(n):
        for j in range(i + 1, n):
            dx = points[i, 0] - points[j, 0]
            dy = points[i, 1] - points[j, 1]
            dz = points[i, 2] - points[j, 2]
            total += math.sqrt(dx * dx + dy * dy + dz * dz)
    return total


# --8<-- [end:numba]


# --8<-- [start:fastmath]
# The same function compiled again, allowed to reorder floating-point
# arithmetic. Not cached: Numba's cache tells compilations apart by function and
# types, not options.
numba_fastmath = njit(fastmath=True)(numba_loops.py_func)


# --8<-- [end:fastmath]


# --8<-- [start:prange]
@njit(cache=True, inline="always")
def row_total(points: np.ndarray, i: int) -> float:
    """Distances from point i to every point after it: n - i - 1 pairs."""
    total = 0.0
    for j in range(i + 1, points.shape[0]):
        dx = points[i, 0] - points[j, 0]
        dy = points[i, 1] - points[j, 1]
        dz = points[i, 2] - points[j, 2]
        total += math.sqrt(dx * dx + dy * dy + dz * dz)
    return total


@njit(cache=True, parallel=True)
def numba_prange(points: np.ndarray) -> float:
    total = 0.0
    # prange splits the rows between threads; Numba adds up their totals at the
    # end.
    for i in prange(points.shape[0]):
        total += row_total(points, i)
    return total


# --8<-- [end:prange]


# --8<-- [start:balanced]
@njit(cache=True, parallel=True)
def numba_prange_balanced(points: np.ndarray) -> float:
    n = points.shape[0]
    total = 0.0
    # Row k is long and row n-1-k short; together they are always n-1 pairs,
    # so every step of the parallel loop is the same amount of work.
    for k in prange(n // 2):
        total += row_total(points, k) + row_total(points, n - 1 - k)
    if n % 2:
        total += row_total(points, n // 2)
    return total


# --8<-- [end:balanced]


# --8<-- [start:c]
def find_compiler() -> str | None:
    """$CC if set, else the compiler Python was built with, else cc: the first
    that exists."""
    if os.environ.get("CC"):
        candidates = [os.environ["CC"]]
    else:
        candidates = [sysconfig.get_config_var("CC") or "", "cc"]
    for command in candidates:
        if command and shutil.which(command.split()[0]):
            return command.split()[0]
    return None


def compile_c(
    flags: tuple[str, ...] = ("-O3", "-march=native"),
    cache: Path = HERE / ".cache",
) -> ctypes.CDLL | None:
    """Build distances.c into a shared library (kept in ``cache``, by source
    and flags), or None."""
    compiler = find_compiler()
    if compiler is None:
        return None
    source = HERE / "distances.c"
    key = hashlib.sha256(
        source.read_bytes() + " ".join(flags).encode()
    ).hexdigest()[:12]
    library = cache / f"distances-{key}.so"
    if not library.exists():
        library.parent.mkdir(exist_ok=True)
        # Build beside it, then rename: a run started meanwhile never loads half
        # a file.
        partial_build = library.with_suffix(f".{os.getpid()}.tmp")
        build = subprocess.run(
            [
                compiler,
                *flags,
                "-shared",
                "-fPIC",
                str(source),
                "-o",
                str(partial_build),
                "-lm",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if build.returncode != 0:
            print(
                f"C: {compiler} could not build "
                f"{source.name}:\n{build.stderr.strip()}"
            )
            partial_build.unlink(missing_ok=True)
            return None
        os.replace(partial_build, library)
    c = ctypes.CDLL(str(library))
    c.sum_of_distances.restype = ctypes.c_double
    c.sum_of_distances.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    return c


def c_loops(points: np.ndarray, c: ctypes.CDLL) -> float:
    points = np.ascontiguousarray(points, dtype=np.float64)
    return c.sum_of_distances(points.ctypes.data, len(points))


# --8<-- [end:c]


def workload(n: int = 8000):
    """n points in a unit cube, as a list of tuples (for Python) and as an
    array.

    n: how many points
    """
    if C is None:
        print(
            "C: skipped, no C compiler found or it failed (set CC to use "
            "another)"
        )
    print(
        f"{n} points, {n * (n - 1) // 2:,} pairs; Numba uses {THREADS} threads"
    )
    array = np.random.default_rng(0).random((n, 3))
    return {"list": [tuple(p) for p in array.tolist()], "array": array}


C = compile_c() if os.name == "posix" else None
THREADS = numba.get_num_threads()
# --8<-- [start:build]
# Built once (cythonize -i / mypyc), then imported from examples/jit/.cache/.
CYTHON = MYPYC = None
if os.name == "posix" and C is not None:
    CYTHON = building.compiled(HERE / "distances_cython.pyx", "cython")
    MYPYC = building.compiled(HERE / "distances_typed.py", "mypyc")
# --8<-- [end:build]


def built(module, tool: str):
    """The module ``tool`` built, or an error that says the build failed."""
    if module is None:
        raise RuntimeError(f"{tool} did not build: its output is printed above")
    return module


# Compared with @njit: how far parallel threads, fastmath and C take it.
COMPILED = {
    "@njit": lambda w: numba_loops(w["array"]),
    "@njit(fastmath=True)": lambda w: numba_fastmath(w["array"]),
    f"prange, {THREADS} threads, rows in order": lambda w: numba_prange(
        w["array"]
    ),
    f"prange, {THREADS} threads, long and short rows paired": (
        lambda w: numba_prange_balanced(w["array"])
    ),
}
if C is not None:
    COMPILED["C, -O3 -march=native"] = lambda w: c_loops(w["array"], C)
SIZES = {
    "smoke": {"n": 200},
    "quick": {"n": 4500},
    "full": {"n": 8000},
}  # points


BENCHMARK = {
    "workload": workload,
    "sizes": SIZES,
    "variants": {
        "interpreted": {
            "pure Python loops": lambda w: python_loops(w["list"]),
            "typed Python, index loops": lambda w: (
                distances_typed.sum_of_distances(w["list"])
            ),
            "NumPy, a row at a time": lambda w: numpy_rows(w["array"]),
        },
        "compiled": {
            "@njit": COMPILED["@njit"],
            "@njit(fastmath=True)": COMPILED["@njit(fastmath=True)"],
            f"prange, {THREADS} threads, rows in order": {
                "run": COMPILED[f"prange, {THREADS} threads, rows in order"],
                "workers": THREADS,
            },
            f"prange, {THREADS} threads, long and short rows paired": {
                "run": COMPILED[
                    f"prange, {THREADS} threads, long and short rows paired"
                ],
                "workers": THREADS,
            },
            # Where no compiler works, the row says so ("not measured here")
            # instead.
            "C, -O3 -march=native": {
                "run": lambda w: c_loops(w["array"], C),
                "requires": ["c-compiler"],
            },
            "typed Python, compiled with mypyc": {
                "run": lambda w: built(MYPYC, "mypyc").sum_of_distances(
                    w["list"]
                ),
                "requires": ["c-compiler"],
            },
            "Cython, typed memoryview": {
                "run": lambda w: built(CYTHON, "Cython").sum_of_distances(
                    w["array"]
                ),
                "requires": ["c-compiler"],
            },
            f"Cython prange, {THREADS} OpenMP threads": {
                "run": lambda w: built(
                    CYTHON, "Cython"
                ).sum_of_distances_prange(w["array"], THREADS),
                "workers": THREADS,
                "requires": ["c-compiler"],
            },
        },
    },
    "rel_tol": 1e-9,  # threads and fastmath add the terms in another order
    "table": {
        "efficiency": True
    },  # speedup ÷ workers: the prange rows' efficiency
}


if __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parents[1]))  # side_by_side
    import side_by_side

    side_by_side.main(BENCHMARK)
