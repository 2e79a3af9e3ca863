"""Measure examples: plan the runs, time every variant, check they agree, record."""

import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from harness import machine, results, stats
from harness.discover import Example
from harness.fingerprint import fingerprint
from harness.measure import ROOT, VariantFailed, run_variant


@dataclass(frozen=True)
class Profile:
    name: str
    size: str  # which entry of an example's BENCHMARK["sizes"] to use
    processes: int  # fresh interpreters per variant
    warmups: int  # untimed calls per interpreter
    repeats: int  # timed calls per interpreter, at least
    min_seconds: float  # ...and more, until this much time has been timed
    timeout: float  # seconds one interpreter may run
    python: str = sys.executable  # the interpreter that runs the examples


PROFILES = {
    # For tests: proves every example runs under the harness; numbers mean little.
    "smoke": Profile(
        "smoke", "smoke", processes=1, warmups=0, repeats=1, min_seconds=0, timeout=120
    ),
    # For previews: steady enough to compare variants, fast enough to wait for.
    "quick": Profile(
        "quick", "quick", processes=1, warmups=1, repeats=5, min_seconds=5, timeout=300
    ),
    # For publishing: full sizes, more interpreters and repeats.
    "full": Profile("full", "full", processes=2, warmups=1, repeats=5, min_seconds=10, timeout=900),
}
RANK = {name: rank for rank, name in enumerate(PROFILES)}


class ExampleFailed(Exception):
    """An example could not be measured; the message names the variant and what happened."""


def describe(example: Example, profile: "Profile") -> dict:
    """Ask a fresh interpreter for the example's variants and sizes."""
    try:
        out = subprocess.run(
            [profile.python, "-m", "harness.worker", "--describe", str(example.path)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ExampleFailed("timed out while being imported (120 s)") from None
    try:
        described = json.loads(out.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        raise ExampleFailed(
            f"could not be loaded: its interpreter exited with code {out.returncode}\n"
            f"{out.stderr.strip()[-2000:]}"
        ) from None
    if "error" in described:
        raise ExampleFailed(f"could not be loaded:\n{described['error'].strip()}")
    if not described["variants"]:
        raise ExampleFailed("BENCHMARK['variants'] is empty")
    return described


def run_transcript(example: Example, args: list[str], profile: Profile) -> dict:
    """Run the example as a reader would, with ``args``, and keep what it printed.

    Pages show these outputs (a profiler's report, say) so that the reader sees
    what the script prints on a real machine, not text typed by hand.
    """
    args = [*args, "--size", profile.size]
    command = [profile.python, str(example.path), *args]
    try:
        done = subprocess.run(
            command,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=profile.timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ExampleFailed(f"{' '.join(args)}: timed out after {profile.timeout:.0f} s") from None
    if done.returncode != 0:
        raise ExampleFailed(
            f"running it with {' '.join(args)} exited with code {done.returncode}:\n"
            f"{done.stderr.strip()[-2000:]}"
        )
    shown = " ".join(["python", f"examples/{example.id}.py", *args])
    return {"command": shown, "output": done.stdout}


def is_fresh(record: dict | None, key: str, profile: Profile) -> bool:
    """True when a stored record can stand: same fingerprint, a profile at least as thorough."""
    return (
        record is not None
        and record.get("fingerprint") == key
        and RANK.get(record.get("profile"), -1) >= RANK[profile.name]
    )


def measure_example(example: Example, profile: Profile, key: str, progress, task) -> dict:
    described = describe(example, profile)
    if profile.size not in described["sizes"]:
        raise ExampleFailed(f"BENCHMARK['sizes'] has no {profile.size!r} entry")
    names = described["variants"]
    # Each group (or the whole table, without groups) is compared with its first variant.
    baselines: dict[str | None, tuple[str, Path]] = {}
    progress.update(task, total=len(names) * profile.processes, completed=0)
    rows = []
    with tempfile.TemporaryDirectory(prefix="harness-") as tmp:
        for name, group in zip(names, described["groups"], strict=True):
            baseline, baseline_result = baselines.get(group, (name, None))
            if not described["same_result"]:
                baseline_result = None
            runs = []
            for n in range(profile.processes):
                progress.update(task, description=f"{example.id} · {name} · run {n + 1}")
                try:
                    run = run_variant(
                        example.path,
                        name,
                        profile.size,
                        warmups=profile.warmups,
                        repeats=profile.repeats,
                        min_seconds=profile.min_seconds,
                        timeout=profile.timeout,
                        workdir=Path(tmp),
                        baseline=baseline_result,
                        python=profile.python,
                    )
                except VariantFailed as error:
                    raise ExampleFailed(f"variant {name!r} {error}") from None
                if run.mismatch:
                    raise ExampleFailed(
                        f"variants disagree: {name!r} returned something other than the "
                        f"baseline {baseline!r} ({run.mismatch})"
                    )
                runs.append(run)
                progress.advance(task)
            if name == baseline:
                baselines[group] = (name, runs[0].result_path)
            wall = stats.summarise([s for r in runs for s in r.wall])
            # A line per variant as well as the bar: CI logs show no live bar.
            progress.console.print(
                f"  {example.id} · {name}: median {wall['median']:.4g} s of {wall['runs']} runs"
            )
            rows.append(
                {
                    "name": name,
                    "group": group,
                    **runs[0].scaling,
                    "wall": wall,
                    "cpu": stats.summarise([s for r in runs for s in r.cpu]),
                    "peak_rss": max(r.peak_rss for r in runs),
                    "bound": runs[0].bound,
                    "flags": stats.flags(wall),
                }
            )
        transcripts = {
            title: run_transcript(example, args, profile)
            for title, args in described["transcripts"].items()
        }
    scaling = described["scaling"]
    return {
        "id": example.id,
        "fingerprint": key,
        "profile": profile.name,
        "size": described["sizes"][profile.size],
        "baseline": names[0],
        "efficiency": described["efficiency"],
        "cpu_time": described["cpu_time"],
        "scaling": scaling
        and {"law": scaling["law"], "serial_fraction": scaling["serial_fraction"][profile.size]},
        "transcripts": transcripts,
        "variants": rows,
        "environment": {
            "hardware": machine.hardware(),
            "python": described["python"],
            "libraries": machine.example_libraries(example, profile.python),
            "start_method": multiprocessing.get_start_method(),
            "commit": machine.commit(),
            "date": machine.now(),
        },
    }


def measure_all(
    examples: list[Example],
    profile: Profile,
    results_path: Path,
    force: bool = False,
    console: Console | None = None,
) -> int:
    """Measure what changed; keep every good result; return the number of failed examples."""
    console = console or Console(stderr=True)
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
            key = fingerprint(example, profile.python)
            old = data["examples"].get(example.id)
            if not force and is_fresh(old, key, profile):
                console.print(f"{prefix}: unchanged since {old['environment']['date']}, kept")
                continue
            task = progress.add_task(example.id, total=None)
            try:
                record = measure_example(example, profile, key, progress, task)
            except ExampleFailed as error:
                failed.append(example.id)
                console.print(f"[red]{prefix}: FAILED, {error}")
                continue
            finally:
                progress.remove_task(task)
            data["examples"][example.id] = record
            results.save(data, results_path)  # after each example: a crash loses nothing
            best = min(record["variants"], key=lambda v: v["wall"]["median"])
            console.print(
                f"{prefix}: measured {len(record['variants'])} variants (fastest: {best['name']})"
            )
    if failed:
        console.print(
            f"[red]{len(failed)} example(s) failed: {', '.join(failed)}. "
            f"Results of the others are saved in {results_path}."
        )
    return len(failed)
