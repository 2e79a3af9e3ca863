# /// script
# requires-python = ">=3.11"
# dependencies = [
#     "numpy>=2.1",
#     "pandas>=2.2",
#     "dask[distributed,dataframe]>=2025.1",
# ]
# ///
"""One small job four ways in Dask: delayed, bag, dataframe and array, on each
scheduler.

The job: the mean reading of each of 50 weather stations, from many
(station, value) readings. NumPy does it in one call; each Dask collection
splits the readings into partitions, works on each, and combines the parts.
Every variant returns the same means (to floating-point rounding, since the
parts add in another order). The scheduler (threads, processes, synchronous,
or a distributed cluster) is chosen per call with ``scheduler=``.
"""

import sys
from pathlib import Path

import numpy as np
from running import Running, on_running, start_dask, usable_cores

STATIONS = 50


def readings(count: int, seed: int = 11) -> tuple[np.ndarray, np.ndarray]:
    """(station ids, values): ``count`` readings, stations of unequal
    activity."""
    rng = np.random.default_rng(seed)
    stations = rng.zipf(1.3, size=count) % STATIONS
    values = rng.normal(15.0, 8.0, size=count) + stations * 0.1
    return stations, values


# --8<-- [start:numpy]
def with_numpy(data) -> np.ndarray:
    stations, values = data
    sums = np.bincount(stations, weights=values, minlength=STATIONS)
    return sums / np.bincount(stations, minlength=STATIONS)


# --8<-- [end:numpy]


# --8<-- [start:delayed]
def with_delayed(
    data, scheduler: str | object = "threads", parts: int = 8
) -> np.ndarray:
    import dask

    @dask.delayed
    def part_sums(stations, values):
        return (
            np.bincount(stations, weights=values, minlength=STATIONS),
            np.bincount(stations, minlength=STATIONS),
        )

    @dask.delayed
    def combine(parts):
        return sum(p[0] for p in parts) / sum(p[1] for p in parts)

    pieces = zip(
        np.array_split(data[0], parts),
        np.array_split(data[1], parts),
        strict=True,
    )
    return combine([part_sums(s, v) for s, v in pieces]).compute(
        scheduler=scheduler
    )


# --8<-- [end:delayed]


# --8<-- [start:bag]
def with_bag(
    data, scheduler: str | object = "processes", parts: int = 8
) -> np.ndarray:
    import dask.bag as db

    # Python objects
    records = list(zip(data[0].tolist(), data[1].tolist(), strict=True))
    totals = (
        db.from_sequence(records, npartitions=parts)
        .foldby(
            lambda r: r[0],  # key: the station
            # add a reading to a running total
            lambda acc, r: (
                acc[0] + r[1],
                acc[1] + 1,
            ),
            (0.0, 0),
            # merge two partitions' totals
            lambda a, b: (
                a[0] + b[0],
                a[1] + b[1],
            ),
            (0.0, 0),
        )
        .compute(scheduler=scheduler)
    )
    means = np.full(STATIONS, np.nan)
    for station, (total, count) in totals:
        means[station] = total / count
    return means


# --8<-- [end:bag]


# --8<-- [start:dataframe]
def with_dataframe(
    data, scheduler: str | object = "threads", parts: int = 8
) -> np.ndarray:
    import dask.dataframe as dd
    import pandas as pd

    frame = pd.DataFrame({"station": data[0], "value": data[1]})
    means = (
        dd.from_pandas(frame, npartitions=parts)
        .groupby("station")["value"]
        .mean()
        .compute(scheduler=scheduler)
    )
    return means.reindex(range(STATIONS)).to_numpy()


# --8<-- [end:dataframe]


# --8<-- [start:array]
def with_array(
    data, scheduler: str | object = "threads", parts: int = 8
) -> np.ndarray:
    import dask.array as da

    chunk = -(-len(data[0]) // parts)  # ceiling: at most `parts` chunks
    stations = da.from_array(data[0], chunks=chunk)
    values = da.from_array(data[1], chunks=chunk)
    sums = da.bincount(stations, weights=values, minlength=STATIONS)
    counts = da.bincount(stations, minlength=STATIONS)
    return (sums / counts).compute(scheduler=scheduler)


# --8<-- [end:array]


def on_cluster(run):
    """``run(data, scheduler=client)``, on a LocalCluster kept running."""
    return on_running(
        start_dask, lambda data, client: run(data, scheduler=client)
    )


def workload(count: int = 300_000) -> Running:
    """Readings from the stations, and a cluster started on first use.

    count: how many readings
    """
    data = readings(count)
    print(f"{len(data[0]):,} readings from {STATIONS} stations")
    return Running(data, usable_cores())


SIZES = {
    "smoke": {"count": 20_000},
    "quick": {"count": 50_000},
    "full": {"count": 300_000},
}


CORES = usable_cores()
THREADS = {"workers": CORES}
BENCHMARK = {
    "workload": workload,
    "sizes": SIZES,
    "variants": {
        "NumPy, no Dask": lambda r: with_numpy(r.data),
        "array, threads (its default)": {
            "run": lambda r: with_array(r.data),
            **THREADS,
        },
        "array, synchronous (for debugging)": lambda r: with_array(
            r.data, "synchronous"
        ),
        "array, distributed (a running LocalCluster)": {
            "run": on_cluster(with_array),
            "workers": CORES,
            "cpu_time": False,
        },
        "dataframe, threads (its default)": {
            "run": lambda r: with_dataframe(r.data),
            **THREADS,
        },
        "dataframe, processes": {
            "run": lambda r: with_dataframe(r.data, "processes"),
            "workers": CORES,
        },
        "delayed, threads (its default)": {
            "run": lambda r: with_delayed(r.data),
            **THREADS,
        },
        "bag, processes (its default)": {
            "run": lambda r: with_bag(r.data),
            "workers": CORES,
        },
    },
    "rel_tol": 1e-9,  # partial sums add in another order than NumPy's one pass
}


if __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parents[1]))  # side_by_side
    import side_by_side

    side_by_side.main(BENCHMARK)
