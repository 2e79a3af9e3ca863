# /// script
# requires-python = ">=3.11"
# dependencies = [
#     "joblib>=1.4", "dask[distributed]>=2025.1", "ipyparallel>=9", "ray>=2.40",
# ]
# [tool.faster-python]
# takes-part-in = ["large-runner"]
# start-methods = [
#     "--only",
#     "ProcessPoolExecutor",
#     "--only",
#     "Pool",
#     "--only",
#     "joblib",
# ]
# ///
"""What each engine costs per task: the same busy work cut into tasks from 0.1
ms to 100 ms.

Each engine runs the tasks the way a reader would write it, with its own
defaults: ``ProcessPoolExecutor.map``, ``multiprocessing.Pool.map``, joblib's
``Parallel``, Dask's ``client.map``, an IPyParallel load-balanced view and
Ray's remote functions.
Every pool and cluster is started before the timing starts, so the table
shows the cost of sending tasks and results, not of starting workers (the
tweets example measures that). Every engine returns the same results.
"""

import multiprocessing
import os
import platform
import sys
import time
from functools import partial
from pathlib import Path

from running import (
    Running,
    on_running,
    start_dask,
    start_ipyparallel,
    start_pool,
    start_processes,
    start_ray,
    usable_cores,
)

TASK_MS = (0.1, 1.0, 10.0, 100.0)  # the task sizes compared
CACHE = Path(__file__).resolve().parent / ".cache"


# --8<-- [start:task]
def spin(iterations: int, task: int) -> int:
    """Pure-Python busy work: about ``iterations`` steps, a result that depends
    on ``task``."""
    total = task
    for i in range(iterations):
        total = (total + i) % 1_000_003
    return total


# --8<-- [end:task]


def iterations_per_ms() -> int:
    """How many steps of spin() take a millisecond on this machine.

    Timed once (the best of five tries) and kept in ``.cache/``: every variant
    and every run then cuts the same tasks, so their results can be compared.
    Delete the file to time it again. Timed in CPU time: on a busy machine
    (a fresh clone's first measure starts 28 interpreters beside it) a
    clock on the wall measured each step 10 to 20 times too slow, and every
    task came out that much shorter than its name.
    """
    python = platform.python_version()
    key = f"{platform.node()}-{platform.machine()}-python{python}"
    cached = CACHE / f"spin-steps-per-cpu-ms-{key}.txt"
    if cached.exists():
        return int(cached.read_text())
    steps = 200_000
    rate = max(1, round(steps / (min(_timed(steps) for _ in range(5)) * 1000)))
    CACHE.mkdir(parents=True, exist_ok=True)
    # another run may be writing it too
    tmp = cached.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(str(rate))
    tmp.replace(cached)
    return rate


def _timed(steps: int) -> float:
    start = time.process_time()
    spin(steps, 0)
    return time.process_time() - start


class Tasks:
    """How many tasks of each size, and how many steps make one task of that
    size here."""

    def __init__(self, work_ms: float, least: int, most: int):
        rate = iterations_per_ms()
        self.sizes = {
            ms: (
                min(most, max(least, round(work_ms / ms))),
                max(1, round(rate * ms)),
            )
            for ms in TASK_MS
        }

    def of(self, ms: float) -> tuple[list[int], list[int]]:
        """The arguments of every task of that size: (iterations, task
        number)."""
        count, iterations = self.sizes[ms]
        return [iterations] * count, list(range(count))


# --8<-- [start:engines]
def sequential(tasks: Tasks, ms: float) -> list[int]:
    return list(map(spin, *tasks.of(ms)))


def with_executor(tasks: Tasks, pool, ms: float) -> list[int]:
    # chunksize=1: one message per task
    return list(pool.map(spin, *tasks.of(ms)))


def with_pool(tasks: Tasks, pool, ms: float) -> list[int]:
    # chunks chosen for you
    return pool.starmap(spin, zip(*tasks.of(ms), strict=True))


def with_joblib(tasks: Tasks, ms: float, workers: int) -> list[int]:
    from joblib import Parallel, delayed

    # batch_size="auto" groups tiny tasks into batches that take a fraction of a
    # second.
    calls = (delayed(spin)(*args) for args in zip(*tasks.of(ms), strict=True))
    return Parallel(n_jobs=workers)(calls)


def with_dask(tasks: Tasks, client, ms: float) -> list[int]:
    # One task per item, through the scheduler. pure=False: Dask names a task by
    # its function and arguments, and would hand back a result it still holds
    # from an earlier call (or run equal tasks once) instead of running them
    # again.
    return client.gather(client.map(spin, *tasks.of(ms), pure=False))


def with_ipyparallel(tasks: Tasks, client, ms: float) -> list[int]:
    # one task per item, to whichever engine is free
    view = client.load_balanced_view()
    return view.map_sync(spin, *tasks.of(ms))


def with_ray(tasks: Tasks, ray, ms: float) -> list[int]:
    # One remote task per item; ray.get waits for all of them, in order.
    remote = ray.remote(spin)
    calls = zip(*tasks.of(ms), strict=True)
    return ray.get([remote.remote(*args) for args in calls])


# --8<-- [end:engines]


def workload(
    work_ms: float = 800, least: int = 16, most: int = 1000
) -> Running:
    """As many tasks of each size as make ``work_ms`` of work, within [least,
    most].

    work_ms: milliseconds of work in each group of tasks
    least: at least this many tasks in a group
    most: at most this many tasks in a group
    """
    sizes = ", ".join(f"{ms:g}" for ms in TASK_MS)
    method = multiprocessing.get_start_method()
    print(
        f"{usable_cores()} workers (start method: {method}); tasks of {sizes} "
        "ms"
    )
    return Running(Tasks(work_ms, least, most), usable_cores())


SIZES = {
    "smoke": {"work_ms": 20, "least": 2, "most": 100},
    "quick": {"work_ms": 200, "least": 8, "most": 100},
    "full": {"work_ms": 800, "least": 16, "most": 1000},
}


STARTS = {
    "ProcessPoolExecutor": start_processes,
    "Pool": start_pool,
    "Dask": start_dask,
    "IPyParallel": start_ipyparallel,
    "Ray": start_ray,
}
ENGINES = {
    "sequential": sequential,
    "ProcessPoolExecutor": with_executor,
    "Pool": with_pool,
    "joblib": lambda tasks, ms: with_joblib(tasks, ms, usable_cores()),
    "Dask": with_dask,
    "IPyParallel": with_ipyparallel,
    "Ray": with_ray,
}


def engine_rows(ms: float) -> dict:
    """One group of the table: every engine on tasks of ``ms`` milliseconds."""
    running = {
        "workers": CORES,
        "cpu_time": False,
    }  # workers started before the call
    return {
        "sequential": lambda r: sequential(r.data, ms),
        "ProcessPoolExecutor.map": {
            "run": on_running(start_processes, partial(with_executor, ms=ms)),
            **running,
        },
        "Pool.map": {
            "run": on_running(start_pool, partial(with_pool, ms=ms)),
            **running,
        },
        "joblib": {"run": lambda r: with_joblib(r.data, ms, CORES), **running},
        "Dask": {
            "run": on_running(start_dask, partial(with_dask, ms=ms)),
            **running,
        },
        "IPyParallel": {
            "run": on_running(
                start_ipyparallel, partial(with_ipyparallel, ms=ms)
            ),
            **running,
        },
        "Ray": {
            "run": on_running(start_ray, partial(with_ray, ms=ms)),
            **running,
        },
    }


CORES = usable_cores()
BENCHMARK = {
    "workload": workload,
    "sizes": SIZES,
    "variants": {f"{ms:g} ms tasks": engine_rows(ms) for ms in TASK_MS},
    "table": {"efficiency": True, "crossover": 0.7},
}


if __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parents[1]))  # side_by_side
    import side_by_side

    side_by_side.main(BENCHMARK)
