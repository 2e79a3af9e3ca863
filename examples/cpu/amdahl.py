# /// script
# requires-python = ">=3.11"
# dependencies = []
# ///
"""A job with a known serial part, run on 1 to N worker processes, against Amdahl's law.

The job does some work that cannot be split (think: reading one file, merging
the results), then work that splits into equal independent tasks, handed to a
pool of processes. By construction a tenth of the one-worker job is serial,
so Amdahl's law says how fast N workers could be at best; the measured gap
to that curve is what starting processes and moving data between them cost.
"""

import argparse
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial

from cores import usable_cores


# --8<-- [start:job]
def work_unit(seed: int) -> int:
    """About a few milliseconds of pure-Python arithmetic; every unit costs the same."""
    total = seed
    for i in range(50_000):
        total = (total * 31 + i) % 1_000_003
    return total


def serial_part(units: int) -> int:
    return sum(work_unit(seed) for seed in range(units))


def parallel_task(seeds: range) -> int:
    return sum(work_unit(seed) for seed in seeds)


@dataclass(frozen=True)
class Job:
    serial_units: int
    parallel_units: int
    tasks: int = 24  # divides evenly between 1, 2, 3, 4, 6 or 8 workers

    def task_seeds(self) -> list[range]:
        step = self.parallel_units // self.tasks
        start = self.serial_units
        return [range(start + k * step, start + (k + 1) * step) for k in range(self.tasks)]


def sequential(job: Job) -> int:
    return serial_part(job.serial_units) + sum(map(parallel_task, job.task_seeds()))


def with_workers(job: Job, workers: int) -> int:
    serial = serial_part(job.serial_units)  # runs in this process while nothing else can
    with ProcessPoolExecutor(workers) as pool:
        return serial + sum(pool.map(parallel_task, job.task_seeds()))


# --8<-- [end:job]


def workload(serial_units: int = 48, parallel_units: int = 432) -> Job:
    return Job(serial_units, parallel_units)


def serial_fraction(size: dict) -> float:
    return size["serial_units"] / (size["serial_units"] + size["parallel_units"])


# Up to twice the cores (never more than 8): past the cores, the speedup must flatten.
WORKER_COUNTS = list(range(1, min(2 * usable_cores(), 8) + 1))

# What the harness measures (``python -m harness measure``); running this script needs none of it.
BENCHMARK = {
    "workload": workload,
    "variants": {
        "sequential, no pool": sequential,
        **{
            f"{n} worker{'s' if n > 1 else ''}": partial(with_workers, workers=n)
            for n in WORKER_COUNTS
        },
    },
    "sizes": {
        "smoke": {"serial_units": 2, "parallel_units": 24},
        "quick": {"serial_units": 24, "parallel_units": 216},
        "full": {"serial_units": 48, "parallel_units": 432},
    },
    "scaling": {
        "law": "amdahl",
        "workers": lambda variant: getattr(variant, "keywords", {}).get("workers", 1),
        "serial_fraction": serial_fraction,
    },
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--size",
        choices=BENCHMARK["sizes"],
        default="full",
        help="preset amount of work (default: %(default)s)",
    )
    parser.add_argument(
        "--start-method",
        choices=multiprocessing.get_all_start_methods(),
        help="how worker processes start (default: the platform's)",
    )
    args = parser.parse_args()
    if args.start_method:
        multiprocessing.set_start_method(args.start_method, force=True)
    size = BENCHMARK["sizes"][args.size]
    job = workload(**size)
    s = serial_fraction(size)
    print(f"Serial fraction by design: {s:.2f}; {usable_cores()} usable cores")
    start = time.perf_counter()
    expected = sequential(job)
    base = time.perf_counter() - start
    print(f"{'sequential':12} {base:6.2f} s")
    for n in WORKER_COUNTS:
        start = time.perf_counter()
        assert with_workers(job, n) == expected
        elapsed = time.perf_counter() - start
        amdahl = 1 / (s + (1 - s) / n)
        speedup = base / elapsed
        print(f"{n:2} workers   {elapsed:6.2f} s  speedup {speedup:4.2f}×  (Amdahl: {amdahl:.2f}×)")


if __name__ == "__main__":
    main()
