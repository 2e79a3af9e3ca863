# /// script
# requires-python = ">=3.11"
# dependencies = []
# [tool.faster-python]
# test = ["4"]
# ///
"""The distances kernel as ordinary typed Python: it runs as it is, and mypyc
compiles it to a C extension (`mypyc distances_typed.py`, which needs a C
compiler). distances.py times both."""

import math


# --8<-- [start:kernel]
def sum_of_distances(points: list[tuple[float, float, float]]) -> float:
    total = 0.0
    n = len(points)
    for i in range(n):
        xi, yi, zi = points[i]
        for j in range(i + 1, n):
            xj, yj, zj = points[j]
            dx = xi - xj
            dy = yi - yj
            dz = zi - zj
            total += math.sqrt(dx * dx + dy * dy + dz * dz)
    return total


# --8<-- [end:kernel]


if __name__ == "__main__":
    import sys

    # n points on a line, 1 apart: a sum that is easy to check by hand (4
    # points: 3 pairs 1 apart, 2 pairs 2 apart, 1 pair 3 apart, so 10).
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    line = [(float(i), 0.0, 0.0) for i in range(n)]
    print(f"{n} points on a line, 1 apart: {sum_of_distances(line)}")
