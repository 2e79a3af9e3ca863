"""Give the worker a job and read its report: the parent's side of ``harness.worker``.

Each job runs in a fresh interpreter under ``supervise``; whatever goes wrong
ends in a ``VariantFailed`` that names the variant that was running and says
what happened, with its whole process tree killed.
"""

import json
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

from harness import supervise
from harness.paths import ROOT


class VariantFailed(Exception):
    """A variant could not be measured; the message says why, in plain words."""


class LeakedProcesses(VariantFailed):
    """The variant's interpreter left processes running; they were killed."""


@dataclass(frozen=True)
class Run:
    """What one interpreter measured of one variant."""

    wall: list[float]
    cpu: list[float]
    peak_rss: int  # bytes, the whole tree, over every variant the interpreter ran
    mismatch: str | None
    largest_difference: float | None  # relative, from the baseline's result
    result_path: Path | None  # what it returned, pickled (the worker's runs)


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"crashed: its interpreter was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"crashed: its interpreter was killed by signal {-code}"
    return f"crashed: its interpreter exited with code {code} without reporting a result"


def naming(variant: str | None, message: str) -> str:
    """ "variant 'x' timed out: …", unless the message already names it."""
    if variant is None or message.startswith(f"variant {variant!r}"):
        return message
    return f"variant {variant!r} {message}"


def run(job: dict, *, timeout: float, python: str) -> tuple[dict | None, supervise.Finished]:
    """Run the worker on ``job`` and return its report (None if it wrote none).

    Raises VariantFailed on a time-out, LeakedProcesses when it left processes
    behind after a report of success; both name the variant it was running.
    """
    out = Path(job["out"])
    for suffix in (".json", ".current"):
        Path(f"{out}{suffix}").unlink(missing_ok=True)
    job_path = Path(f"{out}.job")
    job_path.write_text(json.dumps(job))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [python, "-m", "harness.worker", str(job_path)]
    try:
        finished = supervise.supervise(command, timeout=timeout, env=env)
    except supervise.TimedOut as error:
        raise VariantFailed(naming(running(job), str(error))) from None
    report_path = Path(f"{out}.json")
    report = json.loads(report_path.read_text()) if report_path.exists() else None
    if finished.leftovers and report and not {"error", "problem"} & report.keys():
        raise LeakedProcesses(naming(running(job), supervise.leaked(finished.leftovers)))
    return report, finished


def running(job: dict) -> str | None:
    """The variant the worker said it was running, if it got that far."""
    return current(Path(job["out"]))


def current(report: Path) -> str | None:
    """The variant being run, from the file beside a report: ``REPORT.current``."""
    path = Path(f"{report}.current")
    return path.read_text() if path.exists() else None


def runs_of(report: dict | None, finished: supervise.Finished, variant: str | None) -> dict:
    """The runs a report gives by variant (the worker's, or side_by_side's), or
    VariantFailed saying what went wrong while ``variant`` ran."""
    if report is None:
        said = f"{describe_exit(finished.returncode)}\n{finished.stderr}".strip()
        raise VariantFailed(naming(variant, said))
    if "problem" in report:
        raise VariantFailed(naming(variant, report["problem"]))
    if "error" in report:
        raise VariantFailed(naming(variant, f"raised an exception:\n{report['error'].strip()}"))
    return {
        name: Run(
            wall=got["wall"],
            cpu=got["cpu"],
            peak_rss=finished.peak_memory,
            mismatch=got.get("mismatch"),
            largest_difference=got.get("largest_difference"),
            result_path=Path(got["result"]) if got.get("result") else None,
        )
        for name, got in report["variants"].items()
    }


def measure(job: dict, *, timeout: float, python: str = sys.executable) -> dict[str, Run]:
    """Time ``job["variants"]`` in one fresh interpreter: their runs by name."""
    report, finished = run(job, timeout=timeout, python=python)
    return runs_of(report, finished, running(job))
