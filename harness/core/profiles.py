"""How thoroughly to measure: the profiles, from least to most thorough.

Each profile measures the examples at the size of its own name (an entry of
``BENCHMARK["sizes"]``). Imported by the MkDocs hooks (to know whether a table
is thorough enough for a claim), so it imports nothing but the standard library.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    """How an example's variants are timed (``rounds``): each in an interpreter of
    its own, called ``warmups`` times untimed, then timed in paired rounds (one
    sample of each per round) until every row's interval is within ``precision``
    or ``max_seconds`` of samples have been timed, at least ``min_rounds`` rounds
    and at most ``max_rounds``. A call shorter than ``min_sample`` is repeated
    inside one sample until the sample lasts that long."""

    name: str  # also the entry of BENCHMARK["sizes"] it measures
    warmups: int
    min_rounds: int
    max_rounds: int
    max_seconds: float  # of timed samples, every variant's together: the example's budget
    precision: float  # a row's interval ± this share of its speedup is narrow enough
    precision_several: float  # the same for a row on several cores (noisier by nature)
    min_sample: float  # seconds
    timeout: float  # seconds one answer of a worker may take
    # True: the script is run as a reader runs it (side_by_side: every variant once,
    # in turn, in one interpreter), which proves they run and agree in a fraction of
    # the time; a failure is still put down to its variant.
    as_a_reader: bool
    # Whether its numbers mean anything: the pages' claims are checked against its tables.
    meaningful: bool


PROFILES = {
    # For tests: proves every example runs, as a reader runs it; numbers mean little.
    "smoke": Profile(
        "smoke", warmups=0, min_rounds=1, max_rounds=1, max_seconds=0, precision=1,
        precision_several=1, min_sample=0, timeout=120, as_a_reader=True, meaningful=False,
    ),
    # For previews: rows within ±2 % (±10 % on several cores), or 8 s of samples.
    # A sample lasts 0.1 s at least: a parallel call's first call in a sample pays
    # for waking its threads (asleep while the other variants ran), which in a
    # sample of one or two 13 ms calls made prange's speedup jump between runs.
    "quick": Profile(
        "quick", warmups=1, min_rounds=6, max_rounds=200, max_seconds=8, precision=0.02,
        precision_several=0.1, min_sample=0.1, timeout=300, as_a_reader=False, meaningful=True,
    ),
    # For publishing: full sizes, rows within ±1 % (±5 % on several cores), or 2 minutes.
    "full": Profile(
        "full", warmups=2, min_rounds=10, max_rounds=1000, max_seconds=120, precision=0.01,
        precision_several=0.05,
        min_sample=0.1, timeout=900, as_a_reader=False, meaningful=True,
    ),
}  # fmt: skip
RANK = {name: rank for rank, name in enumerate(PROFILES)}


def at_least(profile: str, wanted: str) -> bool:
    """Whether a record of ``profile`` is as thorough as ``wanted`` asks."""
    return RANK.get(profile, -1) >= RANK[wanted]
