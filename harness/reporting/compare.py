"""``python -m harness compare OTHER``: whether two runs' speedups agree within their intervals.

Each row measured in both files is within when its two speedups differ (on
the log scale) by no more than the wider of their two intervals: the interval
claims to be where a second run falls 95 % of the time, and two runs of the
same command on the same machine test that claim. The last line, which tooling
reads, states how often it held and how wide the intervals were::

    compared N rows: M within their stated interval (P %); median interval ±X % on one
    core, ±Y % on several
"""

import math
import statistics
from dataclasses import dataclass
from pathlib import Path

from harness.core import intervals, results, speedups
from harness.core.formats import speedup_text
from harness.reporting import derived


@dataclass(frozen=True)
class Compared:
    example: str
    name: str
    before: float
    after: float
    within: bool | None  # None: one of the two has no interval (too few rounds)
    half_width: float | None  # the wider of the two intervals
    one_core: bool


def rows_of(ours, theirs) -> list[Compared]:
    found = []
    for example_id in sorted(ours.examples.keys() & theirs.examples.keys()):
        a_record, b_record = ours.examples[example_id], theirs.examples[example_id]
        shared = {v.name for v in b_record.timed()}
        for v in a_record.timed():
            if v.name not in shared or v.name == v.baseline:
                continue
            a = speedups.speedup_of(a_record, v)
            b = speedups.speedup_of(b_record, b_record.description.variant(v.name))
            both = a.low is not None and b.low is not None  # else: too few rounds to judge
            within = not intervals.moved(a, b) if both else None
            half = max(intervals.log_half(a), intervals.log_half(b)) if both else None
            width = None if half is None else math.exp(half) - 1
            found.append(Compared(example_id, v.name, a.value, b.value, within, width,
                                  derived.one_core(a_record, v)))  # fmt: skip
    return found


def summary(rows: list[Compared]) -> str:
    """The one line tooling reads: how often the intervals held, and how wide they were."""
    judged = [r for r in rows if r.within is not None]
    held = sum(r.within for r in judged)
    share = 100 * held / len(judged) if judged else 0.0

    def median_width(one_core: bool) -> str:
        widths = [r.half_width for r in judged if r.one_core == one_core]
        return f"{100 * statistics.median(widths):.1f} %" if widths else "n/a"

    return (
        f"compared {len(judged)} rows: {held} within their stated interval ({share:.0f} %); "
        f"median interval ±{median_width(True)} on one core, ±{median_width(False)} on several"
    )


def compare(results_path: Path, other_path: Path, console) -> int:
    """Print each shared row's speedup in both files; return 2 if a file cannot be read."""
    try:
        ours, theirs = results.load(results_path), results.load(other_path)
    except results.ResultsError as error:
        console.print(f"[red]Cannot compare: {error}")
        return 2
    rows = rows_of(ours, theirs)
    for r in rows:
        verdict = {True: "within", False: "BEYOND", None: "no interval"}[r.within]
        width = f"±{100 * r.half_width:.1f} %" if r.half_width is not None else ""
        change = r.after / r.before - 1
        before, after = speedup_text(r.before), speedup_text(r.after)
        print(f"{r.example:26} {r.name[:44]:44} {before:>9} {after:>9} {change:+7.1%} "
              f"{width:>9} {verdict}")  # fmt: skip
    print(summary(rows))
    return 0
