# /// script
# requires-python = ">=3.11"
# dependencies = []
# [tool.faster-python]
# test = ["1000"]
# ///
"""Count primes by trial division: pure-Python CPU work for the GIL example.

It lives in its own module, with no imports beyond the standard library,
so that Python 3.14's ``InterpreterPoolExecutor`` can import it into each of
its interpreters: many extension modules (NumPy among them) cannot be loaded
into a sub-interpreter yet. ``python primes.py 100000`` counts the primes
below 100,000.
"""

import argparse
import math


# --8<-- [start:count_primes]
def count_primes(bounds: tuple[int, int]) -> int:
    """Count primes in [low, high) by trial division: pure Python, all
    bytecode."""
    low, high = bounds
    count = 0
    for n in range(max(low, 2), high):
        if all(n % d for d in range(2, math.isqrt(n) + 1)):
            count += 1
    return count


# --8<-- [end:count_primes]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("below", type=int, nargs="?", default=100_000)
    print(count_primes((0, parser.parse_args().below)))
