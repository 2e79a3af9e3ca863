# --8<-- [start:kernel]
# cython: language_level=3, boundscheck=False, wraparound=False
# distutils: extra_compile_args = -O3 -fopenmp
# distutils: extra_link_args = -fopenmp
"""The distances kernel in Cython. Build it with `cythonize -i` (needs a C
compiler); building.py does that for distances.py, once, into
examples/jit/.cache/."""

from cython.parallel import prange
from libc.math cimport sqrt


# A C function (cdef): called from C without Python's call overhead, and
# usable without the GIL (nogil); noexcept: it raises nothing to check for.
cdef inline double row_total(
    const double[:, ::1] points, Py_ssize_t i
) noexcept nogil:
    """Distances from point i to every point after it: n - i - 1 pairs."""
    cdef Py_ssize_t j
    cdef double dx, dy, dz, total = 0.0
    for j in range(i + 1, points.shape[0]):
        dx = points[i, 0] - points[j, 0]
        dy = points[i, 1] - points[j, 1]
        dz = points[i, 2] - points[j, 2]
        total += sqrt(dx * dx + dy * dy + dz * dz)
    return total


def sum_of_distances(const double[:, ::1] points):
    # Typed variables and a typed memoryview: the loops become C loops.
    cdef Py_ssize_t i
    cdef double total = 0.0
    with nogil:  # no Python objects inside: other threads may run meanwhile
        for i in range(points.shape[0]):
            total += row_total(points, i)
    return total


def sum_of_distances_prange(const double[:, ::1] points, int threads):
    cdef Py_ssize_t i
    cdef double total = 0.0
    # OpenMP threads share the rows; "dynamic" hands them out as threads finish
    # (the first rows are the longest). total += … makes it a reduction.
    for i in prange(points.shape[0], nogil=True, schedule="dynamic",
                    num_threads=threads):
        total += row_total(points, i)
    return total
# --8<-- [end:kernel]
