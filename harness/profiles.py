"""How thoroughly to measure: the profiles, from least to most thorough.

Each profile measures the examples at the size of its own name (an entry of
``BENCHMARK["sizes"]``). Imported by the MkDocs hooks (to know whether a table
is thorough enough for a claim), so it imports nothing but the standard library.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    """In each interpreter a variant is called ``warmups`` times untimed, then timed
    until its median is known within ``precision`` (a 95 % interval), with at least
    ``min_runs`` calls and at most ``max_runs``, or until ``max_seconds`` have been
    timed (``stopping.enough``)."""

    name: str  # also the entry of BENCHMARK["sizes"] it measures
    interpreters: int  # fresh interpreters per variant
    warmups: int  # untimed calls per interpreter
    min_runs: int
    max_runs: int
    max_seconds: float
    precision: float
    timeout: float  # seconds one interpreter may run
    # True: the script is run as a reader runs it (side_by_side: every variant once,
    # in turn, in one interpreter), which proves they run and agree in a fraction of
    # the time; a failure is still put down to its variant. False: every variant in
    # interpreters of its own.
    as_a_reader: bool
    # Whether its numbers mean anything: the machine's noise is measured, and the
    # pages' claims are checked against its tables.
    meaningful: bool

    def stop(self) -> dict:
        return {
            "min_runs": self.min_runs,
            "max_runs": self.max_runs,
            "max_seconds": self.max_seconds,
            "precision": self.precision,
        }


PROFILES = {
    # For tests: proves every example runs under the harness; numbers mean little.
    "smoke": Profile(
        "smoke", interpreters=1, warmups=0, min_runs=1, max_runs=1, max_seconds=0,
        precision=1, timeout=120, as_a_reader=True, meaningful=False,
    ),
    # For previews: the median within 3 %, or 2 s of timed calls, whichever comes first.
    "quick": Profile(
        "quick", interpreters=1, warmups=1, min_runs=3, max_runs=200, max_seconds=2,
        precision=0.03, timeout=300, as_a_reader=False, meaningful=True,
    ),
    # For publishing: full sizes, two interpreters, the median within 1 % or 10 s each.
    "full": Profile(
        "full", interpreters=2, warmups=1, min_runs=5, max_runs=500, max_seconds=10,
        precision=0.01, timeout=900, as_a_reader=False, meaningful=True,
    ),
}  # fmt: skip
RANK = {name: rank for rank, name in enumerate(PROFILES)}


def at_least(profile: str, wanted: str) -> bool:
    """Whether a record of ``profile`` is as thorough as ``wanted`` asks."""
    return RANK.get(profile, -1) >= RANK[wanted]
