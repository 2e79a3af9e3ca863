"""Summaries of repeated timings, and the flags a reader should see beside them."""

import statistics

from harness.records import Summary

# A spread (IQR) above this share of the median means the number moved a lot
# between runs: read it with care, or measure again on a quieter machine.
UNSTABLE_SPREAD = 0.10
# Below this a run is dominated by timer resolution and start-up noise.
TOO_SMALL_SECONDS = 0.02


def summarise(samples: list[float]) -> Summary:
    """Median, minimum, interquartile range and count of ``samples`` (seconds)."""
    if not samples:
        raise ValueError("no samples to summarise")
    ordered = sorted(samples)
    if len(ordered) > 1:
        q1, _, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    else:
        q1 = q3 = ordered[0]
    return Summary(
        median=statistics.median(ordered), min=ordered[0], iqr=q3 - q1, runs=len(ordered)
    )


def flags(wall: Summary) -> tuple[str, ...]:
    """Warnings for a wall-time summary: ``unstable`` or ``too small to measure``."""
    found = []
    if wall.median < TOO_SMALL_SECONDS:
        found.append("too small to measure")
    if wall.runs >= 3 and wall.iqr > UNSTABLE_SPREAD * wall.median:
        found.append("unstable")
    return tuple(found)
