# /// script
# requires-python = ">=3.11"
# dependencies = [
#     "dask[distributed]>=2025.1",
#     "simplemma>=1.1",
#     "vadersentiment>=3.3.2",
# ]
# ///
"""The tweets analysis on a Dask cluster of separate programs, reached by its
address.

A scheduler and workers are started from the command line (``dask scheduler``,
``dask worker tcp://…``), each a program of its own, as they would be on
several machines; the analysis connects to the scheduler by address, sends
its code to the workers, and gathers the results. ``--address`` connects to a
cluster that is already running (on other machines, say) instead.
``--show kill`` kills one worker, nanny and all, as soon as the first
result arrives: the scheduler runs its work again on the worker that is left,
and every result still arrives.
"""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from running import usable_cores
from tweets_analysis import (
    by_company,
    in_chunks,
    load_tweets,
    report,
    summarise_task,
)

HERE = Path(__file__).resolve().parent
CHUNK = 100  # tweets per task


# --8<-- [start:start_programs]
def start_programs(
    folder: Path, workers: int
) -> tuple[str, list[subprocess.Popen]]:
    """Start a scheduler and ``workers`` workers as programs; return the
    scheduler's address."""
    # the scheduler writes its address here
    scheduler_file = folder / "scheduler.json"
    dask = [
        sys.executable,
        "-m",
        "dask",
    ]  # the `dask` command, from this environment
    programs = [
        subprocess.Popen(
            [*dask, "scheduler", "--host", "127.0.0.1", "--port", "0",
             "--no-dashboard", "--scheduler-file", str(scheduler_file)],
            cwd=folder, start_new_session=True, stderr=subprocess.DEVNULL,
        )
    ]  # fmt: skip
    address = wait_for_address(scheduler_file, programs[0])
    for n in range(workers):
        # A worker knows only the scheduler's address. For workers on other
        # machines, start the scheduler with --host set to an address they can
        # reach (0.0.0.0 for every interface), then run this line there.
        programs.append(
            subprocess.Popen(
                [*dask, "worker", address, "--nthreads", "1",
                 "--name", f"worker-{n}", "--no-dashboard"],
                cwd=folder, start_new_session=True, stderr=subprocess.DEVNULL,
            )
        )  # fmt: skip
    return address, programs


# --8<-- [end:start_programs]


def wait_for_address(
    scheduler_file: Path, scheduler: subprocess.Popen, timeout=120
) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if scheduler.poll() is not None:
            raise SystemExit(
                f"dask scheduler exited with code {scheduler.returncode}"
            )
        with contextlib.suppress(
            FileNotFoundError, json.JSONDecodeError, KeyError
        ):
            return json.loads(scheduler_file.read_text())["address"]
        time.sleep(0.1)
    raise SystemExit(f"dask scheduler wrote no address in {timeout} s")


def stop_programs(programs: list[subprocess.Popen]) -> None:
    for program in reversed(programs):  # workers first, then the scheduler
        with contextlib.suppress(ProcessLookupError):
            os.killpg(program.pid, signal.SIGTERM)
    for program in programs:
        try:
            program.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(program.pid, signal.SIGKILL)
            program.wait()


@contextlib.contextmanager
def cluster_of_programs(
    workers: int,
) -> Iterator[tuple[str, list[subprocess.Popen]]]:
    with tempfile.TemporaryDirectory(prefix="dask-cluster-") as folder:
        address, programs = start_programs(Path(folder), workers)
        try:
            yield address, programs
        finally:
            stop_programs(programs)


# --8<-- [start:analyse]
def analyse_on(address: str, tweets: dict, workers: int, kill=None) -> dict:
    """Connect by address, send the code, run one task per chunk, gather the
    results."""
    from dask.distributed import Client, as_completed

    with Client(address) as client:
        client.wait_for_workers(workers, timeout=120)
        # The workers need the analysis's code: on other machines it is not
        # there.
        for module in ("tweets_data.py", "tweets_analysis.py"):
            client.upload_file(str(HERE / module))
        # pure=False: run them, even if the cluster still holds results of an
        # earlier run.
        futures = client.map(
            summarise_task, in_chunks(tweets, CHUNK), pure=False
        )
        for _ in as_completed(futures):
            if kill:  # the first result is in: now lose a worker
                kill()
                kill = None
        return report(client.gather(futures))


# --8<-- [end:analyse]


def killing(program: subprocess.Popen):
    def kill() -> None:
        # the worker and its nanny: a machine lost
        os.killpg(program.pid, signal.SIGKILL)
        print(
            f"killed worker program {program.pid} after the first result",
            flush=True,
        )

    return kill


SIZES = {
    "smoke": {"count": 400},
    "quick": {"count": 2000},
    "full": {"count": 20_000},
}


def reachable(address: str) -> None:
    """A scheduler that does not answer gets a sentence, not a traceback."""
    from dask.distributed import Client

    where = urlsplit(address)
    try:
        # at once where nothing listens; a scheduler that does gets 10 s
        with socket.create_connection((where.hostname, where.port), timeout=10):
            pass
        Client(address, timeout=10).close()
    except (OSError, TimeoutError, ValueError) as error:
        raise SystemExit(
            f"{address}: no Dask scheduler answers ({error})"
        ) from None


@dataclass
class Cluster:
    tweets: dict
    address: str
    workers: int
    programs: list[subprocess.Popen]  # empty: a cluster someone else started


@contextlib.contextmanager
def workload(
    count: int = 20_000, csv: str | None = None, address: str | None = None
):
    """The tweets, and a cluster of programs started for the measurement.

    count: how many generated tweets
    csv: analyse this CSV file (company, date, text) instead
    address: a running scheduler to use instead, such as tcp://10.0.0.5:8786
    """
    tweets, workers = load_tweets(count, csv), usable_cores()
    if address:
        reachable(address)
        yield Cluster(tweets, address, workers, [])
        return
    with cluster_of_programs(workers) as (address, programs):
        print(f"scheduler at {address}, {workers} worker programs", flush=True)
        yield Cluster(tweets, address, workers, programs)


def show_kill(cluster: Cluster) -> None:
    """Kill a worker program as the first result arrives; every result still
    comes."""
    if not cluster.programs:
        raise SystemExit(
            "--show kill kills a worker this script started: leave out "
            "--address"
        )
    expected = report(
        [summarise_task(task) for task in by_company(cluster.tweets)]
    )
    start = time.perf_counter()
    results = analyse_on(
        cluster.address,
        cluster.tweets,
        cluster.workers,
        killing(cluster.programs[1]),
    )
    same = results == expected
    count = sum(r["tweets"] for r in results.values())
    seconds = time.perf_counter() - start
    print(
        f"{count} tweets analysed, {seconds:.1f} s; same results as "
        f"sequential: {same}"
    )
    if not same:
        raise SystemExit(
            "the cluster's results differ from the sequential ones"
        )


BENCHMARK = {
    "workload": workload,
    "sizes": SIZES,
    "variants": {
        "sequential": lambda c: report(
            [summarise_task(task) for task in by_company(c.tweets)]
        ),
        "a cluster of worker programs, by address": {
            "run": lambda c: analyse_on(c.address, c.tweets, c.workers),
            "workers": usable_cores(),
            # the workers are programs of their own, not children of the call
            "cpu_time": False,
        },
    },
    "table": {"efficiency": True},
    "transcripts": {"kill": ["--show", "kill"]},
}


if __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parents[1]))  # side_by_side
    import side_by_side

    side_by_side.main(BENCHMARK, shows={"kill": show_kill})
