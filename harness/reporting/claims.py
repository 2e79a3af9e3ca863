"""Sentences about measured results, checked against the results: the claim language.

A page states a claim about a table in a small declarative form::

    [[Threads give pure Python no speedup.]]{claim cpu/gil: "pure Python: * threads"
    speedup at most 1.2}

Checks, each about rows of one example (names as in its table; ``*`` stands
for what differs between machines, such as the core count in "pure Python: *
threads"):

- ``"A" speedup at least X`` / ``"A" speedup at most X``: against A's baseline;
- ``"A" speedup at least X over "B"`` (or ``at most``): against another row;
- ``"A" efficiency at least X`` (or ``at most``): speedup ÷ workers;
- ``"A" faster than "B"``: A's median below B's;
- ``"A" peak memory at most X × "B"``: A's peak memory at most X times B's (memory
  is not judged by the timing intervals);
- ``"A" peak memory at most X × file "F"``: at most X times the size of the
  file F that the variants read (``BENCHMARK["input_bytes"]``);
- ``"A" within noise of "B"``: neither faster nor slower, within A's interval;
- ``"A" fastest``: no other row of its group faster, beyond its interval.

A claim is judged against its row's interval, where a second run of the same
command falls 95 % of the time (the ± in the table): it fails where the whole
interval lies on the wrong side of it (a speedup of 1.52× with ±3 % fails
"at least 1.6"; one of 1.52× with ±10 % does not).

``{claim example at full size: …}`` is checked only against a full table (a
file larger than memory); ``{claim cpu/gil@3.14t: …}`` against another
interpreter's. The MkDocs hook (``hooks/claims.py``) shows each verdict on the
page (``shown``); ``history`` records them with each publish.
"""

import fnmatch
import re
from dataclasses import dataclass

from harness.core import speedups
from harness.core.formats import speedup_text
from harness.core.profiles import PROFILES
from harness.core.records import Record, Variant
from harness.reporting import derived

CLAIM = re.compile(
    r"\[\[(?P<sentence>.+?)\]\]\{claim\s+(?P<example>[\w/.@-]+)"
    rf"(?:\s+at\s+(?P<profile>{'|'.join(PROFILES)})\s+size)?:\s+(?P<check>[^}}]+)\}}",
    re.S,
)


NAME = r'"([^"]+)"'


class ClaimError(Exception):
    """A claim that cannot be checked: malformed, or about a variant that is not there."""


@dataclass(frozen=True)
class Judged:
    """One check against a table: whether it holds, in plain words with the rows' real
    names (no ``*``): which row, what the sentence expects of it, what was measured."""

    holds: bool
    row: str
    expected: str
    measured: str


def row(record: Record, name: str) -> Variant:
    """The variant called ``name``; ``*`` stands for what differs between machines
    ("pure Python: * threads" names the row whatever the core count)."""
    found = [v for v in record.variants if fnmatch.fnmatchcase(v.name, name)]
    if len(found) != 1:
        names = ", ".join(repr(v.name) for v in record.variants)
        raise ClaimError(f"{name!r} must name one variant of {record.id} ({names})")
    if record.of(found[0]) is None:
        raise ClaimError(f"{name!r} was not measured here ({'; '.join(found[0].missing)})")
    return found[0]


def file_size(record: Record, name: str) -> int:
    """The size of a file the example's variants read, by the name its record gives it."""
    sizes = record.description.input_bytes or {}
    if name not in sizes:
        known = ", ".join(map(repr, sizes)) or "none: the example sets no BENCHMARK['input_bytes']"
        raise ClaimError(f"{record.id} records no file {name!r} (files: {known})")
    return sizes[name]


def shown(found, unit: str = "×") -> str:
    """ "1.52× (1.47× to 1.58×)": a ratio and the interval it is judged by, written as
    the tables write a speedup (an efficiency without the ×)."""

    def number(x: float) -> str:
        return speedup_text(x).removesuffix("×") + unit

    if found.low is None:
        return number(found.value)
    return f"{number(found.value)} ({number(found.low)} to {number(found.high)})"


def at_least(found, limit: float) -> bool:
    """A ratio reaches ``limit`` unless its whole interval lies below it."""
    return (found.high if found.high is not None else found.value) >= limit


def at_most(found, limit: float) -> bool:
    """A ratio stays under ``limit`` unless its whole interval lies above it."""
    return (found.low if found.low is not None else found.value) <= limit


def mib(n: int) -> str:
    return f"{n / 2**20:.0f} MiB"


def speedup_check(record: Record, a: str, side: str, limit: str) -> Judged:
    chosen = row(record, a)
    found = speedups.speedup_of(record, chosen)
    limit = float(limit)
    holds = at_least(found, limit) if side == "least" else at_most(found, limit)
    expected = f"at {side} {limit:g}× the speed of {chosen.baseline!r}"
    return Judged(holds, chosen.name, expected, shown(found))


def speedup_over_check(record: Record, a: str, side: str, limit: str, b: str) -> Judged:
    chosen, other = row(record, a), row(record, b)
    found = speedups.ratio(record, chosen, other)
    limit = float(limit)
    holds = at_least(found, limit) if side == "least" else at_most(found, limit)
    expected = f"at {side} {limit:g}× the speed of {other.name!r}"
    return Judged(holds, chosen.name, expected, shown(found))


def efficiency_check(record: Record, a: str, side: str, limit: str) -> Judged:
    chosen = row(record, a)
    found = derived.efficiency_of(record, chosen)
    if found is None:
        raise ClaimError(f"{a!r} has one worker: no efficiency to claim")
    limit = float(limit)
    holds = at_least(found, limit) if side == "least" else at_most(found, limit)
    expected = f"a speedup ÷ workers of at {side} {limit:g}"
    return Judged(holds, chosen.name, expected, shown(found, unit=""))


def memory_check(record: Record, a: str, limit: str, b: str) -> Judged:
    chosen, other = row(record, a), row(record, b)
    ours, theirs = record.of(chosen).peak_rss, record.of(other).peak_rss
    limit = float(limit)
    expected = f"at most {limit:g}× the peak memory of {other.name!r}"
    measured = f"{ours / theirs:.2f}× ({mib(ours)} against {mib(theirs)})"
    return Judged(ours / theirs <= limit, chosen.name, expected, measured)


def file_check(record: Record, a: str, limit: str, name: str) -> Judged:
    chosen = row(record, a)
    ours, size = record.of(chosen).peak_rss, file_size(record, name)
    limit = float(limit)
    expected = f"at most {limit:g}× the size of the file {name!r}"
    measured = f"{ours / size:.2f}× ({mib(ours)} against a {mib(size)} file)"
    return Judged(ours / size <= limit, chosen.name, expected, measured)


def faster_check(record: Record, a: str, b: str) -> Judged:
    chosen, other = row(record, a), row(record, b)
    found = speedups.ratio(record, chosen, other)
    return Judged(at_least(found, 1.0), chosen.name, f"faster than {other.name!r}",
                  f"{shown(found)} the speed of {other.name!r}")  # fmt: skip


def within_check(record: Record, a: str, b: str) -> Judged:
    chosen, other = row(record, a), row(record, b)
    found = speedups.ratio(record, chosen, other)
    return Judged(found.includes(1.0), chosen.name, f"no faster or slower than {other.name!r}",
                  f"{shown(found)} the speed of {other.name!r}")  # fmt: skip


def fastest_check(record: Record, a: str) -> Judged:
    chosen = row(record, a)
    rivals = [v for v in record.timed() if v.group == chosen.group and v is not chosen]
    faster = [(v, speedups.ratio(record, v, chosen)) for v in rivals]
    beaten = [(v, found) for v, found in faster if not at_most(found, 1.0)]
    said = "; ".join(f"{v.name!r} {shown(found)} as fast" for v, found in beaten)
    return Judged(not beaten, chosen.name, "the fastest of its group", said or "none faster")


CHECKS = [
    (re.compile(rf"{NAME} speedup at (least|most) ([\d.]+) over {NAME}"), speedup_over_check),
    (re.compile(rf"{NAME} speedup at (least|most) ([\d.]+)"), speedup_check),
    (re.compile(rf"{NAME} efficiency at (least|most) ([\d.]+)"), efficiency_check),
    (re.compile(rf"{NAME} peak memory at most ([\d.]+) × {NAME}"), memory_check),
    (re.compile(rf"{NAME} peak memory at most ([\d.]+) × file {NAME}"), file_check),
    (re.compile(rf"{NAME} faster than {NAME}"), faster_check),
    (re.compile(rf"{NAME} within noise of {NAME}"), within_check),
    (re.compile(rf"{NAME} fastest"), fastest_check),
]


def evaluate(record: Record, check: str) -> Judged:
    """One check against one example's record."""
    check = " ".join(check.split())  # a claim may be wrapped over lines
    for pattern, judge in CHECKS:
        match = pattern.fullmatch(check)
        if match:
            return judge(record, *match.groups())
    raise ClaimError(
        f"cannot read the claim {check!r} (harness/reporting/claims.py lists the forms)"
    )


def sentence_of(match: re.Match) -> str:
    return " ".join(match["sentence"].split())
