"""MkDocs hook: sentences about measured results are checked against the results.

A page states a claim about its table in a small declarative form::

    [[Threads give pure Python no speedup.]]{claim cpu/gil: "pure Python: * threads"
    speedup at most 1.2}

The sentence shows as written when the claim holds on the machine that
measured (or when the results come from the smoke profile, whose numbers only
prove that the examples run). When it does not, ``make serve`` shows a visible note with what was
expected and what was measured, instead of a sentence that contradicts the
table; any other build (``make site``, publishing) fails and names the claim.

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
import json
import os
import re
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from harness import derived  # noqa: E402
from harness.run import RANK  # noqa: E402  the profiles, from least to most thorough

CLAIM = re.compile(
    r"\[\[(?P<sentence>.+?)\]\]\{claim (?P<example>[\w/.-]+)"
    r"(?: at (?P<profile>smoke|quick|full) size)?: (?P<check>[^}]+)\}",
    re.S,
)
NAME = r'"([^"]+)"'
CHECKS = [
    (re.compile(rf"{NAME} speedup at (least|most) ([\d.]+)"), "speedup"),
    (re.compile(rf"{NAME} efficiency at least ([\d.]+)"), "efficiency"),
    (re.compile(rf"{NAME} peak memory at most ([\d.]+) × {NAME}"), "memory"),
    (re.compile(rf"{NAME} peak memory at most ([\d.]+) × file {NAME}"), "file"),
    (re.compile(rf"{NAME} faster than {NAME}"), "faster"),
    (re.compile(rf"{NAME} within noise of {NAME}"), "within"),
    (re.compile(rf"{NAME} fastest"), "fastest"),
]


class ClaimError(Exception):
    """A claim that cannot be checked: malformed, or about a variant that is not there."""


def results() -> dict:
    path = Path(os.environ.get("SITE_GENERATED", ROOT / "generated")) / "results.json"
    try:
        return json.loads(path.read_text())["examples"]
    except (OSError, ValueError, KeyError):
        return {}


def row(record: dict, name: str) -> dict:
    """The variant called ``name``; ``*`` stands for what differs between machines
    ("pure Python: * threads" names the row whatever the core count)."""
    found = [v for v in record["variants"] if fnmatch.fnmatchcase(v["name"], name)]
    if len(found) != 1:
        names = ", ".join(repr(v["name"]) for v in record["variants"])
        raise ClaimError(f"{name!r} must name one variant of {record['id']} ({names})")
    found = found[0]
    if not derived.measured(found):
        raise ClaimError(f"{name!r} was not measured here ({'; '.join(found['missing'])})")
    return found


def file_size(record: dict, name: str) -> int:
    """The size of a file the example's variants read, by the name its record gives it."""
    sizes = record.get("input_bytes") or {}
    if name not in sizes:
        known = ", ".join(map(repr, sizes)) or "none: the example sets no BENCHMARK['input_bytes']"
        raise ClaimError(f"{record['id']} records no file {name!r} (files: {known})")
    return sizes[name]


def at_least(value: float, limit: float, band: float) -> bool:
    """``value`` reaches ``limit``, or misses it by less than the run's noise can explain."""
    return value * (1 + band) >= limit


def evaluate(record: dict, check: str) -> tuple[bool, str, str]:
    """(holds, what was expected, what was measured) for one check.

    A claim fails where the table contradicts it beyond the run's noise: on a
    quiet machine (a narrow band) the check is tight; on a noisy one it fails
    only where the numbers could not be the machine's noise alone.
    """
    band = derived.noise_band(record) or 0.0
    noise = f" (noise ±{band * 100:.0f} %)"
    for pattern, kind in CHECKS:
        match = pattern.fullmatch(check.strip())
        if not match:
            continue
        a = row(record, match[1])
        if kind == "speedup":
            value = derived.speedup(a, derived.baseline_of(a, record))
            limit = float(match[3])
            holds = (
                at_least(value, limit, band)
                if match[2] == "least"
                else at_least(limit, value, band)
            )
            return (
                holds,
                f"{match[1]!r} at {match[2]} {limit:g}× faster than its baseline",
                f"{value:.2f}×{noise}",
            )
        if kind == "efficiency":
            value = derived.efficiency(a, derived.baseline_of(a, record), record) or 0.0
            limit = float(match[2])
            return (
                at_least(value, limit, band),
                f"{match[1]!r} at efficiency {limit:g} or more",
                f"{value:.2f}{noise}",
            )
        if kind == "memory":
            b, limit = row(record, match[3]), float(match[2])
            ratio = a["peak_rss"] / b["peak_rss"]
            return (
                ratio <= limit,
                f"{match[1]!r} at most {limit:g}× the peak memory of {match[3]!r}",
                f"{ratio:.2f}×",
            )
        if kind == "file":
            limit, size = float(match[2]), file_size(record, match[3])
            ratio = a["peak_rss"] / size
            return (
                ratio <= limit,
                f"{match[1]!r} at most {limit:g}× the size of the file {match[3]!r}",
                f"{ratio:.2f}×",
            )
        if kind == "fastest":
            rivals = [
                v
                for v in record["variants"]
                if derived.measured(v) and v.get("group") == a.get("group")
            ]
            best = min(rivals, key=lambda v: v["wall"]["median"])
            return (
                at_least(best["wall"]["median"], a["wall"]["median"], band),
                f"{match[1]!r} the fastest of its group",
                f"{best['name']!r} fastest, {a['wall']['median'] / best['wall']['median']:.2f}× "
                f"faster than {match[1]!r}{noise}",
            )
        b = row(record, match[2])
        ratio = b["wall"]["median"] / a["wall"]["median"]
        measured = f"{ratio:.2f}×{noise}"
        if kind == "faster":
            return at_least(ratio, 1, band), f"{match[1]!r} faster than {match[2]!r}", measured
        return abs(ratio - 1) <= band, f"{match[1]!r} within the noise of {match[2]!r}", measured
    raise ClaimError(f"cannot read the claim {check!r} (see hooks/claims.py for the forms)")


def on_page_markdown(markdown: str, page, config, files) -> str:
    examples = results()
    serving = bool(os.environ.get("SITE_PLACEHOLDERS"))  # set by `make serve`

    def replace(match: re.Match) -> str:
        sentence, example, check = match["sentence"], match["example"], match["check"]
        where = f"{page.file.src_uri}: claim about {example} ({check.strip()})"
        record = examples.get(example)
        if record is not None and record["profile"] == "smoke":
            return sentence  # smoke runs prove that examples run; their numbers mean little
        if record is None:
            if serving:
                return sentence  # not measured yet: the placeholder says so
            raise PluginError(f"{where}: {example} is not measured; run `make measure`")
        try:
            holds, expected, measured = evaluate(record, check)
        except ClaimError as error:
            raise PluginError(f"{where}: {error}") from None
        wanted = match["profile"]
        if wanted and RANK.get(record["profile"], -1) < RANK[wanted]:
            return (
                f"{sentence} <small>(said of the {wanted} size; not checked against this "
                f"{record['profile']} profile's table)</small>"
            )
        if holds:
            return sentence
        if not serving:
            raise PluginError(f"{where} does not hold: expected {expected}; measured {measured}")
        return (
            f'<mark title="{sentence}">Not on the machine that measured this page: '
            f"the text expected {expected}; the table shows {measured}.</mark>"
        )

    return CLAIM.sub(replace, markdown)
