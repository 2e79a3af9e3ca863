"""The scaling laws the tables and plots compare measurements with.

``serial`` is the serial fraction: the share of the one-worker run that
cannot be split between workers.
"""


def amdahl(serial: float, workers: int) -> float:
    """Best speedup of a fixed problem on ``workers``: 1 / (s + (1 - s) / N)."""
    return 1 / (serial + (1 - serial) / workers)


def gustafson(serial: float, workers: int) -> float:
    """Scaled speedup when the parallel part grows with the workers: s + (1 - s) N."""
    return serial + (1 - serial) * workers


def karp_flatt(speedup: float, workers: int) -> float | None:
    """The serial fraction that would explain a measured speedup (Karp and Flatt, 1990).

    It counts every overhead (start-up, pickling, idle cores) as serial work,
    so the gap to the designed serial fraction is what the overheads cost.
    """
    if workers < 2:
        return None
    return (1 / speedup - 1 / workers) / (1 - 1 / workers)
