# /// script
# requires-python = ">=3.11"
# dependencies = [
#     "simplemma>=1.1", "vadersentiment>=3.3.2", "joblib>=1.4",
#     "dask[distributed]>=2025.1", "ipyparallel>=9", "ray>=2.40",
# ]
# [tool.faster-python]
# start-methods = [
#     "--only", "processes, chunks of 500",
#     "--only", "Pool.map",
#     "--only", "joblib",
# ]
# ///
"""The same analysis on each of several datasets at once: tweets about four
companies.

For each company: how many tweets, their mean length and the dates they span,
a histogram of lemmatised words, and the share of positive tweets. The
sentiment model (VADER's lexicon) and the lemmatiser's dictionary both ship
in their wheels; nothing is downloaded. Every variant returns the same
per-company results: sequential, a process pool, ``multiprocessing.Pool``,
joblib, Dask, IPyParallel and Ray, split one company per task or in chunks
of tweets. By default the tweets are generated (``tweets_data.py``, beside this
file); ``--csv`` reads a real file.
"""

import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

from running import (
    Running,
    on,
    on_running,
    start_dask,
    start_ipyparallel,
    start_ray,
    started_for_each_call,
    usable_cores,
)
from tweets_analysis import (
    Tweets,
    by_company,
    in_chunks,
    init_worker,
    load_tweets,
    print_report,
    report,
    summarise_task,
    summarise_task_loading_models,
)


# --8<-- [start:sequential]
def sequential(tweets: Tweets) -> dict:
    return report([summarise_task(task) for task in by_company(tweets)])


# --8<-- [end:sequential]


# --8<-- [start:processes]
def with_processes(
    tweets: Tweets, split=by_company, workers: int | None = None
) -> dict:
    with ProcessPoolExecutor(workers, initializer=init_worker) as pool:
        return report(list(pool.map(summarise_task, split(tweets))))


# --8<-- [end:processes]


# --8<-- [start:per_task]
def loading_per_task(tweets: Tweets, workers: int | None = None) -> dict:
    with ProcessPoolExecutor(workers) as pool:
        return report(
            list(pool.map(summarise_task_loading_models, in_chunks(tweets)))
        )


# --8<-- [end:per_task]


# --8<-- [start:pool]
def with_pool_map(tweets: Tweets, workers: int | None = None) -> dict:
    with multiprocessing.Pool(workers, initializer=init_worker) as pool:
        return report(pool.map(summarise_task, in_chunks(tweets)))


def with_pool_imap_unordered(
    tweets: Tweets, workers: int | None = None
) -> dict:
    # Results arrive as tasks finish, in any order: report() merges them by
    # company.
    with multiprocessing.Pool(workers, initializer=init_worker) as pool:
        return report(
            list(pool.imap_unordered(summarise_task, in_chunks(tweets)))
        )


# --8<-- [end:pool]


# --8<-- [start:joblib]
def with_joblib(tweets: Tweets, workers: int = -1) -> dict:
    from joblib import Parallel, delayed

    # loky keeps its workers between calls (and reuses them): models load once
    # per worker.
    parallel = Parallel(n_jobs=workers, backend="loky")
    return report(
        parallel(delayed(summarise_task)(task) for task in in_chunks(tweets))
    )


# --8<-- [end:joblib]


# --8<-- [start:dask]
def with_dask(tweets: Tweets, client) -> dict:
    """Dask ``delayed`` on a running cluster; ``client`` says which one."""
    import dask

    # traverse=False: the chunk holds no Dask objects, so Dask need not look
    # through it.
    chunks = [dask.delayed(task, traverse=False) for task in in_chunks(tweets)]
    tasks = [dask.delayed(summarise_task)(chunk) for chunk in chunks]
    return report(list(dask.compute(*tasks, scheduler=client)))


# --8<-- [end:dask]


# --8<-- [start:ipyparallel]
def with_ipyparallel(tweets: Tweets, client) -> dict:
    """A load-balanced view hands each task to whichever engine is free."""
    view = client.load_balanced_view()
    return report(view.map_sync(summarise_task, in_chunks(tweets)))


# --8<-- [end:ipyparallel]


# --8<-- [start:ray]
def with_ray(tweets: Tweets, ray) -> dict:
    """Ray remote tasks; each worker loaded the models once, as it started
    (``start_ray_with_models``)."""
    summarise = ray.remote(summarise_task)
    return report(ray.get([summarise.remote(t) for t in in_chunks(tweets)]))


def start_ray_with_models(workers: int):
    return start_ray(workers, setup=init_worker)


# --8<-- [end:ray]


def workload(count: int = 40_000, csv: str | None = None) -> Running:
    """The tweets, and the pools and clusters that variants start on first use.

    count: how many generated tweets
    csv: analyse this CSV file (company, date, text) instead
    """
    tweets = load_tweets(count, csv)
    sizes = ", ".join(
        f"{company} {len(rows)}" for company, rows in tweets.items()
    )
    method = multiprocessing.get_start_method()
    print(f"Tweets: {sizes}; {usable_cores()} workers (start method: {method})")
    return Running(tweets, usable_cores())


def show_summary(running: Running) -> None:
    """What the analysis found for each company."""
    print_report(sequential(running.data))


SIZES = {  # presets for --size: how many generated tweets
    "smoke": {"count": 400},
    "quick": {"count": 20_000},
    "full": {"count": 40_000},
}


CORES = usable_cores()
RUNNING = {
    "workers": CORES,
    "cpu_time": False,
}  # on workers that outlive each call
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
        "Pool.map, chunks": {
            "run": on(partial(with_pool_map, workers=CORES)),
            "workers": CORES,
        },
        "Pool.imap_unordered, chunks": {
            "run": on(partial(with_pool_imap_unordered, workers=CORES)),
            "workers": CORES,
        },
        "joblib (loky), chunks": {
            "run": on(partial(with_joblib, workers=CORES)),
            **RUNNING,
        },
        "Dask delayed on a running LocalCluster": {
            "run": on_running(start_dask, with_dask),
            **RUNNING,
        },
        "Dask: start a LocalCluster, run, stop": {
            "run": on(started_for_each_call(start_dask, with_dask, CORES)),
            "workers": CORES,
        },
        "IPyParallel on running engines": {
            "run": on_running(start_ipyparallel, with_ipyparallel),
            **RUNNING,
        },
        "IPyParallel: start engines, run, stop": {
            "run": on(
                started_for_each_call(
                    start_ipyparallel, with_ipyparallel, CORES
                )
            ),
            "workers": CORES,
        },
        # Started and stopped first: a process holds one Ray instance at a
        # time, and the next row keeps its own running until the end.
        "Ray: start it, run, stop": {
            "run": on(
                started_for_each_call(start_ray_with_models, with_ray, CORES)
            ),
            "workers": CORES,
        },
        "Ray tasks on a running local Ray": {
            "run": on_running(start_ray_with_models, with_ray),
            **RUNNING,
        },
    },
    "table": {"efficiency": True, "cost": True},
}


if __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parents[1]))  # side_by_side
    import side_by_side

    side_by_side.main(BENCHMARK, shows={"summary": show_summary})
