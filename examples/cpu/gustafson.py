# /// script
# requires-python = ">=3.11"
# dependencies = []
# ///
"""Weak scaling: give N workers N times the parallel work, and see how the time holds.

The same job as ``amdahl.py`` (beside this file), except that the parallel part
grows with the workers while the serial part stays the same, as when a
bigger machine is used for a bigger problem rather than the same one sooner.
Gustafson's law predicts the scaled speedup: the work done per second,
against one worker.
"""

import argparse
import multiprocessing
import time
from functools import partial

from amdahl import WORKER_COUNTS, Job, sequential, serial_fraction, with_workers
from cores import usable_cores


# --8<-- [start:weak]
def scaled_job(base: Job, workers: int) -> Job:
    """The serial part as it was; the parallel part, and its tasks, times ``workers``."""
    return Job(base.serial_units, base.parallel_units * workers, base.tasks * workers)


def weak(base: Job, workers: int) -> int:
    return with_workers(scaled_job(base, workers), workers)


# --8<-- [end:weak]


def workload(serial_units: int = 48, parallel_units: int = 432) -> Job:
    return Job(serial_units, parallel_units)


def work_done(size: dict, workers: int) -> float:
    """Units of work done with ``workers``: the serial units plus the parallel ones, scaled."""
    return size["serial_units"] + size["parallel_units"] * workers


SIZES = {  # presets for --size: the one-worker job
    "smoke": {"serial_units": 2, "parallel_units": 24},
    "quick": {"serial_units": 12, "parallel_units": 108},
    "full": {"serial_units": 24, "parallel_units": 216},
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--size",
        choices=SIZES,
        default="full",
        help="preset amount of work for one worker (default: %(default)s)",
    )
    parser.add_argument(
        "--start-method",
        choices=multiprocessing.get_all_start_methods(),
        help="how worker processes start (default: the platform's)",
    )
    args = parser.parse_args()
    if args.start_method:
        multiprocessing.set_start_method(args.start_method, force=True)
    size = SIZES[args.size]
    base = workload(**size)
    s = serial_fraction(size)
    print(f"Serial fraction of the one-worker job: {s:.2f}; {usable_cores()} usable cores")
    start = time.perf_counter()
    sequential(base)
    rate = work_done(size, 1) / (time.perf_counter() - start)
    for n in WORKER_COUNTS:
        start = time.perf_counter()
        weak(base, n)
        elapsed = time.perf_counter() - start
        scaled = work_done(size, n) / elapsed / rate
        print(
            f"{n:2} workers, {n}× the work  {elapsed:6.2f} s  scaled speedup {scaled:4.2f}×  "
            f"(Gustafson: {s + (1 - s) * n:.2f}×)"
        )


# What the harness measures (``python -m harness measure``); running this script needs none of it.
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
    "work": work_done,
    "same_result": False,  # bigger problems, other answers
    "scaling": {"law": "gustafson", "serial_fraction": serial_fraction},
}

if __name__ == "__main__":
    main()
