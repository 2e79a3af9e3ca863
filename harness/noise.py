"""How much this machine's own timings move during a run: an A/A comparison.

A fixed, pure-Python reference workload is timed in a fresh interpreter at
the start of a run and after every example measured. The same work timed
twice should take the same time; on a shared machine it does not, and the
largest relative difference between two of these checks is the run's noise
band. A speedup (a ratio of two medians) that lies within it cannot be told
apart from no speedup on this machine, in this run.
"""

import json
import statistics
import subprocess
import sys
from dataclasses import dataclass, field

# Runs in a fresh interpreter: standard library only, about 40 ms per call.
REFERENCE = """
import json, time
def work():
    values = [i * i % 7919 for i in range(200_000)]
    values.sort()
    return sum(values)
times = []
for _ in range({repeats} + 1):
    start = time.perf_counter()
    work()
    times.append(time.perf_counter() - start)
print(json.dumps(times[1:]))
"""


def time_reference(repeats: int = 5, python: str = sys.executable) -> float:
    """The median time of the reference workload, in a fresh interpreter (after a warm-up)."""
    done = subprocess.run(
        [python, "-c", REFERENCE.format(repeats=repeats)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return statistics.median(json.loads(done.stdout))


def relative_spread(values: list[float]) -> float:
    """A robust relative standard deviation: 1.4826 × MAD ÷ median (σ for normal data)."""
    middle = statistics.median(values)
    deviation = statistics.median(abs(v - middle) for v in values)
    return 1.4826 * deviation / middle


@dataclass
class NoiseMeter:
    """The reference checks of one run, and the band they imply around one example."""

    repeats: int = 5
    medians: list[float] = field(default_factory=list)

    def check(self) -> None:
        self.medians.append(time_reference(self.repeats))

    def summary(self) -> dict | None:
        """The noise around the example just measured, between the last two checks.

        Two parts: how far the checks just before and after it strayed from the
        run's typical reference time (the machine was busier or quieter while
        it ran), and the checks' usual scatter. Both enter twice, because a
        speedup divides one median by another. None before two checks.
        """
        if len(self.medians) < 2:
            return None
        typical = statistics.median(self.medians)
        around = self.medians[-2:]
        strayed = max(abs(m / typical - 1) for m in around)
        scatter = relative_spread(self.medians) if len(self.medians) >= 3 else strayed
        return {
            "band": 2 * strayed + 2 * 2**0.5 * scatter,
            "checks": len(self.medians),
            "reference_median": typical,
            "around": around,
        }
