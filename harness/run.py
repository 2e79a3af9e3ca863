"""Measure examples: plan the runs, time every variant, check they agree, record."""

import contextlib
import multiprocessing
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from harness import machine, results, stats
from harness.discover import EXAMPLES, Example
from harness.fingerprint import fingerprint
from harness.measure import (
    ROOT,
    LeakedProcesses,
    VariantFailed,
    VariantRun,
    become_subreaper,
    descendants,
    kill_all,
    run_variants,
    run_worker,
    wait_for_leftovers,
)
from harness.noise import NoiseMeter


@dataclass(frozen=True)
class Profile:
    """How thoroughly to measure: which size, how many interpreters, when to stop repeating.

    In each interpreter a variant is called ``warmups`` times untimed, then
    timed until its median is known within ``precision`` (a 95 % interval),
    with at least ``min_runs`` calls and at most ``max_runs``, or until
    ``max_seconds`` have been timed (see ``worker.enough``).
    """

    name: str
    size: str  # which entry of an example's BENCHMARK["sizes"] to use
    processes: int  # fresh interpreters per variant
    warmups: int  # untimed calls per interpreter
    min_runs: int
    max_runs: int
    max_seconds: float
    precision: float
    timeout: float  # seconds one interpreter may run
    # True: every variant in interpreters of its own. False (smoke): all of an
    # example's variants in one interpreter, in turn; it proves they run, in a
    # fraction of the time, and a failure is still put down to its variant.
    isolate: bool = True

    def stop(self) -> dict:
        return {
            "min_runs": self.min_runs,
            "max_runs": self.max_runs,
            "max_seconds": self.max_seconds,
            "precision": self.precision,
        }


PROFILES = {
    # For tests: proves every example runs under the harness; numbers mean little.
    "smoke": Profile(
        "smoke", "smoke", processes=1, warmups=0, min_runs=1, max_runs=1,
        max_seconds=0, precision=1, timeout=120, isolate=False,
    ),
    # For previews: the median within 3 %, or 2 s of timed calls, whichever comes first.
    "quick": Profile(
        "quick", "quick", processes=1, warmups=1, min_runs=3, max_runs=200,
        max_seconds=2, precision=0.03, timeout=300,
    ),
    # For publishing: full sizes, two interpreters, the median within 1 % or 10 s each.
    "full": Profile(
        "full", "full", processes=2, warmups=1, min_runs=5, max_runs=500,
        max_seconds=10, precision=0.01, timeout=900,
    ),
}  # fmt: skip
RANK = {name: rank for rank, name in enumerate(PROFILES)}


class ExampleFailed(Exception):
    """An example could not be measured; the message names the variant and what happened."""


def describe(example: Example, profile: Profile, python: str, workdir: Path) -> dict:
    """Ask a fresh interpreter for the example's variants and its size for this profile.

    It may make the workload's files (``input_bytes`` gives their sizes): a full-size
    file takes minutes to generate the first time, so it gets a variant's time limit.
    """
    job = {
        "example": str(example.path),
        "size": profile.size,
        "profile": profile.name,
        "out": str(workdir / "describe"),
    }
    try:
        report, code, stderr, _ = run_worker(
            ["--describe"], job, timeout=profile.timeout, python=python
        )
    except VariantFailed as error:
        raise ExampleFailed(f"while being imported: {error}") from None
    if report is None:
        raise ExampleFailed(
            f"could not be loaded: its interpreter exited with code {code}\n{stderr}".strip()
        )
    if "problem" in report:
        raise ExampleFailed(report["problem"])
    if "error" in report:
        raise ExampleFailed(f"could not be loaded:\n{report['error'].strip()}")
    return report


def run_transcript(example: Example, args: list[str], profile: Profile, python: str) -> dict:
    """Run the example as a reader would, with ``args``, and keep what it printed.

    Pages show these outputs (a profiler's report, say) so that the reader sees
    what the script prints on a real machine, not text typed by hand.
    """
    args = [*args, "--size", profile.size]
    shown_args = " ".join(args)
    others = frozenset(descendants())
    process = subprocess.Popen(
        [python, str(example.path), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=profile.timeout)
    except subprocess.TimeoutExpired:
        kill_all(process.pid, others)
        process.communicate()
        raise ExampleFailed(f"{shown_args}: timed out after {profile.timeout:.0f} s") from None
    left = wait_for_leftovers(process.pid, others)
    if process.returncode != 0:
        raise ExampleFailed(
            f"running it with {shown_args} exited with code {process.returncode}:\n"
            f"{stderr.strip()[-2000:]}"
        )
    if left:
        raise ExampleFailed(
            f"running it with {shown_args} leaked child processes: {', '.join(left)}"
        )
    shown = " ".join(["python", f"examples/{example.id}.py", *args])
    return {"command": shown, "output": stdout}


def is_fresh(record: dict | None, key: str, profile: Profile) -> bool:
    """True when a stored record can stand: same fingerprint, a profile at least as thorough."""
    return (
        record is not None
        and record.get("fingerprint") == key
        and RANK.get(record.get("profile"), -1) >= RANK[profile.name]
    )


@dataclass(frozen=True)
class Measuring:
    """One example being measured: what every step of it needs."""

    example: Example
    profile: Profile
    python: str
    workdir: Path  # a temporary folder for jobs, reports and pickled results
    compare: bool  # whether variants must return what their baseline returns
    progress: Progress
    task: TaskID


def time_variants(m: Measuring, names: list[str], baselines: dict[str, str]) -> dict:
    """Time ``names`` in one fresh interpreter, checking each against its baseline's result.

    Returns a VariantRun per name; raises VariantFailed naming the variant that went wrong.
    """
    job = {
        "example": str(m.example.path),
        "variants": names,
        "size": m.profile.size,
        "profile": m.profile.name,
        "warmups": m.profile.warmups,
        "stop": m.profile.stop(),
        "baselines": baselines,
        "compare": m.compare,
        "out": str(m.workdir / f"{len(list(m.workdir.glob('*.job')))}"),
    }
    return run_variants(job, timeout=m.profile.timeout, python=m.python)


def row_of(variant: dict, runs: list[VariantRun]) -> dict:
    """A variant's record with what its runs measured; ExampleFailed if its result differs."""
    mismatch = next((r.mismatch for r in runs if r.mismatch), None)
    if mismatch:
        raise ExampleFailed(
            f"variants disagree: {variant['name']!r} returned something other than the "
            f"baseline {variant['baseline']!r} ({mismatch})"
        )
    wall = stats.summarise([s for r in runs for s in r.wall])
    return {
        **variant,
        "wall": wall,
        "cpu": stats.summarise([s for r in runs for s in r.cpu]),
        "peak_rss": max(r.peak_rss for r in runs),
        "flags": stats.flags(wall),
        "largest_difference": max(
            (r.largest_difference for r in runs if r.largest_difference is not None),
            default=None,
        ),
    }


def report_row(m: Measuring, row: dict) -> None:
    """A line per variant as well as the bar: CI logs show no live bar."""
    accepted = row["largest_difference"]
    m.progress.console.print(
        f"  {m.example.id} · {row['name']}: median {row['wall']['median']:.4g} s "
        f"of {row['wall']['runs']} runs"
        + (f"; result within {accepted:.2g} of the baseline's" if accepted else "")
    )


def measure_isolated(m: Measuring, runnable: list[dict]) -> dict[str, dict]:
    """Each variant in ``profile.processes`` interpreters of its own: rows by name."""
    results_of: dict[str, str] = {}  # a baseline's name -> its pickled result
    rows = {}
    for variant in runnable:
        runs = []
        for n in range(m.profile.processes):
            m.progress.update(
                m.task, description=f"{m.example.id} · {variant['name']} · run {n + 1}"
            )
            runs.append(time_variants(m, [variant["name"]], results_of)[variant["name"]])
            m.progress.advance(m.task)
        rows[variant["name"]] = row_of(variant, runs)
        if variant["name"] == variant["baseline"]:
            results_of[variant["name"]] = str(runs[0].result_path)
        report_row(m, rows[variant["name"]])
    return rows


def measure_together(m: Measuring, runnable: list[dict]) -> dict[str, dict]:
    """Every variant in one interpreter, in turn (the smoke profile): rows by name.

    A leak cannot be put down to one variant there; then each runs on its own
    again, and the one that leaks is named.
    """
    m.progress.update(m.task, description=f"{m.example.id} · every variant in one interpreter")
    try:
        timed = time_variants(m, [v["name"] for v in runnable], {})
    except LeakedProcesses:
        return measure_isolated(m, runnable)
    m.progress.advance(m.task, len(runnable))
    rows = {v["name"]: row_of(v, [timed[v["name"]]]) for v in runnable}
    for row in rows.values():
        report_row(m, row)
    return rows


def measure_example(
    example: Example, profile: Profile, python: str, key: str, progress, task
) -> dict:
    since = machine.cpu_times()
    with tempfile.TemporaryDirectory(prefix="harness-") as tmp:
        described = describe(example, profile, python, Path(tmp))
        variants = described["variants"]
        runnable = [v for v in variants if not v["missing"]]
        progress.update(task, total=len(runnable) * profile.processes, completed=0)
        for variant in variants:
            if variant["missing"]:
                progress.console.print(
                    f"  {example.id} · {variant['name']}: not measured here, "
                    + "; ".join(variant["missing"])
                )
        m = Measuring(example, profile, python, Path(tmp), described["same_result"], progress, task)
        try:
            measured = (measure_isolated if profile.isolate else measure_together)(m, runnable)
        except VariantFailed as error:
            raise ExampleFailed(str(error)) from None
        rows = [measured.get(v["name"], v) for v in variants]
        transcripts = {
            title: run_transcript(example, args, profile, python)
            for title, args in described["transcripts"].items()
        }
    return {
        "id": example.id,
        "fingerprint": key,
        "profile": profile.name,
        "size": described["size"],
        "efficiency": described["efficiency"],
        "cpu_time": described["cpu_time"],
        "cost": described["cost"],
        "memory": described["memory"],
        "input_bytes": described["input_bytes"],
        "crossover": described["crossover"],
        "scaling": described["scaling"],
        "transcripts": transcripts,
        "variants": rows,
        "environment": {
            "hardware": machine.hardware(),
            "python": described["python"],
            "libraries": machine.example_libraries(example, python),
            "start_method": multiprocessing.get_start_method(),
            "commit": machine.commit(),
            "date": machine.now(),
            "load": machine.load(since),
        },
        "noise": None,  # filled in by measure_all, after the reference check that follows
    }


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


def summary_of(record: dict) -> str:
    """'measured 5 variants (fastest: x)', and how many this machine could not run."""
    timed = [v for v in record["variants"] if not v["missing"]]
    said = f"measured {len(timed)} variants"
    if timed:
        said += f" (fastest: {min(timed, key=lambda v: v['wall']['median'])['name']})"
    if len(timed) < len(record["variants"]):
        said += f"; {len(record['variants']) - len(timed)} not measured here"
    return said


def measure_if_changed(
    example: Example,
    profile: Profile,
    python: str,
    examples_root: Path,
    data: dict,
    force: bool,
    progress,
    task,
    meter: NoiseMeter | None,
) -> dict | None:
    """A new record for the example, or None when the stored one still stands."""
    key = fingerprint_of(example, python, examples_root)
    if not force and is_fresh(data["examples"].get(example.id), key, profile):
        return None
    if meter and not meter.medians:
        meter.check()  # the run's first reference, before anything is measured
    return measure_example(example, profile, python, key, progress, task)


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

    A failure while fingerprinting, describing or measuring one example is
    reported against that example and the others are measured all the same.
    ``after_each(data, done, total)`` is called after every example (to render
    the tables of a site being served, say).
    """
    console = console or Console(stderr=True)
    become_subreaper()
    # Smoke runs only prove that examples run: their numbers, noise included, mean little.
    meter = None if profile.name == "smoke" else NoiseMeter()
    data = results.load_or_start(results_path, lambda msg: console.print(f"[yellow]{msg}"))
    failed, measured_now = [], []
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        for number, example in enumerate(examples, 1):
            prefix = f"[{number}/{len(examples)}] {example.id}"
            task = progress.add_task(example.id, total=None)
            try:
                record = measure_if_changed(
                    example, profile, python, examples_root, data, force, progress, task, meter
                )
            except ExampleFailed as error:
                failed.append(example.id)
                console.print(f"{prefix}: FAILED, {error}", style="red", markup=False)
            except Exception as error:  # a bug in the harness: still, measure the others
                failed.append(example.id)
                console.print(
                    f"{prefix}: FAILED, the harness could not measure it "
                    f"({type(error).__name__}: {error})",
                    style="red",
                    markup=False,
                )
            else:
                if record is None:
                    date = data["examples"][example.id]["environment"]["date"]
                    console.print(f"{prefix}: unchanged since {date}, kept")
                else:
                    # The machine's noise around this example: the reference before it
                    # (the run's first check, or the one after the previous example) and after.
                    if meter:
                        meter.check()
                        record["noise"] = meter.summary()
                        measured_now.append(example.id)
                    data["examples"][example.id] = record
                    results.save(data, results_path)  # after each example: a crash loses nothing
                    console.print(f"{prefix}: {summary_of(record)}")
            finally:
                progress.remove_task(task)
            if after_each:
                after_each(data, number, len(examples))
    if meter and len(measured_now) > 1:
        # Every table of this run states the band of the whole run's checks.
        for example_id in measured_now:
            noise = data["examples"][example_id]["noise"]
            data["examples"][example_id]["noise"] = meter.summary(noise["around"])
        results.save(data, results_path)
        if after_each:
            after_each(data, len(examples), len(examples))
    if failed:
        console.print(
            f"[red]{len(failed)} example(s) failed: {', '.join(failed)}. "
            f"Results of the others are saved in {results_path}."
        )
    return len(failed)
