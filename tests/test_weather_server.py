"""The local air-temperature API: shape, concurrency, failures, and retries that lose nothing."""

import asyncio
import sys
import time

import aiohttp
import pytest
import requests
from conftest import ROOT

sys.path.insert(0, str(ROOT / "examples" / "io"))
import threads
from weather_server import PATH, running_server


@pytest.fixture(scope="module")
def server():
    with running_server(latency=0.2) as url:
        yield url


def test_a_day_has_station_metadata_and_a_day_of_readings(server):
    response = requests.get(server + PATH, params={"date": "2019-03-01"}, timeout=10)
    assert response.status_code == 200
    body = response.json()
    assert {s["id"] for s in body["metadata"]["stations"]} >= {"S24", "S109"}
    items = body["items"]
    assert items[0]["timestamp"] == "2019-03-01T00:00:00+08:00"
    assert items[-1]["timestamp"].startswith("2019-03-01T23:55")
    assert len(items) == 24 * 60 // 5 and len(items[0]["readings"]) == len(
        body["metadata"]["stations"]
    )
    assert all(20 < r["value"] < 40 for item in items for r in item["readings"])


def test_the_same_day_is_the_same_document_every_time(server):
    def get():
        return requests.get(server + PATH, params={"date": "2019-01-07"}, timeout=10).content

    assert get() == get()


def test_without_a_date_the_latest_reading_comes_back(server):
    body = requests.get(server + PATH, timeout=10).json()
    assert len(body["items"]) == 1 and body["items"][0]["readings"]


def test_a_bad_date_gets_a_clear_400(server):
    response = requests.get(server + PATH, params={"date": "2019-13-45"}, timeout=10)
    assert response.status_code == 400
    assert "expected YYYY-MM-DD" in response.json()["message"]


def test_many_concurrent_clients_are_served_at_once(server):
    """300 clients waiting at once take about one latency, not 300 of them."""

    async def fetch_all():
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=connector) as session:

            async def one(n):
                async with session.get(
                    server + PATH, params={"date": f"2019-01-{n % 28 + 1:02d}"}
                ) as r:
                    return r.status

            return await asyncio.gather(*(one(n) for n in range(300)))

    start = time.perf_counter()
    statuses = asyncio.run(fetch_all())
    elapsed = time.perf_counter() - start
    assert statuses == [200] * 300
    # One after another this would take 300 × 0.2 s = 60 s; at once, a fraction of a
    # second. Half of 60 s leaves room for any load on the machine.
    assert elapsed < 30


def test_the_failure_rate_is_honoured():
    with running_server(latency=0, failure_rate=0.25, seed=1) as url, requests.Session() as session:
        statuses = [session.get(url + PATH, timeout=10).status_code for _ in range(400)]
    failed = statuses.count(503) / len(statuses)
    assert set(statuses) == {200, 503}
    assert 0.18 < failed < 0.32


@pytest.mark.parametrize(
    "fetch", [threads.sequential, threads.with_thread_map, threads.with_as_completed]
)
def test_retries_lose_no_day_when_the_server_fails_a_third_of_requests(fetch):
    with threads.workload(days=30, latency=0.005, failure_rate=0.33) as job:
        days = fetch(job)
        with threads.workload(days=30, latency=0.005) as healthy:
            assert days == threads.sequential(healthy)
    assert [d["date"] for d in days] == job.dates


def test_a_server_that_cannot_start_says_so():
    starting = running_server(latency="not-a-number")
    with pytest.raises(RuntimeError, match="local weather server did not start"):
        starting.__enter__()
