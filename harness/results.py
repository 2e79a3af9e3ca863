"""The results file: one versioned JSON document that git ignores.

Layout: ``{"schema": 2, "examples": {"io/threads": RECORD, ...}}``. Each record
is self-contained (machine, Python, libraries, commit, date, profile), so a
table can say where its numbers came from even when examples were measured on
different days.
"""

import json
import os
import time
from pathlib import Path

SCHEMA = 2


class ResultsError(Exception):
    """The results file is missing, unreadable, or written by another schema."""


def load(path: Path) -> dict:
    """Read the results file, or raise ResultsError saying exactly what is wrong."""
    if not path.exists():
        raise ResultsError(
            f"no results file at {path}: measure first with `make measure` "
            "(or `python -m harness measure`)"
        )
    try:
        data = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ResultsError(f"results file {path} is not valid JSON ({error})") from None
    if not isinstance(data, dict) or not isinstance(data.get("examples"), dict):
        raise ResultsError(f"results file {path} has no 'examples' table: not a results file")
    if data.get("schema") != SCHEMA:
        raise ResultsError(
            f"results file {path} has schema {data.get('schema')!r}; this harness reads "
            f"schema {SCHEMA}. Measure again to replace it."
        )
    return data


def load_or_start(path: Path, warn) -> dict:
    """Results to add to: the existing file, or a new one when there is none.

    An unreadable file is moved aside (never deleted) and reported through
    ``warn``, so measuring can go on without destroying anything.
    """
    if not path.exists():
        return {"schema": SCHEMA, "examples": {}}
    try:
        return load(path)
    except ResultsError as error:
        aside = path.with_name(f"{path.name}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
        path.rename(aside)
        warn(f"{error}\nMoved it to {aside} and started a new results file.")
        return {"schema": SCHEMA, "examples": {}}


def save(data: dict, path: Path) -> None:
    """Write atomically: a crash mid-write leaves the previous file intact."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
    os.replace(tmp, path)


def merge(into: Path, other: Path, only: list[str]) -> list[str]:
    """Copy the records of the examples ``only`` names (ids, or parts of them) from
    ``other`` into ``into``: results measured on another machine, such as a GPU
    runner, for the pages to show. Returns the ids copied; raises ResultsError
    when either file is unreadable or ``other`` has none of them.
    """
    theirs = load(other)["examples"]
    ours = load(into) if into.exists() else {"schema": SCHEMA, "examples": {}}
    chosen = [i for i in theirs if any(part in i for part in only)] if only else list(theirs)
    if not chosen:
        raise ResultsError(f"{other} has no results for {', '.join(only) or 'any example'}")
    for example_id in chosen:
        ours["examples"][example_id] = theirs[example_id]
    save(ours, into)
    return chosen
