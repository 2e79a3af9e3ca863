"""Measure examples: describe each, time every variant, check they agree, record."""

import contextlib
import dataclasses
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import msgspec
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from harness import jobs, machine, results, stats, supervise
from harness.discover import Example
from harness.fingerprint import fingerprint
from harness.noise import NoiseMeter
from harness.paths import EXAMPLES
from harness.profiles import Profile, at_least
from harness.records import Description, Measured, Record, Transcript, Variant


class ExampleFailed(Exception):
    """An example could not be measured; the message names the variant and what happened."""


def describe(example: Example, profile: Profile, python: str, workdir: Path):
    """Ask a fresh interpreter to describe the example at this profile's size: the
    ``Description``, and the interpreter's build (after the example's imports).

    It may make the workload's files (``input_bytes`` gives their sizes): a full-size
    file takes minutes to generate the first time, so it gets a variant's time limit.
    """
    job = {
        "mode": "describe",
        "example": str(example.path),
        "size": profile.name,
        "out": str(workdir / "describe"),
    }
    try:
        report, finished = jobs.run(job, timeout=profile.timeout, python=python)
    except jobs.VariantFailed as error:
        raise ExampleFailed(f"while being imported: {error}") from None
    if report is None:
        raise ExampleFailed(
            f"could not be loaded: its interpreter exited with code {finished.returncode}\n"
            f"{finished.stderr}".strip()
        )
    if "problem" in report:
        raise ExampleFailed(report["problem"])
    if "error" in report:
        raise ExampleFailed(f"could not be loaded:\n{report['error'].strip()}")
    return msgspec.convert(report["description"], Description), report["python"]


def run_transcript(example: Example, args: tuple[str, ...], profile: Profile, python: str):
    """Run the example as a reader would, with ``args``, and keep what it printed.

    Pages show these outputs (a profiler's report, say) so that the reader sees
    what the script prints on a real machine, not text typed by hand.
    """
    args = [*args, "--size", profile.name]
    shown = " ".join(args)
    command = [python, str(example.path), *args]
    env = {**os.environ, "PYTHONPATH": str(EXAMPLES)}  # side_by_side, wherever the example is
    try:
        done = supervise.supervise(command, timeout=profile.timeout, env=env, capture_stdout=True)
    except supervise.TimedOut:
        raise ExampleFailed(f"{shown}: timed out after {profile.timeout:.0f} s") from None
    if done.returncode != 0:
        raise ExampleFailed(
            f"running it with {shown} exited with code {done.returncode}:\n{done.stderr[-2000:]}"
        )
    if done.leftovers:
        raise ExampleFailed(f"running it with {shown} {supervise.leaked(done.leftovers)}")
    return Transcript(" ".join(["python", f"examples/{example.id}.py", *args]), done.stdout)


def is_fresh(record: Record | None, key: str, profile: Profile) -> bool:
    """True when a stored record can stand: same fingerprint, a profile at least as thorough."""
    return (
        record is not None and record.fingerprint == key and at_least(record.profile, profile.name)
    )


@dataclass(frozen=True)
class Measuring:
    """One example being measured: what every step of it needs."""

    example: Example
    profile: Profile
    python: str
    description: Description
    workdir: Path  # a temporary folder for jobs, reports and pickled results
    progress: Progress
    task: TaskID


def time_variants(m: Measuring, names: list[str], baselines: dict[str, str]) -> dict:
    """Time ``names`` in one fresh interpreter, checking each against its baseline's result.

    Returns a ``jobs.Run`` per name; raises VariantFailed naming the variant that went wrong.
    """
    job = {
        "mode": "measure",
        "example": str(m.example.path),
        "variants": names,
        "size": m.description.size,
        "warmups": m.profile.warmups,
        "stop": m.profile.stop(),
        "baselines": baselines,
        "baseline_of": {v.name: v.baseline for v in m.description.variants},
        "compare": m.description.compares_results,
        "rel_tol": m.description.rel_tol,
        "out": str(m.workdir / f"{len(list(m.workdir.glob('*.job')))}"),
    }
    return jobs.measure(job, timeout=m.profile.timeout, python=m.python)


def measured_of(variant: Variant, runs: list[jobs.Run]) -> Measured:
    """What a variant's runs measured; ExampleFailed if its result differs from its baseline's."""
    mismatch = next((r.mismatch for r in runs if r.mismatch), None)
    if mismatch:
        raise ExampleFailed(
            f"variants disagree: {variant.name!r} returned something other than the "
            f"baseline {variant.baseline!r} ({mismatch})"
        )
    wall = stats.summarise([s for r in runs for s in r.wall])
    differences = [r.largest_difference for r in runs if r.largest_difference is not None]
    return Measured(
        wall=wall,
        cpu=stats.summarise([s for r in runs for s in r.cpu]),
        peak_rss=max(r.peak_rss for r in runs),
        largest_difference=max(differences, default=None),
        flags=stats.flags(wall),
    )


def report_row(m: Measuring, variant: Variant, measured: Measured) -> None:
    """A line per variant as well as the bar: CI logs show no live bar."""
    accepted = measured.largest_difference
    m.progress.console.print(
        f"  {m.example.id} · {variant.name}: median {measured.wall.median:.4g} s "
        f"of {measured.wall.runs} runs"
        + (f"; result within {accepted:.2g} of the baseline's" if accepted else "")
    )


def measure_isolated(m: Measuring) -> dict[str, Measured]:
    """Each variant in ``profile.interpreters`` interpreters of its own."""
    results_of: dict[str, str] = {}  # a baseline's name -> its pickled result
    found = {}
    for variant in m.description.runnable():
        runs = []
        for n in range(m.profile.interpreters):
            m.progress.update(m.task, description=f"{m.example.id} · {variant.name} · run {n + 1}")
            runs.append(time_variants(m, [variant.name], results_of)[variant.name])
            m.progress.advance(m.task)
        found[variant.name] = measured_of(variant, runs)
        if variant.name == variant.baseline:
            results_of[variant.name] = str(runs[0].result_path)
        report_row(m, variant, found[variant.name])
    return found


AS_A_READER = "as-a-reader"  # the title of what a smoke run printed, as a reader sees it


def measure_as_a_reader(m: Measuring) -> tuple[dict[str, Measured], Transcript]:
    """Run the script as a reader does (``side_by_side``: every variant once, in turn),
    and read what it reports; with what it printed.

    A leak cannot be put down to one variant there; then each runs on its own
    again, in the worker, and the one that leaks is named.
    """
    m.progress.update(m.task, description=f"{m.example.id} · run as a reader runs it")
    report = m.workdir / "reader.json"
    args = ["--size", m.profile.name]
    command = [m.python, str(m.example.path), *args, "--report", str(report)]
    env = {**os.environ, "PYTHONPATH": str(EXAMPLES)}  # side_by_side, wherever the example is
    try:
        done = supervise.supervise(command, timeout=m.profile.timeout, env=env, capture_stdout=True)
    except supervise.TimedOut as error:
        raise jobs.VariantFailed(jobs.naming(jobs.current(report), str(error))) from None
    printed = Transcript(" ".join(["python", f"examples/{m.example.id}.py", *args]), done.stdout)
    if done.leftovers:
        return measure_isolated(m), printed
    saved = json.loads(report.read_text()) if report.exists() else None
    runs = jobs.runs_of(saved, done, jobs.current(report))
    m.progress.advance(m.task, len(runs))
    found = {}
    for variant in m.description.runnable():
        found[variant.name] = measured_of(variant, [runs[variant.name]])
        report_row(m, variant, found[variant.name])
    return found, printed


def say_what_cannot_run(example: Example, description: Description, console) -> None:
    for variant in description.variants:
        if variant.missing:
            console.print(
                f"  {example.id} · {variant.name}: not measured here, {'; '.join(variant.missing)}"
            )


def measure_example(
    example: Example, profile: Profile, python: str, key: str, progress, task
) -> Record:
    since = machine.cpu_times()
    with tempfile.TemporaryDirectory(prefix="harness-") as tmp:
        description, built = describe(example, profile, python, Path(tmp))
        runnable = description.runnable()
        progress.update(task, total=len(runnable) * profile.interpreters, completed=0)
        say_what_cannot_run(example, description, progress.console)
        m = Measuring(example, profile, python, description, Path(tmp), progress, task)
        transcripts = {}
        try:
            if profile.as_a_reader:
                measured, transcripts[AS_A_READER] = measure_as_a_reader(m)
            else:
                measured = measure_isolated(m)
        except jobs.VariantFailed as error:
            raise ExampleFailed(str(error)) from None
        for title, args in description.transcripts.items():
            transcripts[title] = run_transcript(example, args, profile, python)
    return Record(
        id=example.id,
        fingerprint=key,
        profile=profile.name,
        description=description,
        measured=measured,
        environment=machine.environment(example, python, built, since),
        transcripts=transcripts,
    )


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

    def __init__(self, profile, results_path, force, console, python, examples_root):
        self.profile, self.results_path, self.force = profile, results_path, force
        self.console, self.python, self.examples_root = console, python, examples_root
        # Only the numbers of a meaningful profile deserve the machine's noise beside them.
        self.meter = NoiseMeter() if profile.meaningful else None
        self.data = results.load_or_start(results_path, lambda msg: console.print(f"[yellow]{msg}"))
        self.failed: list[str] = []
        self.measured_now: list[str] = []

    def measure(self, example: Example, progress, task) -> Record | None:
        """A new record for the example, or None when the stored one still stands."""
        key = fingerprint_of(example, self.python, self.examples_root)
        if not self.force and is_fresh(self.data.examples.get(example.id), key, self.profile):
            return None
        if self.meter and not self.meter.medians:
            self.meter.check()  # the run's first reference, before anything is measured
        return measure_example(example, self.profile, self.python, key, progress, task)

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
            date = self.data.examples[example.id].environment.date
            self.console.print(f"{prefix}: unchanged since {date}, kept")
            return
        if self.meter:
            # The machine's noise around this example: the reference before it (the
            # run's first check, or the one after the previous example) and after.
            self.meter.check()
            record = dataclasses.replace(record, noise=self.meter.summary())
            self.measured_now.append(example.id)
        self.data.examples[example.id] = record
        results.save(self.data, self.results_path)  # after each example: a crash loses nothing
        self.console.print(f"{prefix}: {summary_of(record)}")

    def fail(self, example: Example, message: str) -> None:
        self.failed.append(example.id)
        self.console.print(message, style="red", markup=False)

    def finish(self) -> bool:
        """Every table of this run states the band of the whole run's checks; whether
        anything changed since the last save."""
        if not self.meter or len(self.measured_now) < 2:
            return False
        for example_id in self.measured_now:
            record = self.data.examples[example_id]
            noise = self.meter.summary(record.noise.around)
            self.data.examples[example_id] = dataclasses.replace(record, noise=noise)
        results.save(self.data, self.results_path)
        return True


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
) -> int:
    """Measure what changed; keep every good result; return the number of failed examples.

    ``after_each(data, done, total)`` is called after every example (to render
    the tables of a site being served, say).
    """
    console = console or Console(stderr=True)
    supervise.become_subreaper()
    session = Session(profile, results_path, force, console, python, examples_root)
    with Progress(*PROGRESS_COLUMNS, console=console, transient=True) as progress:
        for number, example in enumerate(examples, 1):
            task = progress.add_task(example.id, total=None)
            try:
                session.one(example, f"[{number}/{len(examples)}] {example.id}", progress, task)
            finally:
                progress.remove_task(task)
            if after_each:
                after_each(session.data, number, len(examples))
    if session.finish() and after_each:
        after_each(session.data, len(examples), len(examples))
    if session.failed:
        console.print(
            f"[red]{len(session.failed)} example(s) failed: {', '.join(session.failed)}. "
            f"Results of the others are saved in {results_path}."
        )
    return len(session.failed)
