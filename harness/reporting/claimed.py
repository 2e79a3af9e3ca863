"""What a page shows for each claim it makes: the sentence as written where it holds;
where it does not, while serving, the sentence marked and one plain sentence of
what this machine measured placed after it; a claim not checked at this size said
once. Claims inside a page's code blocks are examples of the syntax, not claims.
"""

import html
import re
from dataclasses import dataclass

from harness.core import profiles
from harness.core.profiles import PROFILES
from harness.core.records import Record
from harness.reporting.claims import CLAIM, Judged, evaluate


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
            f"This page's sentences about the {wanted} size are not checked here: "
            f"{plain(likely_reason(record))}."
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
