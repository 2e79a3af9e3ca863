"""One example measured: described by a fresh interpreter, its variants timed in paired
rounds (or run once as a reader runs it), its transcripts run, its record made."""

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import msgspec
from rich.progress import (
    Progress,
    TaskID,
)

from harness.child import protocol
from harness.core import speedups, stats
from harness.core.paths import EXAMPLES, ROOT
from harness.core.profiles import Profile, at_least
from harness.core.records import Description, Measured, Record, Transcript, Variant
from harness.measuring import jobs, machine, rounds, supervise
from harness.measuring.discover import MAIN_GUARD, Example, runs_its_table


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
    try:
        reply = worker.ask(protocol.Describe(str(example.path), profile.name), profile.timeout)
    except jobs.VariantFailed as error:
        said = str(error)
        if not said.startswith("raised an exception"):
            said = f"could not be loaded: {said}"  # a crash, a time-out; not the table
        raise ExampleFailed(said.replace("raised an exception:", "could not be loaded:")) from None
    return msgspec.convert(reply.description, Description), reply.python, worker


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
    check = speedups.reference_ratio(record)
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


def measured_of(variant: Variant, run: protocol.ReaderRun, peak: int) -> Measured:
    """What a variant's run as a reader runs it measured (the whole run's ``peak``
    memory); ExampleFailed if its result differs from its baseline's."""
    if run.mismatch:
        raise ExampleFailed(
            f"variants disagree: {variant.name!r} returned something other than the "
            f"baseline {variant.baseline!r} ({run.mismatch})"
        )
    return Measured(
        wall=stats.summarise(run.wall),
        cpu=stats.summarise(run.cpu),
        peak_rss=peak,
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
            path = str(m.example.path)
            worker.ask(protocol.Describe(path, m.profile.name), m.profile.timeout)
            worker.ask(protocol.Start(path, variant.name, m.description.size), m.profile.timeout)
            worker.ask(protocol.Time(1), m.profile.timeout)
            left = worker.quit(m.profile.timeout)
        finally:
            worker.kill()
        left += supervise.wait_for_leftovers(worker.process.pid, others)
        if left:
            raise jobs.LeakedProcesses(protocol.naming(variant.name, supervise.leaked(left)))


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
    reader = [m.python, "-m", "harness.child.reader", str(report), str(m.example.path)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        done = supervise.supervise([*reader, *args], timeout=m.profile.timeout, env=env,
                                   capture_stdout=True)  # fmt: skip
    except supervise.TimedOut as error:
        running = getattr(jobs.read_report(report), "running", None)
        raise jobs.VariantFailed(protocol.naming(running, str(error))) from None
    printed = Transcript(" ".join(["python", f"examples/{m.example.id}.py", *args]), done.stdout)
    if done.leftovers:
        blame_leak(m)
        raise jobs.LeakedProcesses(supervise.leaked(done.leftovers))
    runs = jobs.runs_of(jobs.read_report(report), done)
    found = {v.name: measured_of(v, runs[v.name], done.peak_memory)
             for v in m.description.runnable()}  # fmt: skip
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
