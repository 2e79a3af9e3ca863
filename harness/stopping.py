"""When to stop repeating a variant's calls: its median known well enough, or time spent."""

import math
import statistics

SLOW_RUNS = 3


def median_interval(samples: list[float], confidence: float = 0.95):
    """A distribution-free confidence interval for the median, or None with too few samples.

    The k-th smallest and k-th largest samples bracket the true median with
    probability 1 - 2 P(B < k), B ~ Binomial(n, 1/2): no assumption about the
    shape of the distribution (timings are skewed: a few slow outliers).
    """
    ordered, n = sorted(samples), len(samples)
    below, best = 0.0, None
    for k in range(n // 2):
        below += math.comb(n, k) / 2**n  # P(B <= k)
        if 1 - 2 * below < confidence:
            break
        best = k
    return None if best is None else (ordered[best], ordered[n - 1 - best])


def enough(walls: list[float], stop: dict) -> bool:
    """Whether the median of ``walls`` is known well enough to stop repeating.

    Always at least ``min_runs`` calls and at most ``max_runs``. In between,
    stop once the median's 95 % interval is within ``precision`` of it, or once
    ``max_seconds`` have been timed (a slow variant gets few, long runs). A
    variant so slow that ``SLOW_RUNS`` calls already took ``max_seconds`` stops
    there: a median of three calls of seconds each is known well enough, and
    the full profile would otherwise spend minutes on the slowest row.
    """
    n = len(walls)
    if n >= SLOW_RUNS and sum(walls) >= stop["max_seconds"]:
        return True
    if n < stop["min_runs"]:
        return False
    if n >= stop["max_runs"] or sum(walls) >= stop["max_seconds"]:
        return True
    interval = median_interval(walls)
    if interval is None:
        return False
    return (interval[1] - interval[0]) / 2 <= stop["precision"] * statistics.median(walls)
