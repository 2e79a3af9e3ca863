"""How far a speedup measured in paired rounds moves when the same command runs again.

Each round times one call of every variant, moments apart (``rounds``), so a
speedup is a ratio of calls that shared the machine's state: a core that
slowed down for a few seconds slowed both. Round ``i`` gives one ratio
``baseline_i / variant_i``; the speedup is their geometric mean (the mean on
the log scale, so 0.25× and 4× are judged alike), leaving out a round far
from the others (more than 4 robust standard deviations: another program took
the core for a moment). Its interval is where, 95 % of the time, the speedup
of a second run of the same command falls: ± t × √2 × the standard error of
that mean (two runs, each with its own error).

Rounds are not independent: a shared machine drifts over seconds, so
neighbouring rounds share their luck, and an error computed as if they did not
comes out too small (two quick runs of four examples back to back fell outside
it one time in four). The error comes from the means of batches of consecutive
rounds instead (batch means, as in simulation output analysis), which sees drift
slower than one round.

Standard library only (it is small, and the stopping rule runs it after every
round).
"""

import math
import statistics
from dataclasses import dataclass

# Student's t, 97.5th percentile, by degrees of freedom (1 to 30); the normal
# 1.96 beyond. Few rounds of a slow variant get the wide interval they deserve.
T975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip
MIN_PAIRS = 3  # fewer rounds than this give a speedup, but no interval
OUTLIER = 4.0  # robust standard deviations from the median: a disturbed round
FEW = 5  # fewer pairs than this: none is left out (too few to tell)
BATCHED = 12  # from this many pairs on, the error comes from batches of rounds
MAX_BATCHES = 8  # batches of at least four rounds each, up to eight of them


@dataclass(frozen=True)
class Ratio:
    """A ratio measured pair by pair: its value and the interval a rerun falls in."""

    value: float
    low: float | None = None  # None: too few pairs for an interval
    high: float | None = None
    pairs: int = 0

    @property
    def half_width(self) -> float | None:
        """The interval's half-width as a share of the value (0.03: ±3 %)."""
        return None if self.low is None else math.sqrt(self.high / self.low) - 1

    def includes(self, x: float) -> bool:
        """Whether ``x`` is inside the interval (always, without one)."""
        return self.low is None or self.low <= x <= self.high

    def scaled(self, factor: float) -> "Ratio":
        if self.low is None:
            return Ratio(self.value * factor, None, None, self.pairs)
        return Ratio(self.value * factor, self.low * factor, self.high * factor, self.pairs)


def log_half(found: Ratio) -> float | None:
    """The interval's half-width on the log scale, where it has one."""
    return None if found.low is None else math.log(found.high / found.value)


def moved(before: Ratio, after: Ratio) -> bool | None:
    """Whether ``after`` lies beyond the wider of the two intervals from ``before``, on
    the log scale: the one rule for "this changed" (two runs compared, a step between
    publishes, a commit's time against its base's, which is 1 with no interval).
    None where neither has an interval to judge by."""
    halves = [h for h in (log_half(before), log_half(after)) if h is not None]
    if not halves:
        return None
    return abs(math.log(after.value / before.value)) > max(halves)


def t975(degrees: int) -> float:
    return T975[degrees - 1] if degrees <= len(T975) else 1.96


def kept(logs: list[float]) -> list[float]:
    """The log ratios, less any round far from the others (1.4826 × MAD: a robust σ)."""
    if len(logs) < FEW:
        return logs
    middle = statistics.median(logs)
    robust = 1.4826 * statistics.median(abs(x - middle) for x in logs)
    if robust == 0:
        return logs
    return [x for x in logs if abs(x - middle) <= OUTLIER * robust]


def paired(numerators: list[float], denominators: list[float]) -> Ratio:
    """The ratio numerator ÷ denominator, round by round: a speedup is the baseline's
    times over the variant's."""
    logs = [math.log(a / b) for a, b in zip(numerators, denominators, strict=True)]
    if not logs:
        raise ValueError("no pairs to compare")
    if len(logs) < MIN_PAIRS:
        return Ratio(math.exp(statistics.fmean(logs)), None, None, len(logs))
    used = kept(logs)
    middle = statistics.fmean(used)
    error, degrees = standard_error(used)
    half = t975(degrees) * math.sqrt(2) * error
    return Ratio(math.exp(middle), math.exp(middle - half), math.exp(middle + half), len(used))


def standard_error(logs: list[float]) -> tuple[float, int]:
    """The mean's standard error and its degrees of freedom: from batch means of
    consecutive rounds where there are enough rounds, else from the rounds themselves."""
    n = len(logs)
    if n < BATCHED:
        return statistics.stdev(logs) / math.sqrt(n), n - 1
    batches = max(3, min(MAX_BATCHES, n // 4))
    size = n // batches
    means = [statistics.fmean(logs[k * size : (k + 1) * size]) for k in range(batches)]
    return statistics.stdev(means) / math.sqrt(batches), batches - 1
