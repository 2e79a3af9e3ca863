# /// script
# requires-python = ">=3.11"
# dependencies = []
# [tool.faster-python]
# takes-part-in = ["large-runner"]
# start-methods = []
# ///
"""Weak scaling: give N workers N times the parallel work, and see how the time
holds.

The same job as ``amdahl.py`` (beside this file), except that the parallel part
grows with the workers while the serial part stays the same, as when a
bigger machine is used for a bigger problem rather than the same one sooner.
Gustafson's law predicts the scaled speedup: the work done per second,
against one worker.
"""

import sys
from functools import partial
from pathlib import Path

from amdahl import WORKER_COUNTS, Job, sequential, serial_fraction, with_workers
from cores import usable_cores


# --8<-- [start:weak]
def scaled_job(base: Job, workers: int) -> Job:
    """The serial part as it was; the parallel part, and its tasks, times
    ``workers``."""
    return Job(
        base.serial_units, base.parallel_units * workers, base.tasks * workers
    )


def weak(base: Job, workers: int) -> int:
    return with_workers(scaled_job(base, workers), workers)


# --8<-- [end:weak]


def workload(serial_units: int = 48, parallel_units: int = 432) -> Job:
    """The one-worker job: each variant scales its parallel part by its workers.

    serial_units: work units only one process can do
    parallel_units: work units for one worker, split into 24 equal tasks
    """
    s = serial_units / (serial_units + parallel_units)
    print(
        f"Serial fraction of the one-worker job: {s:.2f}; {usable_cores()} "
        "usable cores"
    )
    return Job(serial_units, parallel_units)


def work_done(size: dict, workers: int) -> float:
    """Units of work done with ``workers``: the serial units plus the parallel
    ones, scaled."""
    return size["serial_units"] + size["parallel_units"] * workers


SIZES = {  # presets for --size: the one-worker job
    "smoke": {"serial_units": 8, "parallel_units": 72},
    "quick": {"serial_units": 16, "parallel_units": 144},
    "full": {"serial_units": 24, "parallel_units": 216},
}


BENCHMARK = {
    "workload": workload,
    "sizes": SIZES,
    "variants": {
        "sequential, no pool": sequential,
        **{
            f"{n} worker{'s' if n > 1 else ''}, {n}× the parallel work": {
                "run": partial(weak, workers=n),
                "workers": n,
            }
            for n in WORKER_COUNTS
        },
    },
    # bigger problems, other answers: results are not compared
    "work": work_done,
    "table": {"law": "gustafson", "serial_fraction": serial_fraction},
}


if __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parents[1]))  # side_by_side
    import side_by_side

    side_by_side.main(BENCHMARK)
