# /// script
# requires-python = ">=3.11"
# dependencies = ["aiohttp>=3.10", "uvloop>=0.21; sys_platform != 'win32'"]
# [tool.faster-python]
# skip = "runs until stopped: tests/test_weather_server.py starts it"
# ///
"""A local stand-in for a public air-temperature API, so the I/O examples run
offline.

It answers the same path and query as the real service,
``/v1/environment/air-temperature?date=YYYY-MM-DD`` for a whole day of readings
and no ``date`` for the latest one, with JSON of the same shape: station
metadata plus timestamped readings per station. Every day's readings are
generated from the date alone, so every run sees the same data. Latency,
jitter and a failure rate are set on the command line, and the server is
asynchronous, so it keeps up with hundreds of clients waiting at once.

Run it on its own with ``python weather_server.py --latency 0.1`` and point a
browser or ``curl`` at the address it prints.
"""

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import math
import random
import socket
import subprocess
import sys
from collections import Counter
from functools import lru_cache
from pathlib import Path

from aiohttp import web

PATH = "/v1/environment/air-temperature"
TIMEZONE = dt.timezone(dt.timedelta(hours=8))

# Station metadata: an id, a name and a location, as the public API lists them.
STATIONS = [
    ("S24", "Upper Changi Road North", 1.3678, 103.9826),
    ("S43", "Kim Chuan Road", 1.3399, 103.8878),
    ("S44", "Nanyang Avenue", 1.34583, 103.68166),
    ("S50", "Clementi Road", 1.3337, 103.7768),
    ("S60", "Sentosa", 1.25, 103.8279),
    ("S100", "Woodlands Road", 1.4172, 103.74855),
    ("S104", "Woodlands Avenue 9", 1.44387, 103.78538),
    ("S106", "Pulau Ubin", 1.4168, 103.9673),
    ("S107", "East Coast Parkway", 1.3135, 103.9625),
    ("S108", "Marina Gardens Drive", 1.2799, 103.8703),
    ("S109", "Ang Mo Kio Avenue 5", 1.3764, 103.8492),
    ("S111", "Scotts Road", 1.31055, 103.8365),
    ("S115", "Tuas South Avenue 3", 1.29377, 103.61843),
    ("S116", "West Coast Highway", 1.281, 103.754),
    ("S121", "Old Choa Chu Kang Road", 1.37288, 103.72244),
]


def station_metadata():
    """The ``metadata`` block of a response."""
    return {
        "stations": [
            {
                "id": sid,
                "device_id": sid,
                "name": name,
                "location": {"latitude": lat, "longitude": lon},
            }
            for sid, name, lat, lon in STATIONS
        ],
        "reading_type": "DBT 1M F",
        "reading_unit": "deg C",
    }


def readings_at(moment: dt.datetime, rng: random.Random):
    """One timestamped item: a temperature per station, warmest
    mid-afternoon."""
    hour = moment.hour + moment.minute / 60
    daily = 27.5 - 3.5 * math.cos((hour - 3) / 24 * 2 * math.pi)
    return {
        "timestamp": moment.isoformat(),
        "readings": [
            {"station_id": sid, "value": round(daily + rng.gauss(0, 0.6), 1)}
            for sid, *_ in STATIONS
        ],
    }


@lru_cache(maxsize=512)
def day_document(date: dt.date, every_minutes: int) -> bytes:
    """A whole day of readings, encoded once and then served from memory."""
    rng = random.Random(date.toordinal())
    start = dt.datetime.combine(date, dt.time(), TIMEZONE)
    items = [
        readings_at(start + dt.timedelta(minutes=m), rng)
        for m in range(0, 24 * 60, every_minutes)
    ]
    body = {
        "metadata": station_metadata(),
        "items": items,
        "api_info": {"status": "healthy"},
    }
    return json.dumps(body).encode()


def latest_document() -> bytes:
    """The latest reading: one item, stamped with the current minute."""
    return minute_document(
        dt.datetime.now(TIMEZONE).replace(second=0, microsecond=0)
    )


@lru_cache(maxsize=4)
def minute_document(now: dt.datetime) -> bytes:
    """Encoded once per minute, as a real API would cache it."""
    rng = random.Random(int(now.timestamp()))
    body = {
        "metadata": station_metadata(),
        "items": [readings_at(now, rng)],
        "api_info": {"status": "healthy"},
    }
    return json.dumps(body).encode()


def make_app(
    latency=0.1, jitter=0.0, failure_rate=0.0, every_minutes=5, seed=0
):
    """The web application: one route, with simulated latency and failures."""
    rng = random.Random(seed)
    attempts = Counter()

    def fails(key: str) -> bool:
        """Whether this request fails: decided by what is asked and how often it
        was asked.

        Not by arrival order: clients racing each other see the same failures on
        every run, so a test with failures gives the same answer every time.
        """
        attempts[key] += 1
        return (
            random.Random(f"{seed}/{key}/{attempts[key]}").random()
            < failure_rate
        )

    # --8<-- [start:handler]
    async def air_temperature(request: web.Request) -> web.Response:
        await asyncio.sleep(max(0.0, latency + rng.uniform(-jitter, jitter)))
        if fails(request.query.get("date", "latest")):
            return web.json_response(
                {"message": "Service temporarily unavailable"}, status=503
            )
        date = request.query.get("date")
        if date is None:
            body = latest_document()
        else:
            try:
                day = dt.date.fromisoformat(date)
            except ValueError:
                return web.json_response(
                    {
                        "code": 4,
                        "message": (
                            f"Invalid date {date!r}: expected YYYY-MM-DD"
                        ),
                    },
                    status=400,
                )
            body = day_document(day, every_minutes)
        return web.Response(body=body, content_type="application/json")

    # --8<-- [end:handler]

    app = web.Application()
    app.router.add_get(PATH, air_temperature)
    return app


async def serve(port=0, **options):
    """Serve until cancelled; print the address first so a parent process can
    read it."""
    runner = web.AppRunner(make_app(**options), access_log=None)
    await runner.setup()
    # Bind the socket ourselves so port 0 (any free port) tells us which port it
    # got, and a large backlog so hundreds of clients connecting at once are not
    # refused.
    sock = socket.create_server(("127.0.0.1", port), backlog=2048)
    await web.SockSite(runner, sock).start()
    print(f"Serving on http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


@contextlib.contextmanager
def running_server(**options):
    """Start the server in its own process and yield its base URL.

    Its own process, so that the server's work never competes with the client
    for the client's GIL: what we time is the client alone.
    """
    args = [sys.executable, str(Path(__file__).resolve()), "--port", "0"]
    for name, value in options.items():
        args += [f"--{name.replace('_', '-')}", str(value)]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        if not line.startswith("Serving on "):
            raise RuntimeError(
                "the local weather server did not start (exit code "
                f"{process.wait()})"
            )
        yield line.removeprefix("Serving on ").strip()
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--port", type=int, default=8000, help="0 picks any free port"
    )
    parser.add_argument(
        "--latency", type=float, default=0.1, help="seconds per request"
    )
    parser.add_argument(
        "--jitter", type=float, default=0.0, help="± seconds around the latency"
    )
    parser.add_argument(
        "--failure-rate",
        type=float,
        default=0.0,
        help="share of requests answered 503",
    )
    parser.add_argument(
        "--every-minutes", type=int, default=5, help="minutes between readings"
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seed for jitter and failures"
    )
    return parser.parse_args(argv)


if __name__ == "__main__":
    options = vars(parse_args())
    # uvloop, where installed (not on Windows), spends less of our cores on
    # serving, so that what the client measures is its own cost.
    try:
        import uvloop
    except ImportError:
        run = asyncio.run
    else:
        run = uvloop.run
    with contextlib.suppress(KeyboardInterrupt):
        run(serve(**options))
