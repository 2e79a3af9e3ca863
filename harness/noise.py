"""How much this machine's own timings move during a run: an A/A comparison.

A fixed, pure-Python reference workload is timed in a fresh interpreter at
the start of a run and after every example measured. The same work timed
again and again should take the same time; on a shared machine it does not
(on a 2-core cloud machine it has ranged over nearly a factor of two in one
run). The robust spread σ of these checks is how far one measurement's level
moves by the machine alone. A speedup divides one median by another (√2 σ);
measured again, it moves by the difference of two such ratios (2 σ). The
run's noise band is the 95 % range of that: 1.96 × 2 × σ, how far a speedup
in this run's tables can move when the same command runs again. A speedup
closer to 1 than the band cannot be told apart from no speedup here.
"""

import json
import statistics
import subprocess
import sys
from dataclasses import dataclass, field

from harness.records import Noise

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


def band_of(checks: list[float]) -> float:
    """How far a speedup can move between two runs (95 %), from the reference checks' spread."""
    if len(checks) >= 3:
        spread = relative_spread(checks)
    else:  # two checks: their difference, as the standard deviation of one
        spread = abs(checks[0] - checks[1]) / 2**0.5 / statistics.mean(checks)
    return 1.96 * 2 * spread


@dataclass
class NoiseMeter:
    """The reference checks of one run, and the band they imply."""

    repeats: int = 5
    medians: list[float] = field(default_factory=list)

    def check(self) -> None:
        self.medians.append(time_reference(self.repeats))

    def summary(self, around: tuple[float, ...] | None = None) -> Noise | None:
        """The run's noise so far, with the checks just before and after one example.

        None before two checks. Called again at the end of a run, for every
        example measured in it, so that each table states the band of the whole
        run, not of the few checks made before it.
        """
        if len(self.medians) < 2:
            return None
        return Noise(
            band=band_of(self.medians),
            checks=len(self.medians),
            reference_median=statistics.median(self.medians),
            around=tuple(around if around is not None else self.medians[-2:]),
        )
