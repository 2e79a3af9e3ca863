# /// script
# requires-python = ">=3.11"
# dependencies = ["dask[distributed]>=2025.1", "ipyparallel>=9"]
# [tool.faster-python]
# skip = "starts and stops a Dask and an IPyParallel cluster, as tweets.py does"
# ///
"""Start a Dask cluster or IPyParallel engines on this machine, keep them
running, stop them.

The parallel examples share these: ``start_dask`` and ``start_ipyparallel``
start a cluster and return it with a client connected to it (``start_processes``
and ``start_pool`` do the same for the standard library's pools); ``stop`` stops
any of them. ``Running`` starts each cluster on first use and keeps it until the
end, so that the harness times the work on a cluster that is already up, while
``started_for_each_call`` times what a short script pays to start one. ``python
running.py`` starts both, prints their workers, and stops them.
"""

import contextlib
import multiprocessing
import multiprocessing.pool
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path


def usable_cores() -> int:
    """Cores this process may run on (``examples/cpu/cores.py`` explains)."""
    return (
        len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count()
    )


# --8<-- [start:dask]
def start_dask(workers: int):
    from dask.distributed import Client, LocalCluster

    # One single-threaded worker process per core: pure-Python work holds the
    # GIL.
    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, dashboard_address=None
    )
    return cluster, Client(cluster)


# --8<-- [end:dask]


# --8<-- [start:ipyparallel]
def start_ipyparallel(workers: int):
    import ipyparallel as ipp

    before = set(children())
    # a controller, and `workers` engines
    cluster = ipp.Cluster(n=workers, log_level=40)
    client = cluster.start_and_connect_sync()
    started[cluster] = [
        p for p in children() if p not in before
    ]  # for stop() to wait on
    # Engines import the examples' modules by name, as an engine on another
    # machine would.
    path = str(Path(__file__).parent)
    client[:].execute(f"import sys; sys.path.insert(0, {path!r})", block=True)
    return cluster, client


# --8<-- [end:ipyparallel]


# --8<-- [start:ray]
def start_ray(workers: int, setup=None):
    """A local Ray instance with ``workers`` CPUs and no dashboard; ``setup``
    runs once in each worker process as it starts (a model to load)."""
    import logging

    import ray

    # Workers import the examples' modules by name, as they would on a
    # cluster. A local Ray's workers inherit this process's environment, so
    # PYTHONPATH tells them where (on a cluster: runtime_env's "env_vars" or
    # "working_dir", which here would cost a few seconds more at start-up).
    here, path = str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")
    if here not in path.split(os.pathsep):
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [here, path]))
    runtime_env = {}
    if setup is not None:
        runtime_env["worker_process_setup_hook"] = setup
    ray.init(
        num_cpus=workers,
        include_dashboard=False,
        logging_level=logging.WARNING,
        runtime_env=runtime_env or None,
    )
    return ray, ray


# --8<-- [end:ray]


def start_processes(workers: int):
    """A ProcessPoolExecutor, started once (its workers start as the first tasks
    arrive)."""
    pool = ProcessPoolExecutor(workers)
    return pool, pool


def start_pool(workers: int):
    pool = multiprocessing.Pool(workers)
    return pool, pool


def stop(cluster, client) -> None:
    if isinstance(client, ProcessPoolExecutor):
        client.shutdown()
    elif isinstance(client, multiprocessing.pool.Pool):
        client.terminate()
        client.join()
    elif getattr(client, "__name__", "") == "ray":
        client.shutdown()  # stops its workers and the local instance
    elif hasattr(cluster, "stop_cluster_sync"):  # IPyParallel
        ours = started.pop(cluster, [])
        client.close()
        cluster.stop_cluster_sync()
        # Each engine has a nanny process that exits in its own time: wait for
        # them all (one that has exited but is not reaped yet, a zombie, counts
        # as gone).
        deadline = time.monotonic() + 60
        while any(running(p) for p in ours) and time.monotonic() < deadline:
            time.sleep(0.05)
    else:  # Dask: close() waits for its workers to exit
        client.close()
        cluster.close()


def running(process) -> bool:
    try:
        return process.status() != "zombie"
    except Exception:  # gone
        return False


# The processes each IPyParallel cluster started: its controller, engines and
# nannies.
started: dict = {}


def children() -> list:
    import psutil  # a dependency of IPyParallel's

    return psutil.Process().children(recursive=True)


def started_for_each_call(start, run, workers: int):
    """``run(data, client)`` on a cluster started for the call and stopped after
    it."""

    def started(data):
        cluster, client = start(workers)
        try:
            return run(data, client)
        finally:
            stop(cluster, client)

    return started


class Running:
    """The input, and clusters started on first use and kept until the end.

    A variant that runs on a cluster finds it already running from the
    second call on (the first is an untimed warm-up), so its times show the
    work, not the start-up.
    """

    def __init__(self, data, workers: int):
        self.data, self.workers, self.clusters = data, workers, {}

    def client(self, start):
        if start not in self.clusters:
            self.clusters[start] = start(self.workers)
        return self.clusters[start][1]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for cluster, client in self.clusters.values():
            with contextlib.suppress(Exception):
                stop(cluster, client)


def on(run):
    """A variant that takes the data, from one that takes ``Running``."""
    return lambda running: run(running.data)


def on_running(start, run):
    """A variant that runs ``run(data, client)`` on a cluster kept running."""
    return lambda running: run(running.data, running.client(start))


if __name__ == "__main__":
    for start in (start_dask, start_ipyparallel, start_ray):
        cluster, client = start(usable_cores())
        try:
            if hasattr(client, "ids"):  # IPyParallel
                names = client.ids
            elif hasattr(client, "nodes"):  # Ray: CPUs of its one node
                names = [f"{client.cluster_resources()['CPU']:g} CPUs"]
            else:
                names = list(client.scheduler_info()["workers"])
            print(f"{start.__name__}: {len(names)} workers: {names}")
        finally:
            stop(cluster, client)
