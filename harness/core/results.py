"""The results file: one versioned JSON document that git ignores.

Layout: ``{"schema": 3, "examples": {"io/threads": Record, ...}}`` (``records``).
Each record is self-contained (machine, Python, libraries, commit, date,
profile), so a table can say where its numbers came from even when examples
were measured on different days. Read with msgspec, which checks every field:
a file that does not fit says where.
"""

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from harness.core.records import Record

SCHEMA = 3


class ResultsError(Exception):
    """The results file is missing, unreadable, or written by another schema."""


@dataclass
class Results:
    """Every example's record, by id."""

    examples: dict[str, Record] = field(default_factory=dict)
    schema: int = SCHEMA


def key_of(example_id: str, interpreter: str = "") -> str:
    """Where a record is kept: "cpu/gil", or "cpu/gil@3.14t" for another interpreter's."""
    return f"{example_id}@{interpreter}" if interpreter else example_id


def decode(text: bytes | str, path: Path) -> Results:
    """Results from JSON, or ResultsError saying exactly what is wrong."""
    try:
        raw = msgspec.json.decode(text)
    except msgspec.DecodeError as error:
        raise ResultsError(f"results file {path} is not valid JSON ({error})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("examples"), dict):
        raise ResultsError(f"results file {path} has no 'examples' table: not a results file")
    if raw.get("schema") != SCHEMA:
        raise ResultsError(
            f"results file {path} has schema {raw.get('schema')!r}; this harness reads "
            f"schema {SCHEMA}. Measure again to replace it."
        )
    try:
        return msgspec.json.decode(text, type=Results)
    except msgspec.ValidationError as error:
        raise ResultsError(f"results file {path} does not fit schema {SCHEMA}: {error}") from None


def load(path: Path) -> Results:
    """Read the results file, or raise ResultsError saying exactly what is wrong."""
    if not path.exists():
        raise ResultsError(
            f"no results file at {path}: measure first with `make measure` "
            "(or `python -m harness measure`)"
        )
    try:
        text = path.read_bytes()
    except OSError as error:
        raise ResultsError(f"cannot read the results file {path} ({error})") from None
    return decode(text, path)


def load_or_start(path: Path, warn) -> Results:
    """Results to add to: the existing file, or a new one when there is none.

    An unreadable file is moved aside (never deleted) and reported through
    ``warn``, so measuring can go on without destroying anything.
    """
    if not path.exists():
        return Results()
    try:
        return load(path)
    except ResultsError as error:
        aside = path.with_name(f"{path.name}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
        path.rename(aside)
        warn(f"{error}\nMoved it to {aside} and started a new results file.")
        return Results()


def encode(data: Results) -> bytes:
    return msgspec.json.format(msgspec.json.encode(data, order="sorted"), indent=1)


def save(data: Results, path: Path) -> None:
    """Write atomically: a crash mid-write leaves the previous file intact."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(encode(data))
    os.replace(tmp, path)


def merge(into: Path, other: Path, only: list[str]) -> list[str]:
    """Copy the records of the examples ``only`` names (ids, or parts of them) from
    ``other`` into ``into``: results measured on another machine, such as a GPU
    runner, for the pages to show. Returns the ids copied; raises ResultsError
    when either file is unreadable or ``other`` has none of them.
    """
    theirs = load(other).examples
    ours = load(into) if into.exists() else Results()
    chosen = [i for i in theirs if any(part in i for part in only)] if only else list(theirs)
    if not chosen:
        raise ResultsError(f"{other} has no results for {', '.join(only) or 'any example'}")
    for example_id in chosen:
        ours.examples[example_id] = theirs[example_id]
    save(ours, into)
    return chosen
