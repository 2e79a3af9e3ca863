# /// script
# requires-python = ">=3.11"
# dependencies = ["dask[distributed]>=2025.1"]
# ///
"""When work in a process pool goes wrong: what you see, and how to find the
cause.

A task that raises, a worker the operating system kills, a function that
cannot be pickled, a task that hangs: each shown as a reader meets it with
``concurrent.futures`` (``--show NAME`` prints one), with the fix beside it.
The habit that saves most time is the first one here: a switch that runs the
same code without a pool, where tracebacks, ``print`` and ``pdb`` work as
usual.
"""

import faulthandler
import logging
import logging.handlers
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from pathlib import Path


# --8<-- [start:task]
def parse_reading(line: str) -> float:
    """'21.5 C' -> 21.5; a malformed line raises ValueError."""
    value, unit = line.split()
    if unit != "C":
        raise ValueError(f"unknown unit {unit!r} in {line!r}")
    return float(value)


# --8<-- [end:task]


# --8<-- [start:switch]
def run_all(
    task, inputs: list, parallel: bool = True, workers: int = 2
) -> list:
    """The same work with or without a pool; parallel=False runs it here.

    Without a pool, an exception has its usual traceback, print() shows at
    once and breakpoint() stops in the task: debug, then turn the pool on.
    """
    if not parallel:
        return [task(x) for x in inputs]
    chunksize = max(1, len(inputs) // (4 * workers))
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(task, inputs, chunksize=chunksize))


# --8<-- [end:switch]


# --8<-- [start:collect]
def parse_all_collecting_errors(lines: list[str], workers: int = 2) -> tuple:
    """Every result, and every error with the input that caused it.

    map() raises the first error it meets and loses the rest of the results;
    submit() gives one future per input, so each outcome keeps its input.
    """
    results, errors = {}, {}
    with ProcessPoolExecutor(workers) as pool:
        futures = {
            pool.submit(parse_reading, line): n for n, line in enumerate(lines)
        }
        for future in as_completed(futures):
            n = futures[future]
            try:
                results[n] = future.result()
            # an error in the task, raised again here
            except Exception as error:
                errors[n] = f"{type(error).__name__}: {error}"
    return results, errors


# --8<-- [end:collect]


# --8<-- [start:stop_early]
def parse_all_or_stop(lines: list[str], workers: int = 2) -> list[float]:
    """Stop at the first error: cancel what has not started, and raise it."""
    pool = ProcessPoolExecutor(workers)
    try:
        futures = [pool.submit(parse_reading, line) for line in lines]
        return [future.result() for future in futures]
    except Exception:
        pool.shutdown(wait=True, cancel_futures=True)  # 3.9+: drop queued tasks
        raise
    finally:
        pool.shutdown()


# --8<-- [end:stop_early]


# --8<-- [start:killed]
def parse_or_crash(line: str) -> float:
    """Like parse_reading, but 'crash' kills the worker, as a segfault in a C
    library or the out-of-memory killer would: no exception, just gone."""
    if "crash" in line:
        os.kill(os.getpid(), signal.SIGKILL)
    return parse_reading(line)


def find_the_killer(lines: list[str], workers: int = 2) -> list[int]:
    """Which inputs kill a worker: after a BrokenProcessPool, try each
    unfinished input alone, in a pool of its own; keep those that break it."""
    done, unfinished = {}, []
    with ProcessPoolExecutor(workers) as pool:
        futures = {
            pool.submit(parse_or_crash, line): n for n, line in enumerate(lines)
        }
        for future, n in futures.items():
            try:
                done[n] = future.result()
            except BrokenProcessPool:
                unfinished.append(n)  # queued or running when it broke
    killers = []
    for n in unfinished:
        with ProcessPoolExecutor(1) as alone:
            try:
                done[n] = alone.submit(parse_or_crash, lines[n]).result()
            except BrokenProcessPool:
                killers.append(n)
    return killers


# --8<-- [end:killed]


# --8<-- [start:logging]
def init_worker_logging(queue) -> None:
    """Runs once in each worker: send every log record to the queue."""
    root = logging.getLogger()
    root.handlers[:] = [logging.handlers.QueueHandler(queue)]
    root.setLevel(logging.INFO)


def parse_and_log(line: str) -> float:
    logging.getLogger("parse").info("parsing %r", line)
    return parse_reading(line)


def parse_with_logging(lines: list[str], workers: int = 2) -> list[float]:
    """Workers log to a queue; one listener in the parent writes each record."""
    # handed to each worker as it starts (initargs)
    queue = multiprocessing.Queue()
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        logging.Formatter("%(processName)-26s %(name)s: %(message)s")
    )
    listener = logging.handlers.QueueListener(queue, handler)
    listener.start()
    try:
        with ProcessPoolExecutor(
            workers, initializer=init_worker_logging, initargs=(queue,)
        ) as pool:
            return list(pool.map(parse_and_log, lines))
    finally:
        listener.stop()  # writes what is still queued, then stops


# --8<-- [end:logging]


# --8<-- [start:hang]
def parse_slowly(line: str) -> float:
    """A line with 'hang' never finishes, like a deadlock or an endless
    retry."""
    # Print this worker's stack if it is still here in 1 s:
    faulthandler.dump_traceback_later(1.0, file=sys.stdout)
    try:
        while "hang" in line:
            time.sleep(0.05)
        return parse_reading(line)
    finally:
        faulthandler.cancel_dump_traceback_later()


def parse_with_timeouts(lines: list[str], seconds: float = 2.0) -> dict:
    """Give each task a deadline; a pool whose task overran is stopped by
    force."""
    outcomes = {}
    pool = ProcessPoolExecutor(2)
    futures = {
        n: pool.submit(parse_slowly, line) for n, line in enumerate(lines)
    }
    deadline = time.monotonic() + seconds
    for n, future in futures.items():
        try:
            outcomes[n] = future.result(
                timeout=max(0.0, deadline - time.monotonic())
            )
        except TimeoutError:
            outcomes[n] = "timed out"
    if hasattr(pool, "kill_workers"):  # Python 3.14+
        pool.kill_workers()
    else:  # before 3.14: stop the processes in the pool's own (private) list
        for process in list(pool._processes.values()):
            process.kill()
    pool.shutdown(wait=True, cancel_futures=True)
    return outcomes


# --8<-- [end:hang]


# --8<-- [start:dask]
def debug_on_dask(lines: list[str]) -> None:
    """A task fails on a Dask cluster: see why there, then run just that task
    here."""
    from dask.distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        futures = client.map(parse_reading, lines)
        # waits for each
        failed = next(f for f in futures if f.exception() is not None)
        print(f"on the cluster: {failed.status}, {failed.exception()!r}")
        # The failing task again, in this process, with the inputs it had: its
        # traceback is local, and pdb (or %debug in a notebook) can step into
        # it.
        client.recreate_error_locally(failed)


# --8<-- [end:dask]


LINES = ["21.5 C", "19.0 C", "70.2 F", "18.25 C", "oops", "22.0 C"]


def show_map_error() -> None:
    print(
        "pool.map raises the first error, with the worker's traceback as its "
        "cause:\n"
    )
    try:
        run_all(parse_reading, LINES)
    except ValueError:
        traceback.print_exc(file=sys.stdout)


def show_switch() -> None:
    print(
        "run_all(..., parallel=False): the same error, raised where it "
        "happens:\n"
    )
    try:
        run_all(parse_reading, LINES, parallel=False)
    except ValueError:
        traceback.print_exc(file=sys.stdout)


def show_dask() -> None:
    try:
        debug_on_dask(LINES)
    except ValueError:
        print("\nrecreate_error_locally raised it here:\n")
        traceback.print_exc(file=sys.stdout)


def show_collect() -> None:
    results, errors = parse_all_collecting_errors(LINES)
    print(f"{len(results)} readings parsed; {len(errors)} lines failed:")
    for n in sorted(errors):
        print(f"  line {n} {LINES[n]!r}: {errors[n]}")


def show_killed() -> None:
    lines = ["21.5 C", "19.0 C", "crash 0 C", "18.25 C", "22.0 C"]
    print(f"{len(lines)} lines, one of which kills its worker:\n")
    try:
        run_all(parse_or_crash, lines)
    except BrokenProcessPool as error:
        print(f"BrokenProcessPool: {error}\n")
    killers = find_the_killer(lines)
    culprits = [lines[n] for n in killers]
    print(
        f"Tried again one at a time: line(s) {killers} kill a worker: "
        f"{culprits}"
    )


def show_pickling() -> None:
    print("What a pool cannot send to a worker, and what Python says:\n")
    unpicklable = {
        "a lambda": lambda line: parse_reading(line),
        "an open file": open(__file__),  # noqa: SIM115 (closed below)
        "a lock": threading.Lock(),
    }
    for what, thing in unpicklable.items():
        try:
            pickle.dumps(thing)
        except Exception as error:
            print(f"{what:13} {type(error).__name__}: {error}")
    unpicklable["an open file"].close()
    with ProcessPoolExecutor(2) as pool:
        future = pool.submit(unpicklable["a lambda"], "21.5 C")
        try:
            future.result()
        except Exception as error:
            print(
                f"\nsubmit(lambda ...).result() raises {type(error).__name__}: "
                f"{error}"
            )


def show_logging() -> None:
    parse_with_logging(["21.5 C", "19.0 C", "18.25 C", "22.0 C"])


def show_hang() -> None:
    lines = ["21.5 C", "hang 19.0 C", "18.25 C"]
    outcomes = parse_with_timeouts(lines)
    print()
    for n, outcome in outcomes.items():
        print(f"line {n} {lines[n]!r}: {outcome}")


SHOW = {
    "map-error": show_map_error,
    "switch": show_switch,
    "dask": show_dask,
    "collect": show_collect,
    "killed": show_killed,
    "pickling": show_pickling,
    "logging": show_logging,
    "hang": show_hang,
}


def workload(lines: int = 10_000) -> list[str]:
    """Readings to parse, every hundredth malformed.

    lines: how many readings
    """
    return [f"{n % 40}.5 C" if n % 100 else f"{n} K" for n in range(lines)]


def parse_tolerantly(line: str) -> float | None:
    try:
        return parse_reading(line)
    except ValueError:
        return None


def collected(lines: list[str]) -> list[float | None]:
    results, _ = parse_all_collecting_errors(lines)
    return [results.get(n) for n in range(len(lines))]


SIZES = {
    "smoke": {"lines": 200},
    "quick": {"lines": 3_000},
    "full": {"lines": 10_000},
}


BENCHMARK = {
    "workload": workload,
    "sizes": SIZES,
    "variants": {
        "the switch off: no pool": partial(
            run_all, parse_tolerantly, parallel=False
        ),
        "pool.map, in chunks": {
            "run": partial(run_all, parse_tolerantly),
            "workers": 2,
        },
        "submit per line, errors collected": {"run": collected, "workers": 2},
    },
    "transcripts": {name: ["--show", name] for name in SHOW},
}


if __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parents[1]))  # side_by_side
    import side_by_side

    side_by_side.main(BENCHMARK, shows=SHOW)
