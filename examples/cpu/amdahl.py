# /// script
# requires-python = ">=3.11"
# dependencies = []
# [tool.faster-python]
# takes-part-in = ["large-runner"]
# start-methods = []
# ///
"""A job with a known serial part, run on 1 to N worker processes, against
Amdahl's law.

The job does some work that cannot be split (think: reading one file, merging
the results), then work that splits into equal independent tasks, handed to a
pool of processes. By construction a tenth of the one-worker job is serial,
so Amdahl's law says how fast N workers could be at best; the measured gap
to that curve is what starting processes and moving data between them cost.
"""

import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from cores import usable_cores


# --8<-- [start:job]
def work_unit(seed: int) -> int:
    """About a few milliseconds of pure-Python arithmetic; every unit costs the
    same."""
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
        return [
            range(start + k * step, start + (k + 1) * step)
            for k in range(self.tasks)
        ]


def sequential(job: Job) -> int:
    return serial_part(job.serial_units) + sum(
        map(parallel_task, job.task_seeds())
    )


def with_workers(job: Job, workers: int) -> int:
    # runs in this process while nothing else can
    serial = serial_part(job.serial_units)
    with ProcessPoolExecutor(workers) as pool:
        return serial + sum(pool.map(parallel_task, job.task_seeds()))


# --8<-- [end:job]


# --8<-- [start:startup]
def pool_startup(workers: int) -> float:
    """Seconds to start a pool, have every worker run one empty task, and shut
    it down."""
    start = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(abs, range(workers)))
    return time.perf_counter() - start


def show_startup(job: Job) -> None:
    """How long starting a pool of each size takes, doing no work."""
    method = multiprocessing.get_start_method()
    print(f"Starting a pool and stopping it, no work (start method: {method})")
    for n in WORKER_COUNTS:
        print(
            f"{n:2} worker{'s' if n > 1 else ' '}  "
            f"{pool_startup(n) * 1000:6.1f} ms"
        )


# --8<-- [end:startup]


def workload(serial_units: int = 96, parallel_units: int = 864) -> Job:
    """A job with a serial part and a parallel part, in units of the same work.

    serial_units: work units only one process can do
    parallel_units: work units split into 24 equal tasks
    """
    s = serial_units / (serial_units + parallel_units)
    print(f"Serial fraction by design: {s:.2f}; {usable_cores()} usable cores")
    return Job(serial_units, parallel_units)


def serial_fraction(size: dict) -> float:
    return size["serial_units"] / (
        size["serial_units"] + size["parallel_units"]
    )


# Up to twice the cores, and at most 8: past the cores, the speedup must
# flatten.
WORKER_COUNTS = list(range(1, min(2 * usable_cores(), 8) + 1))

# Presets for --size. Long enough that starting a pool (tens of milliseconds
# with fork, more with spawn or forkserver) is a small part of each run.
SIZES = {
    "smoke": {"serial_units": 8, "parallel_units": 72},
    "quick": {"serial_units": 16, "parallel_units": 144},
    "full": {"serial_units": 96, "parallel_units": 864},
}


BENCHMARK = {
    "workload": workload,
    "sizes": SIZES,
    "variants": {
        "sequential, no pool": sequential,
        **{
            f"{n} worker{'s' if n > 1 else ''}": {
                "run": partial(with_workers, workers=n),
                "workers": n,
            }
            for n in WORKER_COUNTS
        },
    },
    "table": {
        "law": "amdahl",
        "serial_fraction": serial_fraction,
        "cost": True,
    },
    "transcripts": {"startup": ["--show", "startup"]},
}


if __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parents[1]))  # side_by_side
    import side_by_side

    side_by_side.main(BENCHMARK, shows={"startup": show_startup})
