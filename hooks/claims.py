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
  tables that show peak memory: memory is not judged by the timing intervals);
- ``"A" peak memory at most X × file "F"``: at most X times the size of the
  file F that the variants read (``BENCHMARK["input_bytes"]``);
- ``"A" within noise of "B"``: neither faster nor slower, within A's interval;
- ``"A" fastest``: no other row of its group faster, beyond its interval.

A claim is judged against its row's interval, where a second run of the same
command falls 95 % of the time (the ± in the table): it fails where the whole
interval lies on the wrong side of it (a speedup of 1.52× with ±3 % fails
"at least 1.6"; one of 1.52× with ±10 % does not).

A claim that only the full size can bear out (a streaming reader against
the size of a file large enough) says so: ``{claim example at full size: …}``.
Against a smaller profile's table its sentence is shown with a note that it
was not checked there.

In a name, ``*`` stands for what differs between machines, such as the core
count in "pure Python: * threads".

A claim about another interpreter's table names it: ``{claim cpu/gil@3.14t: …}``.
Where that interpreter did not measure (a reader's machine without it), or a
free-threaded run had the GIL turned back on by an import, the sentence is
shown with a note saying so, unchecked.
"""

import fnmatch
import os
import re
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from harness import derived, paths, profiles, results
from harness.profiles import PROFILES
from harness.records import Record, Variant

CLAIM = re.compile(
    r"\[\[(?P<sentence>.+?)\]\]\{claim (?P<example>[\w/.@-]+)"
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


def shown(found) -> str:
    """ "1.52× (1.47× to 1.58×)": a ratio and the interval it is judged by."""
    if found.low is None:
        return f"{found.value:.3g}×"
    return f"{found.value:.3g}× ({found.low:.3g}× to {found.high:.3g}×)"


def at_least(found, limit: float) -> bool:
    """A ratio reaches ``limit`` unless its whole interval lies below it."""
    return (found.high if found.high is not None else found.value) >= limit


def at_most(found, limit: float) -> bool:
    """A ratio stays under ``limit`` unless its whole interval lies above it."""
    return (found.low if found.low is not None else found.value) <= limit


# Each check: (holds, what was expected, what was measured), from the claim's parts.
# A claim fails where its row's interval lies wholly on the wrong side of it: what
# was measured could not have come out on its side had the command been run again.


def speedup_check(record: Record, a: str, side: str, limit: str):
    found = derived.speedup_of(record, row(record, a))
    limit = float(limit)
    holds = at_least(found, limit) if side == "least" else at_most(found, limit)
    return holds, f"{a!r} at {side} {limit:g}× faster than its baseline", shown(found)


def efficiency_check(record: Record, a: str, limit: str):
    found = derived.efficiency_of(record, row(record, a))
    if found is None:
        raise ClaimError(f"{a!r} has one worker: no efficiency to claim")
    limit = float(limit)
    said = shown(found).replace("×", "")
    return at_least(found, limit), f"{a!r} at efficiency {limit:g} or more", said


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


def faster_check(record: Record, a: str, b: str):
    found = derived.ratio(record, row(record, a), row(record, b))
    return at_least(found, 1.0), f"{a!r} faster than {b!r}", shown(found)


def within_check(record: Record, a: str, b: str):
    found = derived.ratio(record, row(record, a), row(record, b))
    return found.includes(1.0), f"{a!r} no faster or slower than {b!r}", shown(found)


def fastest_check(record: Record, a: str):
    chosen = row(record, a)
    rivals = [v for v in record.timed() if v.group == chosen.group and v is not chosen]
    faster = [(v, derived.ratio(record, v, chosen)) for v in rivals]
    beaten = [(v, found) for v, found in faster if not at_most(found, 1.0)]
    said = "; ".join(f"{v.name!r} {shown(found)} faster" for v, found in beaten)
    return not beaten, f"{a!r} the fastest of its group", said or "none faster"


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
    """(holds, what was expected, what was measured) for one check."""
    for pattern, judge in CHECKS:
        match = pattern.fullmatch(check.strip())
        if match:
            return judge(record, *match.groups())
    raise ClaimError(f"cannot read the claim {check!r} (see hooks/claims.py for the forms)")


failures: list[str] = []  # every claim of this build that does not hold, said at its end


def on_pre_build(config) -> None:
    failures.clear()


def on_post_build(config) -> None:
    if failures:
        raise PluginError(
            f"{len(failures)} claim(s) do not hold against their tables:\n"
            + "\n".join(f"  {failure}" for failure in failures)
        )


def about_another_interpreter(example: str, record: Record | None) -> str:
    """Why a claim about another interpreter's table ("cpu/gil@3.14t") is not checked
    here, if it is not: that interpreter did not measure, or the GIL came back on."""
    label = example.partition("@")[2]
    if record is None:
        return f"Python {label}: not measured here; `make measure-pythons` measures it"
    py = record.environment.python
    if py.free_threaded and py.gil_enabled:
        return f"not checked: an import turned the GIL back on in Python {label}'s run"
    return ""


def verdict(match: re.Match, record: Record | None, where: str, serving: bool) -> str:
    """What the page shows in place of one claim (a failure in a strict build is kept,
    and every one of them named when the build ends)."""
    sentence = match["sentence"]
    if record is not None and not PROFILES[record.profile].meaningful:
        return sentence  # its numbers only prove that the examples run
    if "@" in match["example"]:
        unchecked = about_another_interpreter(match["example"], record)
        if unchecked:
            return f"{sentence} <small>({unchecked})</small>"
    if record is None:
        if serving:
            return sentence  # not measured yet: the placeholder says so
        failures.append(f"{where}: {match['example']} is not measured; run `make measure`")
        return sentence
    try:
        holds, expected, measured = evaluate(record, match["check"])
    except ClaimError as error:
        raise PluginError(f"{where}: {error}") from None
    wanted = match["profile"]
    if wanted and not profiles.at_least(record.profile, wanted):
        return (
            f"{sentence} <small>(said of the {wanted} size; not checked against this "
            f"{record.profile} profile's table)</small>"
        )
    if holds:
        return sentence
    if not serving:
        failures.append(f"{where} does not hold: expected {expected}; measured {measured}")
        return sentence
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
