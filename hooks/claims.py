"""MkDocs hook: sentences about measured results are checked against the results.

A page states a claim about its table in a small declarative form::

    [[Threads give pure Python no speedup.]]{claim cpu/gil: "pure Python: * threads"
    speedup at most 1.2}

The sentence shows as written when the claim holds on the machine that
measured (or when the results come from a profile whose numbers only prove
that the examples run). When it does not, ``make serve`` shows a visible note
with what was expected and what was measured, instead of a sentence that
contradicts the table; any other build (``make site``, publishing) fails and
names the claim.

Checks, each about variants of one example (names as in its table):

- ``"A" speedup at least X`` / ``"A" speedup at most X``: against A's baseline;
- ``"A" efficiency at least X``: speedup ÷ workers;
- ``"A" faster than "B"``: A's median below B's;
- ``"A" peak memory at most X × "B"``: A's peak memory at most X times B's (the
  tables that show peak memory: memory is not held to the timing noise band);
- ``"A" peak memory at most X × file "F"``: at most X times the size of the
  file F that the variants read (``BENCHMARK["input_bytes"]``);
- ``"A" within noise of "B"``: the two medians no further apart than the noise;
- ``"A" fastest``: the lowest median of its group.

A claim fails only where the table contradicts it beyond the run's noise band
(the footer of every table states it): a threshold missed, or an order
reversed, by more than the machine alone could explain.

A claim that only the full size can bear out (a streaming reader against
the size of a file large enough) says so: ``{claim example at full size: …}``.
Against a smaller profile's table its sentence is shown with a note that it
was not checked there.

In a name, ``*`` stands for what differs between machines, such as the core
count in "pure Python: * threads".
"""

import fnmatch
import os
import re
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from harness import derived, paths, results
from harness.profiles import PROFILES, at_least
from harness.records import Record, Variant

CLAIM = re.compile(
    r"\[\[(?P<sentence>.+?)\]\]\{claim (?P<example>[\w/.-]+)"
    rf"(?: at (?P<profile>{'|'.join(PROFILES)}) size)?: (?P<check>[^}}]+)\}}",
    re.S,
)
NAME = r'"([^"]+)"'


class ClaimError(Exception):
    """A claim that cannot be checked: malformed, or about a variant that is not there."""


def measured_examples() -> dict[str, Record]:
    try:
        return results.load(paths.generated() / "results.json").examples
    except results.ResultsError:
        return {}


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


def at_least_by_noise(value: float, limit: float, band: float) -> bool:
    """``value`` reaches ``limit``, or misses it by less than the run's noise can explain."""
    return value * (1 + band) >= limit


def noise_of(record: Record) -> tuple[float, str]:
    band = derived.noise_band(record) or 0.0
    return band, f" (noise ±{band * 100:.0f} %)"


# Each check: (holds, what was expected, what was measured), from the claim's parts.


def speedup_check(record: Record, a: str, side: str, limit: str):
    value = derived.speedup(record, row(record, a))
    band, noise = noise_of(record)
    limit = float(limit)
    holds = (
        at_least_by_noise(value, limit, band)
        if side == "least"
        else at_least_by_noise(limit, value, band)
    )
    return holds, f"{a!r} at {side} {limit:g}× faster than its baseline", f"{value:.2f}×{noise}"


def efficiency_check(record: Record, a: str, limit: str):
    value = derived.efficiency(record, row(record, a)) or 0.0
    band, noise = noise_of(record)
    limit = float(limit)
    return (
        at_least_by_noise(value, limit, band),
        f"{a!r} at efficiency {limit:g} or more",
        f"{value:.2f}{noise}",
    )


def memory_check(record: Record, a: str, limit: str, b: str):
    ratio = record.of(row(record, a)).peak_rss / record.of(row(record, b)).peak_rss
    limit = float(limit)
    return ratio <= limit, f"{a!r} at most {limit:g}× the peak memory of {b!r}", f"{ratio:.2f}×"


def file_check(record: Record, a: str, limit: str, name: str):
    ratio = record.of(row(record, a)).peak_rss / file_size(record, name)
    limit = float(limit)
    return (
        ratio <= limit,
        f"{a!r} at most {limit:g}× the size of the file {name!r}",
        f"{ratio:.2f}×",
    )


def median(record: Record, v: Variant) -> float:
    return record.of(v).wall.median


def faster_check(record: Record, a: str, b: str):
    ratio = median(record, row(record, b)) / median(record, row(record, a))
    band, noise = noise_of(record)
    return at_least_by_noise(ratio, 1, band), f"{a!r} faster than {b!r}", f"{ratio:.2f}×{noise}"


def within_check(record: Record, a: str, b: str):
    ratio = median(record, row(record, b)) / median(record, row(record, a))
    band, noise = noise_of(record)
    return abs(ratio - 1) <= band, f"{a!r} within the noise of {b!r}", f"{ratio:.2f}×{noise}"


def fastest_check(record: Record, a: str):
    chosen = row(record, a)
    rivals = [v for v in record.timed() if v.group == chosen.group]
    best = min(rivals, key=lambda v: median(record, v))
    band, noise = noise_of(record)
    return (
        at_least_by_noise(median(record, best), median(record, chosen), band),
        f"{a!r} the fastest of its group",
        f"{best.name!r} fastest, {median(record, chosen) / median(record, best):.2f}× "
        f"faster than {a!r}{noise}",
    )


CHECKS = [
    (re.compile(rf"{NAME} speedup at (least|most) ([\d.]+)"), speedup_check),
    (re.compile(rf"{NAME} efficiency at least ([\d.]+)"), efficiency_check),
    (re.compile(rf"{NAME} peak memory at most ([\d.]+) × {NAME}"), memory_check),
    (re.compile(rf"{NAME} peak memory at most ([\d.]+) × file {NAME}"), file_check),
    (re.compile(rf"{NAME} faster than {NAME}"), faster_check),
    (re.compile(rf"{NAME} within noise of {NAME}"), within_check),
    (re.compile(rf"{NAME} fastest"), fastest_check),
]


def evaluate(record: Record, check: str) -> tuple[bool, str, str]:
    """(holds, what was expected, what was measured) for one check.

    A claim fails where the table contradicts it beyond the run's noise: on a
    quiet machine (a narrow band) the check is tight; on a noisy one it fails
    only where the numbers could not be the machine's noise alone.
    """
    for pattern, judge in CHECKS:
        match = pattern.fullmatch(check.strip())
        if match:
            return judge(record, *match.groups())
    raise ClaimError(f"cannot read the claim {check!r} (see hooks/claims.py for the forms)")


def verdict(match: re.Match, record: Record | None, where: str, serving: bool) -> str:
    """What the page shows in place of one claim."""
    sentence = match["sentence"]
    if record is not None and not PROFILES[record.profile].meaningful:
        return sentence  # its numbers only prove that the examples run
    if record is None:
        if serving:
            return sentence  # not measured yet: the placeholder says so
        raise PluginError(f"{where}: {match['example']} is not measured; run `make measure`")
    try:
        holds, expected, measured = evaluate(record, match["check"])
    except ClaimError as error:
        raise PluginError(f"{where}: {error}") from None
    wanted = match["profile"]
    if wanted and not at_least(record.profile, wanted):
        return (
            f"{sentence} <small>(said of the {wanted} size; not checked against this "
            f"{record.profile} profile's table)</small>"
        )
    if holds:
        return sentence
    if not serving:
        raise PluginError(f"{where} does not hold: expected {expected}; measured {measured}")
    return (
        f'<mark title="{sentence}">Not on the machine that measured this page: '
        f"the text expected {expected}; the table shows {measured}.</mark>"
    )


def on_page_markdown(markdown: str, page, config, files) -> str:
    examples = measured_examples()
    serving = bool(os.environ.get("SITE_PLACEHOLDERS"))  # set by `make serve`

    def replace(match: re.Match) -> str:
        where = f"{page.file.src_uri}: claim about {match['example']} ({match['check'].strip()})"
        return verdict(match, examples.get(match["example"]), where, serving)

    return CLAIM.sub(replace, markdown)
