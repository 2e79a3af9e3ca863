# /// script
# requires-python = ">=3.11"
# dependencies = [
#     "aiohttp>=3.10",
#     "requests>=2.32",
#     "tqdm>=4.66",
#     "urllib3>=2.2",
# ]
# ///
"""Fetch 100 days of air-temperature readings, one request per day, with and
without threads.

Each request spends almost all its time waiting for the server, so while one
thread waits, others can send their requests: threads overlap the waiting.
By default the script starts a local copy of the API (``weather_server.py``,
beside this file) with a simulated latency; ``--url`` points it at the real
service instead. Every variant returns the same per-day summary.
"""

import datetime as dt
import os
import socket
import statistics
import sys
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from tqdm import tqdm
from urllib3.util.retry import Retry
from weather_server import PATH, running_server

# The talk this page grows out of fetched these 100 days from the public API.
FIRST_DAY = dt.date(2019, 1, 1)


@dataclass(frozen=True)
class Job:
    """What every variant gets: where to ask, and which days."""

    base_url: str
    dates: list[str]
    progress: bool = False


# --8<-- [start:session]
def make_session(pool_size: int = 10) -> requests.Session:
    """A session that reuses connections and retries failed requests.

    It retries on the status codes a busy server sends, so a day is only lost
    if every attempt fails. urllib3 retries the first failure at once, then
    waits 0.2 s, 0.4 s, 0.8 s, … (``backoff_factor × 2 ** (retries - 1)``),
    plus a random extra of up to ``backoff_jitter`` seconds.
    """
    retry = Retry(
        total=6,
        backoff_factor=0.1,
        # Threads that failed together would otherwise retry together, in
        # lockstep, and hit the struggling server all at once again (urllib3
        # 2.0+).
        backoff_jitter=0.1,
        status_forcelist=[429, 500, 502, 503, 504],
        allowed_methods={"GET"},
    )
    adapter = HTTPAdapter(
        max_retries=retry, pool_connections=1, pool_maxsize=pool_size
    )
    session = requests.Session()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


# --8<-- [end:session]


# --8<-- [start:fetch_day]
def summarise(date: str, document: dict) -> dict:
    """Count a day's readings and find its mean, lowest and highest
    temperature."""
    values = [
        r["value"] for item in document["items"] for r in item["readings"]
    ]
    return {
        "date": date,
        "readings": len(values),
        "mean": round(statistics.fmean(values), 3),
        "low": min(values),
        "high": max(values),
    }


def fetch_day(session: requests.Session, base_url: str, date: str) -> dict:
    response = session.get(base_url + PATH, params={"date": date}, timeout=30)
    response.raise_for_status()
    return summarise(date, response.json())


# --8<-- [end:fetch_day]


# --8<-- [start:sequential]
def sequential(job: Job) -> list[dict]:
    """One request after another, over one reused connection."""
    with make_session() as session:
        return [fetch_day(session, job.base_url, date) for date in job.dates]


# --8<-- [end:sequential]


# --8<-- [start:new_connection]
def sequential_new_connection(job: Job) -> list[dict]:
    """One request after another, each on a new connection (no session)."""
    summaries = []
    for date in job.dates:
        with make_session() as session:
            summaries.append(fetch_day(session, job.base_url, date))
    return summaries


# --8<-- [end:new_connection]


# --8<-- [start:thread_map]
def default_max_workers() -> int:
    """What ThreadPoolExecutor picks when max_workers is not given (Python
    3.8+)."""
    cpus = (
        os.process_cpu_count()
        if hasattr(os, "process_cpu_count")
        else os.cpu_count()
    )
    return min(32, (cpus or 1) + 4)


def with_thread_map(job: Job, max_workers: int | None = None) -> list[dict]:
    """``executor.map``: results come back in the order of the inputs."""
    workers = max_workers or default_max_workers()
    # One pool of connections, as large as the number of threads using it.
    with (
        make_session(pool_size=workers) as session,
        ThreadPoolExecutor(workers) as pool,
    ):
        return list(
            pool.map(partial(fetch_day, session, job.base_url), job.dates)
        )


# --8<-- [end:thread_map]


# --8<-- [start:as_completed]
def with_as_completed(job: Job, max_workers: int = 32) -> list[dict]:
    """``submit`` + ``as_completed``: handle each day as soon as it arrives."""
    with (
        make_session(pool_size=max_workers) as session,
        ThreadPoolExecutor(max_workers) as pool,
    ):
        futures = {
            pool.submit(fetch_day, session, job.base_url, d): d
            for d in job.dates
        }
        summaries = []
        for future in tqdm(
            as_completed(futures),
            total=len(futures),
            disable=not job.progress,
            desc="days",
            unit="day",
        ):
            summaries.append(future.result())
    # as_completed yields in the order requests finish; sort to give the same
    # answer.
    return sorted(summaries, key=lambda s: s["date"])


# --8<-- [end:as_completed]


# --8<-- [start:thread_names]
def with_thread_names(job: Job, max_workers: int = 8) -> list[dict]:
    """Print which thread fetched which day, to see the pool at work."""

    def fetch_and_report(session, date):
        summary = fetch_day(session, job.base_url, date)
        print(f"{threading.current_thread().name} fetched {date}")
        return summary

    with (
        make_session(pool_size=max_workers) as session,
        ThreadPoolExecutor(max_workers, thread_name_prefix="fetcher") as pool,
    ):
        return list(pool.map(partial(fetch_and_report, session), job.dates))


# --8<-- [end:thread_names]


def first_days(count: int) -> list[str]:
    return [
        (FIRST_DAY + dt.timedelta(days=n)).isoformat() for n in range(count)
    ]


@contextmanager
def workload(
    days=100,
    latency=0.1,
    jitter=0.0,
    failure_rate=0.0,
    every_minutes=5,
    url=None,
    progress=False,
):
    """Start the local server (unless given a real URL) and yield the job.

    days: how many days to fetch
    latency: local server: seconds it takes to answer
    jitter: local server: up to this many seconds more, at random
    failure_rate: local server: share of requests that fail (and are retried)
    every_minutes: local server: minutes between two readings
    url: fetch from this API instead, such as https://api.data.gov.sg
    progress: show a progress bar where a variant draws one
    """
    dates = first_days(days)
    if url:
        reachable(url.rstrip("/"), dates[0])
        print(f"Fetching {len(dates)} days from {url}")
        yield Job(url.rstrip("/"), dates, progress)
        return
    with running_server(
        latency=latency,
        jitter=jitter,
        failure_rate=failure_rate,
        every_minutes=every_minutes,
    ) as base_url:
        print(f"Fetching {len(dates)} days from {base_url}")
        yield Job(base_url, dates, progress)


def reachable(base_url: str, date: str) -> None:
    """One request first: a URL that does not answer gets a sentence, not a
    traceback from every thread (and at once where nothing listens: no
    retries against a closed port)."""
    url = urlsplit(base_url)
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        socket.create_connection((url.hostname, port), timeout=10).close()
        with make_session() as session:
            fetch_day(session, base_url, date)
    except (OSError, requests.RequestException, KeyError, ValueError) as error:
        raise SystemExit(
            f"{base_url}: no day of readings from it ({error})"
        ) from None


def show_threads(job: Job) -> None:
    """Which thread fetched which day."""
    with_thread_names(job)


SIZES = {  # presets for --size: days to fetch and the local server's latency
    "smoke": {"days": 10, "latency": 0.01},
    "quick": {"days": 40, "latency": 0.04},
    "full": {"days": 100, "latency": 0.1},
}


def latency_bound(size: dict, workers: int) -> float:
    """The least time a variant can spend waiting: days × latency ÷ requests in
    flight."""
    return size["days"] * size["latency"] / workers


SWEEP = (4, 8, 16, 32, 64, 100)
BENCHMARK = {
    "workload": workload,
    "sizes": SIZES,
    "variants": {
        "sequential, one session": sequential,
        "sequential, new connection each time": sequential_new_connection,
        f"threads, map, default ({default_max_workers()} workers)": {
            "run": with_thread_map,
            "workers": default_max_workers(),
        },
        **{
            f"threads, map, {n} workers": {
                "run": partial(with_thread_map, max_workers=n),
                "workers": n,
            }
            for n in SWEEP
        },
        "threads, as_completed, 32 workers": {
            "run": partial(with_as_completed, max_workers=32),
            "workers": 32,
        },
    },
    "bound": latency_bound,
}


if __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parents[1]))  # side_by_side
    import side_by_side

    side_by_side.main(BENCHMARK, shows={"threads": show_threads})
