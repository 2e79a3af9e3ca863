"""``python -m harness compare OTHER``: how far two results files' speedups differ.

Each difference is set against the noise both runs measured on their machine
(``noise``): one within the larger of the two bands is marked as such, since
the machine alone moves that much between runs.
"""

from pathlib import Path

from harness import derived, results
from harness.records import Record


def speedups(record: Record) -> dict[str, float]:
    return {v.name: derived.speedup(record, v) for v in record.timed()}


def compare(results_path: Path, other_path: Path, console) -> int:
    """Print each shared row's speedup in both files; return 2 if a file cannot be read."""
    try:
        ours, theirs = results.load(results_path), results.load(other_path)
    except results.ResultsError as error:
        console.print(f"[red]Cannot compare: {error}")
        return 2
    worst, beyond = 0.0, 0
    for example_id in sorted(ours.examples.keys() & theirs.examples.keys()):
        a_record, b_record = ours.examples[example_id], theirs.examples[example_id]
        bands = [derived.noise_band(r) for r in (a_record, b_record)]
        band = max((b for b in bands if b is not None), default=None)
        a, b = speedups(a_record), speedups(b_record)
        for name in (n for n in a if n in b):
            change = b[name] / a[name] - 1
            worst = max(worst, abs(change))
            within = band is not None and abs(change) <= band
            beyond += band is not None and not within
            verdict = "within the noise" if within else "" if band is None else "beyond the noise"
            print(
                f"{example_id:24} {name:45} {a[name]:7.2f}× {b[name]:7.2f}× {change:+7.1%}  "
                f"{verdict}"
            )
    print(f"Largest difference between speedups: {worst:.1%}; {beyond} beyond the noise band")
    return 0
