"""``python -m harness history --previous URL``: every publish keeps what the ones before it
measured, and says what changed.

The previous history is read from the live site (``history.json``, published
beside the pages, as ``results.json`` is), so no write access to the
repository is needed; this publish's speedups are added and the new file is
published with the site. A missing or unreadable history starts a new one
and says so; a failed run publishes nothing, so the live one stays.

A *step* is a row whose speedup moved, from one publish to the next, by more
than the wider of the two intervals (``intervals.moved``, the rule ``compare``
uses for two runs of one command and ``compare-commits`` for two commits): the
"What changed" page lists each with the commit, the
library versions that changed with it and the claims whose verdict flipped.
A rerun of the same commit replaces its point instead of adding one.
"""

import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import msgspec

from harness.core import intervals, results, speedups
from harness.core.intervals import Ratio
from harness.core.results import Results
from harness.measuring import machine
from harness.reporting import claimed, claims

SCHEMA = 1
KEPT = 200  # publishes; the oldest go first


class Publish(msgspec.Struct, frozen=True):
    commit: str
    date: str
    libraries: dict[str, str] = {}
    speedups: dict[str, dict[str, Ratio]] = {}  # example id -> row -> its speedup
    claims: dict[str, bool] = {}  # "page: sentence" -> whether it held


class History(msgspec.Struct):
    schema: int = SCHEMA
    publishes: list[Publish] = []


@dataclass(frozen=True)
class Step:
    example: str
    row: str
    before: Ratio
    after: Ratio
    publish: Publish
    libraries: dict[str, tuple[str, str]]  # name -> (before, after)
    flipped: dict[str, bool]  # claim -> its verdict now


def read_previous(source: str | None, warn) -> History:
    """The live site's history, or a new one (said, with why) when there is none."""
    if not source:
        warn("No previous history named (--previous): starting a new one")
        return History()
    try:
        if source.startswith(("http://", "https://")):
            with urllib.request.urlopen(source, timeout=30) as answer:
                text = answer.read()
        else:
            text = Path(source).read_bytes()
        found = msgspec.json.decode(text, type=History)
    except (OSError, urllib.error.URLError, msgspec.DecodeError) as error:
        warn(f"Could not read the previous history at {source} ({error}): starting a new one")
        return History()
    if found.schema != SCHEMA:
        warn(f"The history at {source} has schema {found.schema}, not {SCHEMA}: starting anew")
        return History()
    return found


def this_publish(data: Results, verdicts: dict[str, bool], commit: str, date: str) -> Publish:
    """Every measured row's speedup (the harness's own interpreter), and with what."""
    by_example, libraries = {}, {}
    for key, record in sorted(data.examples.items()):
        if "@" in key:
            continue
        rows = {}
        for v in record.timed():
            if v.name != v.baseline:
                rows[v.name] = speedups.speedup_of(record, v)
        by_example[key] = rows
        libraries.update(record.environment.libraries)
    return Publish(commit, date, libraries, by_example, verdicts)


def added(history: History, publish: Publish) -> History:
    kept = [p for p in history.publishes if p.commit != publish.commit]
    return History(SCHEMA, [*kept, publish][-KEPT:])


def steps(history: History) -> list[Step]:
    found = []
    pairs = zip(history.publishes, history.publishes[1:], strict=False)
    for before, after in pairs:
        libraries = {
            name: (before.libraries.get(name, "–"), version)
            for name, version in after.libraries.items()
            if before.libraries.get(name) != version
        }
        flipped = {c: v for c, v in after.claims.items() if before.claims.get(c, v) != v}
        for example, rows in after.speedups.items():
            for row, point in rows.items():
                then = before.speedups.get(example, {}).get(row)
                if then is not None and intervals.moved(then, point):
                    found.append(Step(example, row, then, point, after, libraries, flipped))
    return found


def claim_verdicts(docs: Path, data: Results) -> dict[str, bool]:
    """Whether each checked claim on the pages holds now ("page: sentence")."""
    verdicts = {}
    for page in sorted(docs.rglob("*.md")):
        for match in claimed.claims_on(page.read_text()):
            record = data.examples.get(match["example"])
            if record is None or match["profile"]:
                continue
            try:
                holds = claims.evaluate(record, match["check"]).holds
            except claims.ClaimError:
                continue
            verdicts[f"{page.relative_to(docs).as_posix()}: {claims.sentence_of(match)}"] = holds
    return verdicts


def load(path: Path) -> History | None:
    if not path.exists():
        return None
    return msgspec.json.decode(path.read_bytes(), type=History)


def record_publish(results_path: Path, previous: str | None, docs: Path, out: Path, warn,
                   commit: str | None = None) -> int:  # fmt: skip
    """The ``history`` command: the previous history plus this publish (``commit``: the
    checkout's by default), into ``out``/history.json."""
    try:
        data = results.load(results_path)
    except results.ResultsError as error:
        warn(f"Cannot add to the history: {error}")
        return 2
    verdicts = claim_verdicts(docs, data)
    publish = this_publish(data, verdicts, commit or machine.commit(), machine.now())
    history = added(read_previous(previous, warn), publish)
    out.mkdir(parents=True, exist_ok=True)
    (out / "history.json").write_bytes(msgspec.json.encode(history))
    warn(f"History: {len(history.publishes)} publish(es), {len(steps(history))} step(s)")
    return 0
