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
import html
import re
from dataclasses import dataclass

from harness import derived, profiles
from harness.profiles import PROFILES
from harness.records import Record, Variant

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
    """ "1.52× (1.47× to 1.58×)": a ratio and the interval it is judged by."""
    if found.low is None:
        return f"{found.value:.3g}{unit}"
    return f"{found.value:.3g}{unit} ({found.low:.3g}{unit} to {found.high:.3g}{unit})"


def at_least(found, limit: float) -> bool:
    """A ratio reaches ``limit`` unless its whole interval lies below it."""
    return (found.high if found.high is not None else found.value) >= limit


def at_most(found, limit: float) -> bool:
    """A ratio stays under ``limit`` unless its whole interval lies above it."""
    return (found.low if found.low is not None else found.value) <= limit


def mib(n: int) -> str:
    return f"{n / 2**20:.0f} MiB"


# Each check judges one claim from its parts. A claim fails where its row's
# interval lies wholly on the wrong side of it: what was measured could not have
# come out on its side had the command been run again.


def speedup_check(record: Record, a: str, side: str, limit: str) -> Judged:
    chosen = row(record, a)
    found = derived.speedup_of(record, chosen)
    limit = float(limit)
    holds = at_least(found, limit) if side == "least" else at_most(found, limit)
    expected = f"at {side} {limit:g}× the speed of {chosen.baseline!r}"
    return Judged(holds, chosen.name, expected, shown(found))


def speedup_over_check(record: Record, a: str, side: str, limit: str, b: str) -> Judged:
    chosen, other = row(record, a), row(record, b)
    found = derived.ratio(record, chosen, other)
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
    found = derived.ratio(record, chosen, other)
    return Judged(at_least(found, 1.0), chosen.name, f"faster than {other.name!r}",
                  f"{shown(found)} the speed of {other.name!r}")  # fmt: skip


def within_check(record: Record, a: str, b: str) -> Judged:
    chosen, other = row(record, a), row(record, b)
    found = derived.ratio(record, chosen, other)
    return Judged(found.includes(1.0), chosen.name, f"no faster or slower than {other.name!r}",
                  f"{shown(found)} the speed of {other.name!r}")  # fmt: skip


def fastest_check(record: Record, a: str) -> Judged:
    chosen = row(record, a)
    rivals = [v for v in record.timed() if v.group == chosen.group and v is not chosen]
    faster = [(v, derived.ratio(record, v, chosen)) for v in rivals]
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
    raise ClaimError(f"cannot read the claim {check!r} (harness/claims.py lists the forms)")


def sentence_of(match: re.Match) -> str:
    return " ".join(match["sentence"].split())


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


@dataclass(frozen=True)
class Shown:
    """What a page shows for one claim: ``text`` in its place; where it does not hold,
    ``failure`` (for a strict build to name) and ``note`` (one plain sentence for a
    page being served, placed after the sentence the claim is part of). A claim not
    checked at this size has a ``note`` and no failure."""

    text: str
    failure: str = ""
    note: str = ""


def likely_reason(record: Record) -> str:
    cores = record.environment.hardware.usable_cores
    said = f"this table was measured at the {record.profile} size on {cores} cores"
    if record.profile != "full":
        said += "; the published site measures the full size"
    return said


def plain(text: str) -> str:
    """Text safe inside a page's Markdown: no HTML, no emphasis from a row's name."""
    return html.escape(text).replace("*", "&#42;").replace("_", "&#95;")


def failed_note(judged: Judged, record: Record) -> str:
    return (
        f"On this machine {plain(repr(judged.row))} measured {plain(judged.measured)}, where "
        f"the sentence expects {plain(judged.expected)}: {plain(likely_reason(record))}."
    )


def shown_claim(match: re.Match, record: Record | None, where: str, serving: bool) -> Shown:
    """What a page shows in place of one claim, and whether it failed."""
    sentence = match["sentence"]
    if record is not None and not PROFILES[record.profile].meaningful:
        return Shown(sentence)  # its numbers only prove that the examples run
    if "@" in match["example"]:
        unchecked = about_another_interpreter(match["example"], record)
        if unchecked:
            return Shown(f"{sentence} <small>({unchecked})</small>")
    if record is None:
        if serving:
            return Shown(sentence)  # not measured yet: the placeholder says so
        return Shown(sentence, f"{where}: {match['example']} is not measured; run `make measure`")
    judged = evaluate(record, match["check"])
    wanted = match["profile"]
    if wanted and not profiles.at_least(record.profile, wanted):
        note = (
            f"This page's sentences about the {wanted} size (a file larger than memory) "
            f"are not checked here: {plain(likely_reason(record))}."
        )
        return Shown(sentence, note=note)  # the hook says it once per page
    if judged.holds:
        return Shown(sentence)
    failure = (
        f"{where} does not hold: {judged.row!r} expected {judged.expected}; "
        f"measured {judged.measured}"
    )
    if not serving:
        return Shown(sentence, failure)  # the build fails and names it
    return Shown(f'<mark class="claim-failed">{sentence}</mark>', failure,
                 failed_note(judged, record))  # fmt: skip


# Where a sentence ends: a full stop (or ! ?) before a space or the end of a line,
# a blank line, or the start of the next list item.
SENTENCE_END = re.compile(r"[.!?](?=\s|$)|(?=\n[ \t]*\n)|(?=\n[ \t]*(?:[-*+]|\d+\.)[ \t])|\Z")


def sentence_end(markdown: str, start: int, claims: list[re.Match]) -> int:
    """Where the sentence that a claim ending at ``start`` belongs to ends: after its
    full stop, never inside another claim."""
    while True:
        found = SENTENCE_END.search(markdown, start)
        end = found.end()
        inside = next((m for m in claims if m.start() < end <= m.end()), None)
        if inside is None:
            return end
        start = inside.end()


FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})", re.M)


def in_code(markdown: str) -> list[tuple[int, int]]:
    """Where a page's fenced code blocks are: a claim shown there is an example of
    the syntax (the page on adding an example), not a claim."""
    spans, opened = [], None
    for fence in FENCE.finditer(markdown):
        if opened is None:
            opened = fence
        elif fence[1][0] == opened[1][0] and len(fence[1]) >= len(opened[1]):
            spans.append((opened.start(), fence.end()))
            opened = None
    return spans


def claims_on(markdown: str) -> list[re.Match]:
    """The claims a page makes (not the ones its code blocks show as examples)."""
    code = in_code(markdown)
    return [m for m in CLAIM.finditer(markdown)
            if not any(start <= m.start() < end for start, end in code)]  # fmt: skip


def checked_page(markdown: str, judge) -> str:
    """The page with every claim replaced by what ``judge(match)`` (a ``Shown``) says,
    and each failed claim's note after the sentence it is part of."""
    claims = claims_on(markdown)
    edits = []  # (position, order, replace up to, text)
    for order, match in enumerate(claims):
        said = judge(match)
        edits.append((match.start(), order, match.end(), said.text))
        if said.note:
            whole = match["sentence"].rstrip().endswith((".", "!", "?"))
            at = match.end() if whole else sentence_end(markdown, match.end(), claims)
            note = f' <span class="claim-note">{said.note}</span>'
            edits.append((at, order, at, note))
    out, done = [], 0
    for start, _, end, text in sorted(edits):
        out += [markdown[done:start], text]
        done = end
    return "".join(out) + markdown[done:]
