# /// script
# requires-python = ">=3.11"
# dependencies = ["joblib>=1.4", "dask[distributed]>=2025.1", "ray>=2.40"]
# [tool.faster-python]
# start-methods = ["--show", "resubmit"]
# ///
"""A worker dies in the middle of a run: what each engine does, and how to lose
nothing.

One task kills the process that runs it, once, as the operating system does
when it runs out of memory or a C library crashes. ``--show NAME`` prints
what each engine does then: ``ProcessPoolExecutor`` breaks and fails every
pending task, ``multiprocessing.Pool`` replaces the worker and waits forever
for the lost task, joblib raises, and Dask and Ray run the lost work again on
the workers that are left. ``resubmit_until_done`` is the fix for a process
pool: run again, on a fresh pool, every input whose result was lost.
"""

import contextlib
import logging
import multiprocessing
import os
import signal
import sys
import tempfile
import time
import uuid
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from pathlib import Path

from running import Running, start_dask, start_ray, stop

INPUTS = list(range(24))
DOOMED = 5  # the input whose first attempt kills its worker


# --8<-- [start:task]
def square_slowly(x: int, marker: str) -> int:
    """x², after a moment; on input 5, the first attempt kills its own
    process."""
    if x == DOOMED and not Path(marker).exists():
        Path(marker).touch()  # later attempts find it and succeed
        os.kill(os.getpid(), signal.SIGKILL)  # no exception, no cleanup: gone
    time.sleep(0.02)
    return x * x


# --8<-- [end:task]


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"


# --8<-- [start:executor]
def run_all(task, inputs: list, marker: str) -> tuple[dict, dict]:
    """Every input's result, and the error of each input lost with its pool."""
    with ProcessPoolExecutor(2) as pool:
        futures = {pool.submit(task, x, marker): x for x in inputs}
        done, lost = {}, {}
        for future in as_completed(futures):
            try:
                done[futures[future]] = future.result()
            except BrokenProcessPool as error:
                lost[futures[future]] = error
    return done, lost


# --8<-- [end:executor]


def show_executor(marker: str) -> None:
    done, lost = run_all(square_slowly, INPUTS, marker)
    print(
        f"results: {len(done)} of {len(INPUTS)}; lost with the pool: "
        f"{len(lost)} inputs"
    )
    print(f"each lost one raised {describe(next(iter(lost.values())))}")


def show_pool(marker: str) -> None:
    with multiprocessing.Pool(2) as pool:
        waiting = pool.starmap_async(
            square_slowly, [(x, marker) for x in INPUTS], chunksize=1
        )
        try:
            waiting.get(timeout=3)
        except multiprocessing.TimeoutError:
            alive = len(multiprocessing.active_children())
            print(
                f"no result and no error after 3 s; the pool has {alive} live "
                "workers again"
            )
            print(
                "the lost task is never run again: without a timeout, get() "
                "waits forever"
            )


def show_joblib(marker: str) -> None:
    from joblib import Parallel, delayed

    try:
        Parallel(n_jobs=2)(delayed(square_slowly)(x, marker) for x in INPUTS)
    except Exception as error:
        print(describe(error).splitlines()[0][:160])


# --8<-- [start:resubmit]
def resubmit_until_done(
    task, inputs: list, marker: str, attempts: int = 3
) -> dict:
    """Run every input; those lost with a broken pool run again on a fresh
    one."""
    results, pending = {}, list(inputs)
    for _ in range(attempts):
        with ProcessPoolExecutor(2) as pool:
            futures = {pool.submit(task, x, marker): x for x in pending}
            for future in as_completed(futures):
                # Lost with the pool, not failed by the task: it runs again
                # below.
                with contextlib.suppress(BrokenProcessPool):
                    results[futures[future]] = future.result()
        pending = [x for x in inputs if x not in results]
        if not pending:
            return results
    raise RuntimeError(f"still lost after {attempts} pools: inputs {pending}")


# --8<-- [end:resubmit]


def show_resubmit(marker: str) -> None:
    results = resubmit_until_done(square_slowly, INPUTS, marker)
    ok = results == {x: x * x for x in INPUTS}
    print(f"results: {len(results)} of {len(INPUTS)}, all correct: {ok}")


# --8<-- [start:dask]
def with_dask(inputs: list, marker: str, client) -> dict:
    futures = client.map(square_slowly, inputs, marker=marker, pure=False)
    # The scheduler sees the worker die and runs its tasks again on the others,
    # results it held included (up to distributed.scheduler.allowed-failures
    # times for one task, in case the task itself is what kills workers).
    return dict(zip(inputs, client.gather(futures), strict=True))


# --8<-- [end:dask]


def with_executor(inputs: list, marker: str) -> dict:
    with ProcessPoolExecutor(2) as pool:
        return dict(
            zip(
                inputs,
                pool.map(square_slowly, inputs, [marker] * len(inputs)),
                strict=True,
            )
        )


def show_dask(marker: str) -> None:
    # What the scheduler and the nannies say, here on stdout (they log to
    # stderr).
    said = logging.StreamHandler(sys.stdout)
    said.setFormatter(
        logging.Formatter("  %(name)s %(levelname)s: %(message)s")
    )
    said.addFilter(
        lambda r: (
            r.levelno >= logging.WARNING or "killed by signal" in r.getMessage()
        )
    )
    for name in ("distributed.scheduler", "distributed.nanny"):
        logging.getLogger(name).addHandler(said)
    cluster, client = start_dask(2)
    try:
        results = with_dask(INPUTS, marker, client)
    finally:
        stop(cluster, client)
    ok = results == {x: x * x for x in INPUTS}
    print(f"results: {len(results)} of {len(INPUTS)}, all correct: {ok}")


# --8<-- [start:ray]
def show_ray(marker: str) -> None:
    # What Ray says about the lost worker, without terminal colours.
    os.environ.setdefault("RAY_COLOR_PREFIX", "0")
    ray, _ = start_ray(2)
    try:
        # A task whose worker dies is run again, up to max_retries times (3
        # by default); an exception raised by the task itself is not, unless
        # retry_exceptions=True says so.
        square = ray.remote(square_slowly)
        results = ray.get([square.remote(x, marker) for x in INPUTS])
    finally:
        stop(ray, ray)
    killed = Path(marker).exists()  # the doomed input's first attempt ran
    print(f"  a worker was killed running input {DOOMED}: {killed}")
    ok = results == [x * x for x in INPUTS]
    print(f"results: {len(results)} of {len(INPUTS)}, all correct: {ok}")


# --8<-- [end:ray]


class Runs:
    """The inputs, a folder for markers, and a Dask cluster kept running
    (``Running``)."""

    def __init__(self, count: int):
        self.inputs = list(range(count))
        self.folder = tempfile.TemporaryDirectory(prefix="faults-")
        self.running = Running(None, 2)

    def marker(self, kill: bool) -> str:
        """A marker path: absent, so the doomed input kills its worker once; or
        present."""
        path = Path(self.folder.name) / f"marker-{uuid.uuid4().hex}"
        if not kill:
            path.touch()
        return str(path)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.running.__exit__(*exc)
        self.folder.cleanup()


def workload(count: int = 96) -> Runs:
    """Inputs to square, and a Dask cluster started on first use.

    count: how many inputs
    """
    return Runs(count)


ENGINES = {
    "executor": show_executor,
    "pool": show_pool,
    "joblib": show_joblib,
    "resubmit": show_resubmit,
    "dask": show_dask,
    "ray": show_ray,
}


def meeting_a_killed_worker(*engines: str) -> None:
    """What each engine does when a worker dies (input 5 kills its worker,
    once)."""
    for name in engines or ENGINES:
        with tempfile.TemporaryDirectory() as folder:  # a fresh marker for each
            print(f"{name}:", flush=True)
            ENGINES[name](str(Path(folder) / "killed-once"))


SHOWS = {"all": meeting_a_killed_worker}
SHOWS.update({name: partial(meeting_a_killed_worker, name) for name in ENGINES})
SIZES = {"smoke": {"count": 12}, "quick": {"count": 24}, "full": {"count": 96}}


BENCHMARK = {
    "workload": workload,
    "sizes": SIZES,
    "variants": {
        "ProcessPoolExecutor": {
            "no worker killed": lambda r: with_executor(
                r.inputs, r.marker(kill=False)
            ),
            "a worker killed, lost inputs run again": lambda r: (
                resubmit_until_done(
                    square_slowly, r.inputs, r.marker(kill=True)
                )
            ),
        },
        "Dask LocalCluster": {
            "no worker killed": {
                "run": lambda r: with_dask(
                    r.inputs, r.marker(False), r.running.client(start_dask)
                ),
                "cpu_time": False,
            },
            "a worker killed, lost tasks rescheduled": {
                "run": lambda r: with_dask(
                    r.inputs, r.marker(True), r.running.client(start_dask)
                ),
                "cpu_time": False,
            },
        },
    },
    "transcripts": {"faults": ["--show", "all"]},
}


if __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parents[1]))  # side_by_side
    import side_by_side

    side_by_side.main(BENCHMARK, shows=SHOWS)
