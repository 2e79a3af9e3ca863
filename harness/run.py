"""Measure examples: plan the runs, time every variant, check they agree, record."""

import contextlib
import multiprocessing
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from harness import machine, results, stats
from harness.discover import EXAMPLES, Example
from harness.fingerprint import fingerprint
from harness.measure import (
    ROOT,
    VariantFailed,
    become_subreaper,
    descendants,
    kill_all,
    run_variant,
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
        max_seconds=0, precision=1, timeout=120,
    ),
    # For previews: the median within 3 %, or 3 s of timed calls, whichever comes first.
    "quick": Profile(
        "quick", "quick", processes=1, warmups=1, min_runs=3, max_runs=200,
        max_seconds=3, precision=0.03, timeout=300,
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
    """Ask a fresh interpreter for the example's variants and its size for this profile."""
    job = {
        "example": str(example.path),
        "size": profile.size,
        "profile": profile.name,
        "out": str(workdir / "describe"),
    }
    try:
        report, code, stderr, _ = run_worker(["--describe"], job, timeout=120, python=python)
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


def measure_variant(
    example: Example,
    variant: dict,
    baseline_result: str | None,
    profile: Profile,
    python: str,
    workdir: Path,
    progress,
    task,
) -> tuple[dict, str]:
    """Time one variant in ``profile.processes`` fresh interpreters; return its row and result."""
    runs = []
    for n in range(profile.processes):
        progress.update(task, description=f"{example.id} · {variant['name']} · run {n + 1}")
        job = {
            "example": str(example.path),
            "variant": variant["name"],
            "size": profile.size,
            "profile": profile.name,
            "warmups": profile.warmups,
            "stop": profile.stop(),
            "baseline": baseline_result,
            "out": str(workdir / f"{len(list(workdir.glob('*.job')))}"),
        }
        try:
            run = run_variant(job, timeout=profile.timeout, python=python)
        except VariantFailed as error:
            message = str(error)
            if not message.startswith(f"variant {variant['name']!r}"):
                message = f"variant {variant['name']!r} {message}"
            raise ExampleFailed(message) from None
        if run.mismatch:
            raise ExampleFailed(
                f"variants disagree: {variant['name']!r} returned something other than the "
                f"baseline {variant['baseline']!r} ({run.mismatch})"
            )
        runs.append(run)
        progress.advance(task)
    wall = stats.summarise([s for r in runs for s in r.wall])
    row = {
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
    return row, str(runs[0].result_path)


def measure_example(
    example: Example, profile: Profile, python: str, key: str, progress, task
) -> dict:
    since = machine.cpu_times()
    with tempfile.TemporaryDirectory(prefix="harness-") as tmp:
        described = describe(example, profile, python, Path(tmp))
        variants = described["variants"]
        runnable = [v for v in variants if not v["missing"]]
        progress.update(task, total=len(runnable) * profile.processes, completed=0)
        results_of: dict[str, str] = {}  # a baseline's name -> its pickled result
        rows = []
        for variant in variants:
            if variant["missing"]:
                progress.console.print(
                    f"  {example.id} · {variant['name']}: not measured here, "
                    + "; ".join(variant["missing"])
                )
                rows.append(variant)
                continue
            compare_with = results_of.get(variant["baseline"]) if described["same_result"] else None
            row, result = measure_variant(
                example, variant, compare_with, profile, python, Path(tmp), progress, task
            )
            if variant["name"] == variant["baseline"]:
                results_of[variant["name"]] = result
            # A line per variant as well as the bar: CI logs show no live bar.
            accepted = row["largest_difference"]
            progress.console.print(
                f"  {example.id} · {variant['name']}: median {row['wall']['median']:.4g} s "
                f"of {row['wall']['runs']} runs"
                + (f"; result within {accepted:.2g} of the baseline's" if accepted else "")
            )
            rows.append(row)
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
    failed = []
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
                    data["examples"][example.id] = record
                    results.save(data, results_path)  # after each example: a crash loses nothing
                    console.print(f"{prefix}: {summary_of(record)}")
            finally:
                progress.remove_task(task)
            if after_each:
                after_each(data, number, len(examples))
    if failed:
        console.print(
            f"[red]{len(failed)} example(s) failed: {', '.join(failed)}. "
            f"Results of the others are saved in {results_path}."
        )
    return len(failed)
