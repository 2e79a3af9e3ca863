# /// script
# requires-python = ">=3.11"
# dependencies = [
#     "aiohttp>=3.10",
#     "requests>=2.32",
#     "tqdm>=4.66",
#     "urllib3>=2.2",
# ]
# ///
"""Fetch 100 days of air-temperature readings with asyncio, beside threads and
one at a time.

One thread runs an event loop; each request is a coroutine that gives the
loop back while it waits for the server, so hundreds of requests wait at
once without a thread each. The script uses the same local API server and
the same per-day summary as ``threads.py`` (beside this file), so the
numbers compare; ``--url`` points it at the real service instead.
"""

import asyncio
import random
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from functools import partial
from pathlib import Path

import aiohttp
from threads import (
    SIZES,
    Job,
    fetch_day,
    latency_bound,
    make_session,
    sequential,
    summarise,
    with_thread_map,
    workload,
)
from tqdm.asyncio import tqdm
from weather_server import PATH

# Statuses a busy server sends; worth another try after a pause.
RETRY_STATUSES = {429, 500, 502, 503, 504}


class RetryableStatus(Exception):
    pass


# --8<-- [start:fetch_json]
async def fetch_json(
    session: aiohttp.ClientSession,
    url: str,
    params: dict | None = None,
    *,
    retries: int = 6,
    backoff: float = 0.1,
    timeout: float = 30,
) -> dict:
    """GET a JSON document; on a timeout, a dropped connection or a busy server,
    retry.

    The pause doubles after each failed attempt (0.1 s, 0.2 s, 0.4 s, …), so a
    struggling server gets room to recover.
    """
    for attempt in range(retries + 1):
        try:
            async with session.get(
                url, params=params, timeout=aiohttp.ClientTimeout(total=timeout)
            ) as response:
                if response.status in RETRY_STATUSES:
                    raise RetryableStatus(
                        f"{response.status} from {response.url}"
                    )
                response.raise_for_status()
                return await response.json()
        except (TimeoutError, aiohttp.ClientConnectionError, RetryableStatus):
            if attempt == retries:
                raise
            await asyncio.sleep(backoff * 2**attempt)
    raise AssertionError("unreachable")


# --8<-- [end:fetch_json]


# --8<-- [start:fetch_days]
async def fetch_days(job: Job, concurrency: int) -> list[dict]:
    """Every day at once, but never more than ``concurrency`` requests in
    flight."""
    semaphore = asyncio.Semaphore(concurrency)
    # The connector's own limit (100 by default) must not be the tighter one.
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def fetch(date: str) -> dict:
            async with semaphore:
                document = await fetch_json(
                    session, job.base_url + PATH, {"date": date}
                )
            return summarise(date, document)

        # gather returns results in the order of its arguments; tqdm's adds a
        # progress bar.
        return await tqdm.gather(
            *(fetch(d) for d in job.dates),
            disable=not job.progress,
            desc="days",
            unit="day",
        )


def with_asyncio(job: Job, concurrency: int = 32) -> list[dict]:
    return asyncio.run(fetch_days(job, concurrency))


# --8<-- [end:fetch_days]


# --8<-- [start:to_thread]
async def fetch_days_to_thread(job: Job, concurrency: int) -> list[dict]:
    """Keep a blocking library (requests) and run each call in a thread from the
    loop."""
    # to_thread uses the loop's default executor, which has min(32, CPUs + 4)
    # threads: give it as many as the requests we want in flight.
    asyncio.get_running_loop().set_default_executor(
        ThreadPoolExecutor(concurrency)
    )
    semaphore = asyncio.Semaphore(concurrency)
    with make_session(pool_size=concurrency) as session:

        async def fetch(date: str) -> dict:
            async with semaphore:
                return await asyncio.to_thread(
                    fetch_day, session, job.base_url, date
                )

        return await asyncio.gather(*(fetch(d) for d in job.dates))


def with_to_thread(job: Job, concurrency: int = 32) -> list[dict]:
    return asyncio.run(fetch_days_to_thread(job, concurrency))


# --8<-- [end:to_thread]


# --8<-- [start:cpu_in_async]
def bootstrap_interval(
    values: list[float], rounds: int = 300, seed: int = 0
) -> tuple:
    """A 90 % bootstrap interval for the mean: pure-Python CPU work, tens of
    milliseconds."""
    rng = random.Random(seed)
    means = sorted(
        statistics.fmean(rng.choices(values, k=len(values)))
        for _ in range(rounds)
    )
    return round(means[int(0.05 * rounds)], 3), round(
        means[int(0.95 * rounds)], 3
    )


def readings(document: dict) -> list[float]:
    return [r["value"] for item in document["items"] for r in item["readings"]]


async def analyse_days(
    job: Job, pool: ProcessPoolExecutor | None
) -> list[tuple]:
    """Fetch each day and compute its interval, inline or in a process pool."""
    loop = asyncio.get_running_loop()
    async with aiohttp.ClientSession() as session:

        async def analyse(date: str) -> tuple:
            document = await fetch_json(
                session, job.base_url + PATH, {"date": date}
            )
            if pool is None:
                # blocks the loop meanwhile
                return bootstrap_interval(readings(document))
            return await loop.run_in_executor(
                pool, bootstrap_interval, readings(document)
            )

        return await asyncio.gather(*(analyse(d) for d in job.dates))


async def longest_stall(work) -> tuple[object, float]:
    """Run ``work`` while a heartbeat ticks every 10 ms; report the longest gap
    between ticks."""
    longest, running = 0.0, True

    async def heartbeat():
        nonlocal longest
        last = time.perf_counter()
        while running:
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            longest, last = max(longest, now - last - 0.01), now

    beat = asyncio.create_task(heartbeat())
    result = await work
    running = False
    await beat
    return result, longest


# --8<-- [end:cpu_in_async]


def show_blocking(job: Job) -> None:
    """Inline CPU work stalls every other request; a process pool keeps the loop
    free."""
    with ProcessPoolExecutor() as pool:
        for name, executor in [("inline", None), ("in a process pool", pool)]:
            start = time.perf_counter()
            intervals, stall = asyncio.run(
                longest_stall(analyse_days(job, executor))
            )
            elapsed = time.perf_counter() - start
            print(
                f"CPU work {name:18} {elapsed:6.2f} s for {len(intervals)} "
                "days; "
                f"event loop stalled up to {stall * 1000:6.1f} ms"
            )


# threads.py's workload starts the local server and yields the days to fetch.
BENCHMARK = {
    "workload": workload,
    "sizes": SIZES,
    "variants": {
        "sequential (requests)": sequential,
        "threads, map, 32 workers": {
            "run": partial(with_thread_map, max_workers=32),
            "workers": 32,
        },
        **{
            f"asyncio + aiohttp, {n} at a time": {
                "run": partial(with_asyncio, concurrency=n),
                "workers": n,
            }
            for n in (8, 32, 100)
        },
        "asyncio.to_thread + requests, 32 at a time": {
            "run": partial(with_to_thread, concurrency=32),
            "workers": 32,
        },
    },
    "bound": latency_bound,  # days × latency ÷ requests in flight
    "transcripts": {"blocking": ["--show", "blocking", "--days", "20"]},
}


if __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parents[1]))  # side_by_side
    import side_by_side

    side_by_side.main(BENCHMARK, shows={"blocking": show_blocking})
