# /// script
# requires-python = ">=3.11"
# dependencies = [
#     "simplemma>=1.1", "vadersentiment>=3.3.2", "joblib>=1.4",
#     "dask[distributed]>=2025.1", "ipyparallel>=9",
# ]
# ///
"""The same analysis on each of several datasets at once: tweets about four companies.

For each company: how many tweets, their mean length and the dates they span,
a histogram of lemmatised words, and the share of positive tweets. The
sentiment model (VADER's lexicon) and the lemmatiser's dictionary both ship
in their wheels; nothing is downloaded. Every variant returns the same
per-company results: sequential, a process pool, ``multiprocessing.Pool``,
joblib, Dask and IPyParallel, split one company per task or in chunks of
tweets. By default the tweets are generated (``tweets_data.py``, beside this
file); ``--csv`` reads a real file.
"""

import argparse
import contextlib
import multiprocessing
import os
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

from tweets_analysis import (
    Tweets,
    by_company,
    in_chunks,
    init_worker,
    load_tweets,
    report,
    summarise_task,
    summarise_task_loading_models,
)


def usable_cores() -> int:
    """Cores this process may run on (``examples/cpu/cores.py`` explains)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


# --8<-- [start:sequential]
def sequential(tweets: Tweets) -> dict:
    return report([summarise_task(task) for task in by_company(tweets)])


# --8<-- [end:sequential]


# --8<-- [start:processes]
def with_processes(tweets: Tweets, split=by_company, workers: int | None = None) -> dict:
    with ProcessPoolExecutor(workers, initializer=init_worker) as pool:
        return report(list(pool.map(summarise_task, split(tweets))))


# --8<-- [end:processes]


# --8<-- [start:per_task]
def loading_per_task(tweets: Tweets, workers: int | None = None) -> dict:
    with ProcessPoolExecutor(workers) as pool:
        return report(list(pool.map(summarise_task_loading_models, in_chunks(tweets))))


# --8<-- [end:per_task]


# --8<-- [start:pool]
def with_pool_map(tweets: Tweets, workers: int | None = None) -> dict:
    with multiprocessing.Pool(workers, initializer=init_worker) as pool:
        return report(pool.map(summarise_task, in_chunks(tweets)))


def with_pool_imap_unordered(tweets: Tweets, workers: int | None = None) -> dict:
    # Results arrive as tasks finish, in any order: report() merges them by company.
    with multiprocessing.Pool(workers, initializer=init_worker) as pool:
        return report(list(pool.imap_unordered(summarise_task, in_chunks(tweets))))


# --8<-- [end:pool]


# --8<-- [start:joblib]
def with_joblib(tweets: Tweets, workers: int = -1) -> dict:
    from joblib import Parallel, delayed

    # loky keeps its workers between calls (and reuses them): models load once per worker.
    parallel = Parallel(n_jobs=workers, backend="loky")
    return report(parallel(delayed(summarise_task)(task) for task in in_chunks(tweets)))


# --8<-- [end:joblib]


# --8<-- [start:dask]
def with_dask(tweets: Tweets, client) -> dict:
    """Dask ``delayed`` on a running cluster; ``client`` says which one."""
    import dask

    tasks = [dask.delayed(summarise_task)(task) for task in in_chunks(tweets)]
    return report(list(dask.compute(*tasks, scheduler=client)))


def start_dask(workers: int):
    from dask.distributed import Client, LocalCluster

    # One single-threaded worker process per core: the work holds the GIL.
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None)
    return cluster, Client(cluster)


# --8<-- [end:dask]


# --8<-- [start:ipyparallel]
def with_ipyparallel(tweets: Tweets, client) -> dict:
    """A load-balanced view hands each task to whichever engine is free."""
    view = client.load_balanced_view()
    return report(view.map_sync(summarise_task, in_chunks(tweets)))


def start_ipyparallel(workers: int):
    import ipyparallel as ipp

    cluster = ipp.Cluster(n=workers, log_level=40)
    client = cluster.start_and_connect_sync()
    # Engines import this module by name, as a worker on another machine would.
    client[:].execute(f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r})")
    client[:].apply_sync(init_worker)
    return cluster, client


# --8<-- [end:ipyparallel]


def with_started(start, run, workers: int):
    """Start a cluster, run on it, stop it: what a short script pays for each."""

    def started(tweets: Tweets) -> dict:
        cluster, client = start(workers)
        try:
            return run(tweets, client)
        finally:
            client.close()
            stop = getattr(cluster, "stop_cluster_sync", None) or cluster.close
            stop()

    return started


class Workload:
    """The tweets, and clusters started on first use and kept until the end.

    A variant that runs on a cluster finds it already running from the
    second call on (the first is an untimed warm-up), so its times show the
    work, not the start-up; the variants that start their own show that.
    """

    def __init__(self, tweets: Tweets, workers: int):
        self.tweets, self.workers, self.clusters = tweets, workers, {}

    def client(self, start) -> object:
        if start not in self.clusters:
            self.clusters[start] = start(self.workers)
        return self.clusters[start][1]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for cluster, client in self.clusters.values():
            with contextlib.suppress(Exception):
                client.close()
                (getattr(cluster, "stop_cluster_sync", None) or cluster.close)()


def workload(count: int = 40_000, csv: str | None = None) -> Workload:
    return Workload(load_tweets(count, csv), usable_cores())


def on(run):
    """A variant that takes the tweets, from one that takes the workload."""
    return lambda w: run(w.tweets)


SIZES = {  # presets for --size: how many generated tweets
    "smoke": {"count": 400},
    "quick": {"count": 16_000},
    "full": {"count": 40_000},
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=SIZES, default="full", help="%(default)s")
    parser.add_argument("--count", type=int, help="how many generated tweets")
    parser.add_argument("--csv", help="analyse this CSV (company, date, text) instead")
    parser.add_argument("--workers", type=int, default=usable_cores())
    parser.add_argument(
        "--start-method",
        choices=multiprocessing.get_all_start_methods(),
        help="how worker processes start (default: the platform's)",
    )
    args = parser.parse_args()
    if args.start_method:
        multiprocessing.set_start_method(args.start_method, force=True)
    tweets = load_tweets(args.count or SIZES[args.size]["count"], args.csv)
    sizes = ", ".join(f"{company} {len(rows)}" for company, rows in tweets.items())
    method = multiprocessing.get_start_method()
    print(f"Tweets: {sizes}; {args.workers} workers (start method: {method})")
    runs = {
        "sequential": sequential,
        "processes, one company per task": partial(with_processes, workers=args.workers),
        "processes, chunks of 500 tweets": partial(
            with_processes, split=in_chunks, workers=args.workers
        ),
        "Dask LocalCluster, started and stopped": with_started(start_dask, with_dask, args.workers),
    }
    results = {}
    for name, run in runs.items():
        start = time.perf_counter()
        results[name] = run(tweets)
        print(f"{name:40} {time.perf_counter() - start:6.2f} s")
    first = next(iter(results.values()))
    assert all(r == first for r in results.values()), "the variants disagree"
    for company, r in first.items():
        top = ", ".join(w for w, _ in Counter(r["words"]).most_common(5))
        print(
            f"{company:10} {r['tweets']:6} tweets, mean {r['mean length']:.0f} characters, "
            f"{r['positive share']:.0%} positive, {r['dates'][0][:10]} to {r['dates'][1][:10]}; "
            f"top words: {top}"
        )


# What the harness measures (``python -m harness measure``); running this script needs none of it.
CORES = usable_cores()
RUNNING = {"workers": CORES, "cpu_time": False}  # on workers that outlive each call
BENCHMARK = {
    "workload": workload,
    "sizes": SIZES,
    "variants": {
        "sequential": on(sequential),
        "processes, one company per task": {
            "run": on(partial(with_processes, workers=CORES)),
            "workers": CORES,
        },
        "processes, chunks of 500 tweets": {
            "run": on(partial(with_processes, split=in_chunks, workers=CORES)),
            "workers": CORES,
        },
        "processes, chunks, models loaded per task": {
            "run": on(partial(loading_per_task, workers=CORES)),
            "workers": CORES,
        },
        "Pool.map, chunks": {"run": on(partial(with_pool_map, workers=CORES)), "workers": CORES},
        "Pool.imap_unordered, chunks": {
            "run": on(partial(with_pool_imap_unordered, workers=CORES)),
            "workers": CORES,
        },
        "joblib (loky), chunks": {"run": on(partial(with_joblib, workers=CORES)), **RUNNING},
        "Dask delayed on a running LocalCluster": {
            "run": lambda w: with_dask(w.tweets, w.client(start_dask)),
            **RUNNING,
        },
        "Dask: start a LocalCluster, run, stop": {
            "run": on(with_started(start_dask, with_dask, CORES)),
            "workers": CORES,
        },
        "IPyParallel on running engines": {
            "run": lambda w: with_ipyparallel(w.tweets, w.client(start_ipyparallel)),
            **RUNNING,
        },
        "IPyParallel: start engines, run, stop": {
            "run": on(with_started(start_ipyparallel, with_ipyparallel, CORES)),
            "workers": CORES,
        },
    },
    "efficiency": True,
    "cost": True,
}

if __name__ == "__main__":
    main()
