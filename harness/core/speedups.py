"""A speedup and its interval: the one place it is computed, for every table, claim,
stopping rule, comparison of two runs or two commits, and publish's history.

A speedup is the baseline's time over the variant's, round by round in paired
rounds (``intervals`` says how far a rerun moves it), and scaled by the work
each did where that grows with the workers (weak scaling, ``BENCHMARK["work"]``).
"""

from harness.core import intervals
from harness.core.intervals import Ratio
from harness.core.records import Record, Variant


def between(baseline: list[float], variant: list[float], work: float = 1.0) -> Ratio:
    """How many times faster ``variant``'s samples are than ``baseline``'s, timed in
    the same rounds, times ``work``: the variant's work over the baseline's."""
    return intervals.paired(baseline, variant).scaled(work)


def work_ratio(a: Variant, b: Variant) -> float:
    return (a.work or 1) / (b.work or 1)


def ratio(record: Record, a: Variant, b: Variant) -> Ratio:
    """How many times faster ``a`` is than ``b`` in a record: round by round where both
    were timed in the same rounds, with the interval a rerun falls in; else (a run as
    a reader runs it) of their medians."""
    ours, theirs = record.of(a), record.of(b)
    if record.rounds and len(ours.samples) == len(theirs.samples) == record.rounds:
        return between(list(theirs.samples), list(ours.samples), work_ratio(a, b))
    return Ratio(work_ratio(a, b) * theirs.wall.median / ours.wall.median)


def speedup_of(record: Record, v: Variant) -> Ratio:
    """A variant's speedup over its baseline, with its interval."""
    return ratio(record, v, record.baseline_of(v))


def reference_ratio(record: Record) -> Ratio | None:
    """The A/A check: the baseline over its second interpreter, round by round."""
    ref = record.reference
    if ref is None or ref.variant not in record.measured or len(ref.samples) < 1:
        return None
    return between(list(record.measured[ref.variant].samples), list(ref.samples))
