# /// script
# requires-python = ">=3.11"
# dependencies = [
#     "aiohttp>=3.10",
#     "requests>=2.32",
#     "tqdm>=4.66",
#     "urllib3>=2.2",
# ]
# ///
"""Ask for the latest air-temperature reading 1,000 times, with a limit on
requests in flight.

A small document and many requests: the case where the cost of each waiting
request matters. A coroutine waiting on a socket costs a few kilobytes; a
thread costs a stack and a place in the scheduler. The limit on requests in
flight (a semaphore) is what decides the time: requests × latency ÷ limit.
"""

import asyncio
import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import aiohttp
import requests
from asyncio_fetch import fetch_json
from threads import make_session
from weather_server import PATH, running_server


def count_readings(document: dict) -> int:
    return sum(len(item["readings"]) for item in document["items"])


# --8<-- [start:fetch_latest]
async def fetch_latest_many(
    base_url: str, requests_count: int, concurrency: int
) -> dict:
    semaphore = asyncio.Semaphore(concurrency)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def fetch() -> int:
            async with semaphore:
                return count_readings(
                    await fetch_json(session, base_url + PATH)
                )

        counts = await asyncio.gather(*(fetch() for _ in range(requests_count)))
    return {"responses": len(counts), "readings": sum(counts)}


def with_asyncio(job: tuple[str, int], concurrency: int) -> dict:
    base_url, requests_count = job
    return asyncio.run(fetch_latest_many(base_url, requests_count, concurrency))


# --8<-- [end:fetch_latest]


def with_threads(job: tuple[str, int], max_workers: int) -> dict:
    """The same with a thread per request in flight, for comparison."""
    base_url, requests_count = job

    def fetch(session: requests.Session) -> int:
        response = session.get(base_url + PATH, timeout=30)
        response.raise_for_status()
        return count_readings(response.json())

    with (
        make_session(pool_size=max_workers) as session,
        ThreadPoolExecutor(max_workers) as pool,
    ):
        counts = list(pool.map(lambda _: fetch(session), range(requests_count)))
    return {"responses": len(counts), "readings": sum(counts)}


@contextmanager
def workload(requests_count: int = 1000, latency: float = 0.05):
    """Start the local server; yield its address and how many requests to send.

    requests_count: how many requests to send
    latency: local server: seconds it takes to answer
    """
    with running_server(latency=latency) as base_url:
        print(f"{requests_count} requests, {latency * 1000:.0f} ms each")
        yield base_url, requests_count


# Presets for --size: how many requests, and the local server's latency.
SIZES = {
    "smoke": {"requests_count": 50, "latency": 0.01},
    "quick": {"requests_count": 200, "latency": 0.02},
    "full": {"requests_count": 1000, "latency": 0.05},
}


def latency_bound(size: dict, in_flight: int) -> float:
    """The least time possible: requests × latency ÷ requests in flight."""
    return size["requests_count"] * size["latency"] / in_flight


BENCHMARK = {
    "workload": workload,
    "sizes": SIZES,
    "variants": {
        **{
            f"asyncio, {n} in flight": {
                "run": partial(with_asyncio, concurrency=n),
                "workers": n,
            }
            for n in (10, 50, 100, 200)
        },
        "threads, 100 workers": {
            "run": partial(with_threads, max_workers=100),
            "workers": 100,
        },
    },
    "bound": latency_bound,
}


if __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parents[1]))  # side_by_side
    import side_by_side

    side_by_side.main(BENCHMARK)
