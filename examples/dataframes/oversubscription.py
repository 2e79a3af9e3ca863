# /// script
# requires-python = ">=3.11"
# dependencies = [
#     "numpy>=2.1",
#     "pandas>=2.2",
#     "pyarrow>=18",
#     "polars>=1.20",
#     "duckdb>=1.2",
# ]
# ///
"""Polars and DuckDB already use every core: what a process pool around them
does.

Twelve months of sales, one summary per month. Polars and DuckDB run each
query on a thread per core, so a loop over the months already keeps every
core busy. Wrapping them in a process pool as well starts workers × cores
threads on the same cores (oversubscription); the fixes are one query over
all months, or one thread per worker. Every variant returns the same sums.
"""

import os
import sys
import tempfile
import time
from contextlib import contextmanager
from multiprocessing import get_context
from pathlib import Path

import duckdb
import polars as pl
from transactions import load_transactions


def usable_cores() -> int:
    """Cores this process may run on (``examples/cpu/cores.py`` explains)."""
    return (
        len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count()
    )


REVENUE = pl.col("quantity") * pl.col("unit_price") * (1 - pl.col("discount"))


# --8<-- [start:month]
def summarise_month(path: str) -> dict:
    """One month's revenue per category, with Polars (which uses every core it
    may)."""
    table = (
        pl.read_parquet(path)
        .group_by("category")
        .agg(REVENUE.sum().alias("revenue"))
    )
    return dict(
        zip(table["category"].cast(pl.String), table["revenue"], strict=True)
    )


def one_month_after_another(paths: list[str]) -> list[dict]:
    return [summarise_month(p) for p in paths]


def start_pool(workers: int):
    # spawn: Polars' docs warn that fork can deadlock a process whose threads
    # hold locks. (multiprocessing.Pool starts every worker at once, which the
    # next fix relies on.)
    return get_context("spawn").Pool(workers)


def in_a_process_pool(paths: list[str], pool) -> list[dict]:
    return pool.map(summarise_month, paths, chunksize=1)


def polars_threads(_) -> int:
    time.sleep(0.2)  # hold this worker, so that the next task goes to another
    return pl.thread_pool_size()


# --8<-- [end:month]


# --8<-- [start:fixes]
@contextmanager
def environment(**variables: str):
    """Set environment variables for the processes started inside the block."""
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name)
            else:
                os.environ[name] = value


def start_single_threaded_pool(workers: int):
    # Polars reads it as it starts in each new worker: one thread per worker
    # process.
    with environment(POLARS_MAX_THREADS="1"):
        return start_pool(workers)


def one_lazy_query(paths: list[str]) -> list[dict]:
    """All months in one query: Polars plans it and spreads the work over its
    threads."""
    months = [
        pl.scan_parquet(p).with_columns(pl.lit(n).alias("month"))
        for n, p in enumerate(paths)
    ]
    table = (
        pl.concat(months)
        .group_by("month", "category")
        .agg(REVENUE.sum().alias("revenue"))
        .collect()
    )
    results = [{} for _ in paths]
    for month, category, revenue in table.iter_rows():
        results[month][category] = revenue
    return results


def one_duckdb_query(paths: list[str]) -> list[dict]:
    files = ", ".join(f"'{p}'" for p in paths)
    rows = duckdb.sql(f"""
        SELECT filename, category, sum(quantity * unit_price * (1 - discount))
        FROM read_parquet([{files}], filename = true) GROUP BY ALL
    """).fetchall()
    results = {p: {} for p in paths}
    for filename, category, revenue in rows:
        results[filename][category] = revenue
    return [results[p] for p in paths]


# --8<-- [end:fixes]


class Months:
    """The monthly files, and process pools started on first use and kept until
    the end (their start-up, which imports Polars in every worker, is not what
    this compares)."""

    def __init__(self, paths: list[str]):
        self.paths, self.pools = paths, {}

    def pool(self, start):
        if start not in self.pools:
            self.pools[start] = start(CORES)
        return self.pools[start]

    def threads(self, start) -> list[int]:
        """Each worker's Polars thread count (one task per worker)."""
        return self.pool(start).map(polars_threads, range(CORES), chunksize=1)

    def close(self) -> None:
        for pool in self.pools.values():
            pool.terminate()
            pool.join()


def show_threads(months: Months) -> None:
    """How many threads Polars has here, and in each worker of both pools."""
    default = months.threads(start_pool)
    single = months.threads(start_single_threaded_pool)
    here = pl.thread_pool_size()
    print(
        f"Polars threads here: {here}; in the pools' workers: {default} "
        f"and {single}"
    )


@contextmanager
def workload(rows: int = 3_000_000, file: str | None = None):
    """The sales split into one Parquet file per month, in a temporary folder.

    rows: how many rows of generated sales
    file: a real Parquet or CSV file of sales instead
    """
    sales = load_transactions(rows, file)
    sales = sales.assign(category=sales["category"].astype(str))
    with tempfile.TemporaryDirectory(prefix="months-") as folder:
        paths = []
        for month, part in sales.groupby(sales["time"].dt.month):
            paths.append(os.path.join(folder, f"month-{month:02d}.parquet"))
            part.to_parquet(paths[-1], index=False)
        months = Months(paths)
        print(f"{len(paths)} monthly files; {CORES} cores")
        try:
            yield months
        finally:
            months.close()


SIZES = {
    "smoke": {"rows": 6_000},
    "quick": {"rows": 200_000},
    "full": {"rows": 3_000_000},
}
CORES = usable_cores()
RUNNING = {"workers": CORES, "cpu_time": False}  # pools started before the call
VARIANTS = {
    "Polars, one month after another": lambda m: one_month_after_another(
        m.paths
    ),
    f"Polars in {CORES} processes, {CORES} threads each": {
        "run": lambda m: in_a_process_pool(m.paths, m.pool(start_pool)),
        **RUNNING,
    },
    f"Polars in {CORES} processes, one thread each": {
        "run": lambda m: in_a_process_pool(
            m.paths, m.pool(start_single_threaded_pool)
        ),
        **RUNNING,
    },
    "Polars, one lazy query over every month": lambda m: one_lazy_query(
        m.paths
    ),
    "DuckDB, one query over every month": lambda m: one_duckdb_query(m.paths),
}


BENCHMARK = {
    "workload": workload,
    "sizes": SIZES,
    "variants": VARIANTS,
    "table": {"efficiency": True},
    # sums added by a different number of threads, in another order
    "rel_tol": 1e-9,
}


if __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parents[1]))  # side_by_side
    import side_by_side

    side_by_side.main(BENCHMARK, shows={"threads": show_threads})
