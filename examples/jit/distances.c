/* The loop kernel of distances.py, in C, to see how close Numba gets.
   distances.py compiles it at run time when it finds a C compiler. */
#include <math.h>
#include <stddef.h>

// --8<-- [start:kernel]
/* Sum of the distances between every pair of n points in 3-D (x, y, z rows). */
double sum_of_distances(const double *points, size_t n)
{
    double total = 0.0;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n; j++) {
            double dx = points[3 * i] - points[3 * j];
            double dy = points[3 * i + 1] - points[3 * j + 1];
            double dz = points[3 * i + 2] - points[3 * j + 2];
            total += sqrt(dx * dx + dy * dy + dz * dz);
        }
    }
    return total;
}
// --8<-- [end:kernel]
