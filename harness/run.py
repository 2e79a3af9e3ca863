"""Measure examples: describe each, time every variant, check they agree, record."""

import contextlib
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

from harness import derived, jobs, machine, results, rounds, stats, supervise
from harness.discover import MAIN_GUARD, Example, runs_its_table
from harness.fingerprint import fingerprint
from harness.paths import EXAMPLES, ROOT
from harness.profiles import Profile, at_least
from harness.records import Description, Measured, Record, Transcript, Variant


class ExampleFailed(Exception):
    """An example could not be measured; the message names the variant and what happened."""


def describe(example: Example, profile: Profile, python: str, root: Path = ROOT) -> tuple:
    """A fresh interpreter describes the example at this profile's size: the
    ``Description``, the interpreter's build (after the example's imports), and the
    worker, kept running to time the first variant.

    It may make the workload's files (``input_bytes`` gives their sizes): a full-size
    file takes minutes to generate the first time, so it gets a variant's time limit.
    """
    worker = jobs.Worker(None, python, root)
    job = {"do": "describe", "example": str(example.path), "size": profile.name}
    try:
        report = worker.ask(job, profile.timeout, raw=True)
    except jobs.VariantFailed as error:
        raise ExampleFailed(f"could not be loaded: {error}") from None
    if "problem" in report or "error" in report:
        worker.kill()
        said = report.get("problem") or f"could not be loaded:\n{report['error'].strip()}"
        raise ExampleFailed(said)
    return msgspec.convert(report["description"], Description), report["python"], worker


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
    """True when a stored record can stand: same fingerprint, a profile at least as
    thorough, and an A/A check that held. One that failed was measured while the
    machine was busy with something else (or by chance, one time in twenty): it is
    shown, and measured again the next time."""
    if record is None or record.fingerprint != key or not at_least(record.profile, profile.name):
        return False
    check = derived.reference_ratio(record)
    return check is None or check.includes(1.0)


@dataclass(frozen=True)
class Measuring:
    """One example being measured: what every step of it needs."""

    example: Example
    profile: Profile
    python: str
    description: Description
    workdir: Path  # a temporary folder for reports and pickled results
    progress: Progress
    task: TaskID


def measured_of(variant: Variant, run: jobs.Run) -> Measured:
    """What a variant's run measured; ExampleFailed if its result differs from its baseline's."""
    if run.mismatch:
        raise ExampleFailed(
            f"variants disagree: {variant.name!r} returned something other than the "
            f"baseline {variant.baseline!r} ({run.mismatch})"
        )
    return Measured(
        wall=stats.summarise(run.wall),
        cpu=stats.summarise(run.cpu),
        peak_rss=run.peak_rss,
        largest_difference=run.largest_difference,
        samples=tuple(run.wall),
    )


def report_rows(m: Measuring, measured: dict[str, Measured], rounds: int = 0) -> None:
    """A line per variant as well as the bar: CI logs show no live bar."""
    for name, got in measured.items():
        accepted = got.largest_difference
        where = f", {got.placement.why}" if got.placement else ""
        m.progress.console.print(
            f"  {m.example.id} · {name}: median {got.wall.median:.4g} s "
            f"of {rounds or got.wall.runs} {'rounds' if rounds else 'runs'}{where}"
            + (f"; result within {accepted:.2g} of the baseline's" if accepted else "")
        )


def blame_leak(m: Measuring) -> None:
    """Run each variant alone, once, to name the one that leaves processes behind."""
    others = frozenset(supervise.descendants())
    for variant in m.description.runnable():
        worker = jobs.Worker(variant.name, m.python)
        try:
            worker.ask({"do": "describe", "example": str(m.example.path), "size": m.profile.name},
                       m.profile.timeout)  # fmt: skip
            job = {"do": "start", "example": str(m.example.path), "variant": variant.name}
            worker.ask({**job, "size": m.description.size}, m.profile.timeout)
            worker.ask({"do": "time", "loops": 1}, m.profile.timeout)
            left = worker.quit(m.profile.timeout)
        finally:
            worker.kill()
        left += supervise.wait_for_leftovers(worker.process.pid, others)
        if left:
            raise jobs.LeakedProcesses(jobs.naming(variant.name, supervise.leaked(left)))


AS_A_READER = "as-a-reader"  # the title of what a smoke run printed, as a reader sees it


def measure_as_a_reader(m: Measuring) -> tuple[dict[str, Measured], Transcript]:
    """Run the script as a reader does (``side_by_side``: every variant once, in turn),
    and read what it reports; with what it printed.

    A leak cannot be put down to one variant there; then each runs on its own,
    and the one that leaks is named.
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
        blame_leak(m)
        raise jobs.LeakedProcesses(supervise.leaked(done.leftovers))
    saved = json.loads(report.read_text()) if report.exists() else None
    runs = jobs.runs_of(saved, done, jobs.current(report))
    found = {v.name: measured_of(v, runs[v.name]) for v in m.description.runnable()}
    report_rows(m, found)
    return found, printed


def say_what_cannot_run(example: Example, description: Description, console) -> None:
    for variant in description.variants:
        if variant.missing:
            console.print(
                f"  {example.id} · {variant.name}: not measured here, {'; '.join(variant.missing)}"
            )


def measure_in_rounds(m: Measuring, first: jobs.Worker):
    """Every variant in paired rounds (``rounds``); what each measured, the A/A check,
    and how many rounds; a daemon that escaped every worker's session is named."""
    others = frozenset(supervise.descendants()) - {first.process.pid}
    m.progress.update(m.task, description=f"{m.example.id} · paired rounds")
    measured, reference, count = rounds.measure(
        m.description, m.profile, m.example.path, first, m.python, m.workdir,
        say=lambda said: m.progress.console.print(f"  {m.example.id}: {said}"),
    )  # fmt: skip
    if supervise.below_us(others):  # left its session, handed to us: whose?
        blame_leak(m)
    report_rows(m, measured, count)
    return measured, reference, count


def measure_example(
    example: Example, profile: Profile, python: str, key: str, progress, task, label: str = ""
) -> Record:
    if not runs_its_table(example.path):
        raise ExampleFailed(
            "it has a BENCHMARK but never calls side_by_side.main(BENCHMARK), so "
            f"`python examples/{example.id}.py` would time nothing. End the script with:\n\n"
            f"{MAIN_GUARD}\n\n(with `import sys` and `from pathlib import Path` at the top; "
            "CONTRIBUTING.md shows the whole template)"
        )
    since = machine.cpu_times()
    description, built, first = describe(example, profile, python)
    say_what_cannot_run(example, description, progress.console)
    transcripts, reference, count = {}, None, 0
    with tempfile.TemporaryDirectory(prefix="harness-") as tmp:
        m = Measuring(example, profile, python, description, Path(tmp), progress, task)
        try:
            if not description.runnable():
                first.kill()
                measured = {}
            elif profile.as_a_reader:
                first.kill()
                measured, transcripts[AS_A_READER] = measure_as_a_reader(m)
            else:
                measured, reference, count = measure_in_rounds(m, first)
        except jobs.VariantFailed as error:
            first.kill()
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
        reference=reference,
        rounds=count,
        interpreter=label,
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
