# /// script
# requires-python = ">=3.11"
# dependencies = [
#     "numba>=0.61", "numpy>=2.1",
#     "cython>=3.1", "mypy>=1.15", "setuptools>=75",
# ]
# ///
"""What each compiler's build costs: from the source of the distances kernel
to its first answer.

Numba compiles when the function is first called; C, Cython and mypyc are
built ahead of time, each with the C compiler. Every row here starts from the
source in an empty folder and ends with the kernel's answer for the same small
set of points, so they can be compared: Numba's first call, ``cc`` on
distances.c, ``cythonize -i`` on distances_cython.pyx (Cython to C, then C to
machine code) and ``mypyc`` on distances_typed.py (type check, to C, then
machine code). distances.py builds each once and keeps it; this is the wait a
change to the source costs.
"""

import sys
import tempfile
from pathlib import Path

import building
import distances
import numpy as np
from numba import njit

HERE = Path(__file__).resolve().parent


# --8<-- [start:builds]
def numba_first_call(points: np.ndarray) -> float:
    # A new dispatcher compiles again at its first call. Numba is imported
    # already: a new process would also pay for that, and for setting up the
    # compiler the first time (the rows of compile_cost.py).
    return njit(distances.numba_loops.py_func)(points)


def c_build(points: np.ndarray) -> float:
    with tempfile.TemporaryDirectory() as folder:
        c = distances.compile_c(cache=Path(folder))
        return distances.c_loops(points, c)


def cython_build(points: np.ndarray) -> float:
    with tempfile.TemporaryDirectory() as folder:
        built = building.build(
            HERE / "distances_cython.pyx", "cython", Path(folder)
        )
        return building.load(built, "distances_cython").sum_of_distances(points)


def mypyc_build(points: np.ndarray) -> float:
    with tempfile.TemporaryDirectory() as folder:
        built = building.build(
            HERE / "distances_typed.py", "mypyc", Path(folder)
        )
        module = building.load(built, "distances_typed")
        return module.sum_of_distances([tuple(p) for p in points.tolist()])


# --8<-- [end:builds]


def workload(n: int = 200):
    """n points in a unit cube: enough for an answer, too few to time the
    kernel.

    n: how many points
    """
    print(f"each row builds the kernel from source, then sums {n} points")
    return np.random.default_rng(0).random((n, 3))


BENCHMARK = {
    "workload": workload,
    "sizes": {"smoke": {"n": 200}, "quick": {"n": 200}, "full": {"n": 200}},
    "variants": {
        "build, then the first answer": {
            "Numba: first call compiles": numba_first_call,
            "C: cc -O3 -march=native": {
                "run": c_build,
                "requires": ["c-compiler"],
            },
            "Cython: cythonize -i": {
                "run": cython_build,
                "requires": ["c-compiler"],
            },
            "mypyc: mypyc": {"run": mypyc_build, "requires": ["c-compiler"]},
        }
    },
    "rel_tol": 1e-12,
}


if __name__ == "__main__":
    sys.path.append(str(HERE.parent))  # side_by_side
    import side_by_side

    side_by_side.main(BENCHMARK)
