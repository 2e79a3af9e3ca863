"""Summaries of repeated timings."""

import statistics

from harness.core.records import Summary


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
