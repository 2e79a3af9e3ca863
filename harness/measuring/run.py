"""Measure examples: describe each, time every variant, check they agree, record."""

import contextlib
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from harness.core import results
from harness.core.paths import EXAMPLES
from harness.core.profiles import Profile
from harness.core.records import Record
from harness.measuring import supervise
from harness.measuring.discover import Example
from harness.measuring.example import ExampleFailed, is_fresh, measure_example
from harness.measuring.fingerprint import fingerprint


def where_in_source(error: SyntaxError, examples_root: Path) -> str:
    """ "examples/x/y.py line 2: invalid syntax", as an editor would point at it."""
    path = Path(error.filename or "?")
    with contextlib.suppress(ValueError):
        path = path.resolve().relative_to(examples_root.resolve().parent)
    return f"{path.as_posix()} line {error.lineno}: {error.msg}"


def fingerprint_of(example: Example, python: str, examples_root: Path) -> str:
    """The example's cache key, or ExampleFailed naming the file that cannot be read."""
    try:
        return fingerprint(example, python)
    except SyntaxError as error:
        raise ExampleFailed(where_in_source(error, examples_root)) from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise ExampleFailed(f"cannot read it or a module it imports: {error}") from None


def summary_of(record: Record) -> str:
    """'measured 5 variants (fastest: x)', and how many this machine could not run."""
    timed = record.timed()
    said = f"measured {len(timed)} variants"
    if timed:
        said += f" (fastest: {min(timed, key=lambda v: record.of(v).wall.median).name})"
    if len(timed) < len(record.variants):
        said += f"; {len(record.variants) - len(timed)} not measured here"
    return said


class Session:
    """One ``measure`` command: the examples that changed, each measured in turn.

    A failure while fingerprinting, describing or measuring one example is
    reported against that example and the others are measured all the same;
    every good result is saved as soon as it is measured.
    """

    def __init__(self, profile, results_path, force, console, python, examples_root, label=""):
        self.profile, self.results_path, self.force = profile, results_path, force
        self.console, self.python, self.examples_root = console, python, examples_root
        self.label = label  # another interpreter's: its records are kept as "id@label"
        self.data = results.load_or_start(results_path, lambda msg: console.print(f"[yellow]{msg}"))
        self.failed: list[str] = []

    def measure(self, example: Example, progress, task) -> Record | None:
        """A new record for the example, or None when the stored one still stands."""
        key = fingerprint_of(example, self.python, self.examples_root)
        if not self.force and is_fresh(
            self.data.examples.get(self.key(example)), key, self.profile
        ):
            return None
        return measure_example(example, self.profile, self.python, key, progress, task, self.label)

    def key(self, example: Example) -> str:
        return results.key_of(example.id, self.label)

    def one(self, example: Example, prefix: str, progress, task) -> None:
        try:
            record = self.measure(example, progress, task)
        except ExampleFailed as error:
            self.fail(example, f"{prefix}: FAILED, {error}")
            return
        except Exception as error:  # a bug in the harness: still, measure the others
            said = f"the harness could not measure it ({type(error).__name__}: {error})"
            self.fail(example, f"{prefix}: FAILED, {said}")
            return
        if record is None:
            date = self.data.examples[self.key(example)].environment.date
            self.console.print(f"{prefix}: unchanged since {date}, kept")
            return
        self.data.examples[self.key(example)] = record
        results.save(self.data, self.results_path)  # after each example: a crash loses nothing
        self.console.print(f"{prefix}: {summary_of(record)}")

    def fail(self, example: Example, message: str) -> None:
        self.failed.append(example.id)
        self.console.print(message, style="red", markup=False)


PROGRESS_COLUMNS = (
    TextColumn("{task.description}"),
    BarColumn(),
    MofNCompleteColumn(),
    TimeElapsedColumn(),
)


def measure_all(
    examples: list[Example],
    profile: Profile,
    results_path: Path,
    force: bool = False,
    console: Console | None = None,
    python: str = sys.executable,
    examples_root: Path = EXAMPLES,
    after_each=None,
    label: str = "",
) -> int:
    """Measure what changed; keep every good result; return the number of failed examples.

    ``after_each(data, done, total)`` is called after every example (to render
    the tables of a site being served, say).
    """
    console = console or Console(stderr=True)
    supervise.become_subreaper()
    session = Session(profile, results_path, force, console, python, examples_root, label)
    with Progress(*PROGRESS_COLUMNS, console=console, transient=True) as progress:
        for number, example in enumerate(examples, 1):
            task = progress.add_task(example.id, total=None)
            try:
                session.one(example, f"[{number}/{len(examples)}] {example.id}", progress, task)
            finally:
                progress.remove_task(task)
            if after_each:
                after_each(session.data, number, len(examples))
    if session.failed:
        console.print(
            f"[red]{len(session.failed)} example(s) failed: {', '.join(session.failed)}. "
            f"Results of the others are saved in {results_path}."
        )
    return len(session.failed)
