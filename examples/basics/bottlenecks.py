# /// script
# requires-python = ">=3.11"
# dependencies = ["numpy>=2.1", "pyinstrument>=5.1", "line-profiler>=4.1"]
# [tool.faster-python]
# takes-part-in = ["interpreters", "compare-commits"]
# ///
"""Find where a small data pipeline spends its time before making anything
faster.

The pipeline reads temperature readings from CSV text, drops bad rows,
converts units and averages per station and day: the load, clean, transform
and aggregate steps of most data work. The script times it the right way
(wall and CPU time), profiles it with cProfile, pyinstrument and
line_profiler, tells an I/O-bound run from a CPU-bound one, and compares four
ways of writing the same transform: a for loop, a list comprehension, ``map``
and NumPy.
"""

import cProfile
import csv
import datetime as dt
import io
import platform
import pstats
import random
import statistics
import subprocess
import sys
import threading
import time
import timeit
import urllib.request
from collections import defaultdict
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np


def make_csv(rows: int, seed: int = 42) -> str:
    """Readings from 15 stations every 5 minutes; about 1 in 50 is missing or
    broken."""
    rng = random.Random(seed)
    start = dt.datetime(2019, 1, 1)
    out = io.StringIO()
    out.write("station,timestamp,temperature\n")
    for n in range(rows):
        when = start + dt.timedelta(minutes=5 * (n // 15))
        value = f"{rng.gauss(28.0, 2.5):.1f}"
        if rng.random() < 0.02:
            value = rng.choice(["", "NA", "-999"])
        out.write(f"S{n % 15:02d},{when.isoformat()},{value}\n")
    return out.getvalue()


# --8<-- [start:pipeline]
def load(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def clean(rows: list[dict]) -> list[dict]:
    """Drop missing and impossible readings; parse the fields we need."""
    kept = []
    for row in rows:
        if row["temperature"] in ("", "NA"):
            continue
        celsius = float(row["temperature"])
        if -60 <= celsius <= 60:
            when = dt.datetime.fromisoformat(row["timestamp"])
            kept.append(
                {
                    "station": row["station"],
                    "day": when.date(),
                    "celsius": celsius,
                }
            )
    return kept


def transform(rows: list[dict]) -> list[dict]:
    for row in rows:
        row["fahrenheit"] = row["celsius"] * 9 / 5 + 32
    return rows


def aggregate(rows: list[dict]) -> dict:
    """Mean temperature (°F) per station and day."""
    groups = defaultdict(list)
    for row in rows:
        groups[row["station"], row["day"]].append(row["fahrenheit"])
    return {key: statistics.fmean(values) for key, values in groups.items()}


def pipeline(text: str) -> dict:
    return aggregate(transform(clean(load(text))))


# --8<-- [end:pipeline]


# --8<-- [start:timing]
def wall_and_cpu(function, *args):
    """Run once; return the result, the wall-clock time and the CPU time it
    took."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def show_timing(text: str) -> None:
    _, wall, cpu = wall_and_cpu(pipeline, text)
    print(f"pipeline, one run:  wall {wall:.3f} s, CPU {cpu:.3f} s")
    # timeit runs the statement `number` times per sample, with garbage
    # collection off; the spread between samples is the noise of this machine.
    samples = timeit.repeat(lambda: pipeline(text), number=1, repeat=5)
    print(
        f"pipeline, timeit:   best {min(samples):.3f} s, "
        f"median {statistics.median(samples):.3f} s of {len(samples)}"
    )


# --8<-- [end:timing]


# --8<-- [start:cprofile]
def show_cprofile(text: str) -> None:
    with cProfile.Profile() as profiler:
        pipeline(text)
    stats = pstats.Stats(profiler).strip_dirs().sort_stats("cumulative")
    stats.print_stats(12)  # the 12 entries with the most time, callees included


# --8<-- [end:cprofile]


# --8<-- [start:sampling]
def show_sampling(text: str) -> None:
    """The pipeline under Python 3.15's sampling profiler (PEP 799), which
    starts this script again and samples it from outside."""
    if sys.version_info < (3, 15):
        python = platform.python_version()
        print(f"profiling.sampling is new in Python 3.15: not run on {python}")
        return
    # This script's own command line, asking for the pipeline alone.
    script = [a if a != "sampling" else "pipeline" for a in sys.argv]
    sampler = [sys.executable, "-m", "profiling.sampling", "run"]
    subprocess.run([*sampler, *script], check=True)


# --8<-- [end:sampling]


# --8<-- [start:pyinstrument]
def show_pyinstrument(text: str) -> None:
    from pyinstrument import Profiler

    with Profiler(interval=0.001) as profiler:
        pipeline(text)
    print(profiler.output_text(unicode=True, color=False, short_mode=False))


# --8<-- [end:pyinstrument]


# --8<-- [start:line_profile]
def show_line_profile(text: str) -> None:
    """Time per line of the steps named (what `kernprof -l -v` prints for
    functions decorated with @profile), after one call of the pipeline."""
    from line_profiler import LineProfiler

    profiler = LineProfiler(clean, aggregate)
    profiler.runcall(pipeline, text)
    profiler.print_stats(output_unit=1e-3, stripzeros=True)


# --8<-- [end:line_profile]


# --8<-- [start:which_bound]
class SlowHandler(BaseHTTPRequestHandler):
    """A local server that takes 50 ms to answer, like a remote API."""

    def do_GET(self):
        time.sleep(0.05)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"28.5")

    def log_message(self, *args):
        pass


def download(url: str, count: int) -> list[bytes]:
    bodies = []
    for _ in range(count):
        with urllib.request.urlopen(url) as response:
            bodies.append(response.read())
    return bodies


def show_which_bound(text: str) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/"
    try:
        for name, function, args in [
            ("pipeline", pipeline, (text,)),
            ("20 downloads", download, (url, 20)),
        ]:
            _, wall, cpu = wall_and_cpu(function, *args)
            share = cpu / wall
            kind = "CPU-bound" if share > 0.8 else "waiting (I/O-bound)"
            print(
                f"{name:13} wall {wall:6.3f} s  CPU {cpu:6.3f} s  CPU/wall "
                f"{share:4.0%}  {kind}"
            )
    finally:
        server.shutdown()
        server.server_close()


# --8<-- [end:which_bound]


# --8<-- [start:loops]
def for_loop(celsius: list[float]) -> list[float]:
    fahrenheit = []
    for c in celsius:
        fahrenheit.append(c * 9 / 5 + 32)
    return fahrenheit


def list_comprehension(celsius: list[float]) -> list[float]:
    return [c * 9 / 5 + 32 for c in celsius]


def builtin_map(celsius: list[float]) -> list[float]:
    # map() is lazy: list() makes it do the work inside the timed region.
    return list(map(lambda c: c * 9 / 5 + 32, celsius))


def numpy_from_list(celsius: list[float]) -> np.ndarray:
    return np.asarray(celsius) * 9 / 5 + 32  # includes converting the list


def numpy_on_array(celsius: np.ndarray) -> np.ndarray:
    return celsius * 9 / 5 + 32


# --8<-- [end:loops]


@dataclass(frozen=True)
class Readings:
    as_list: list[float]
    as_array: np.ndarray
    csv: str  # for the pipeline, which does far more per row: a tenth as many


def workload(rows: int = 1_000_000) -> Readings:
    """Temperatures to convert, and the pipeline's CSV text.

    rows: how many readings to convert (the pipeline reads a tenth as many)
    """
    rng = random.Random(7)
    values = [round(rng.gauss(28.0, 2.5), 1) for _ in range(rows)]
    return Readings(values, np.array(values), make_csv(max(rows // 10, 1000)))


# The same conversion written five ways, each a function of the readings.
CONVERSIONS = {
    "for loop with append": lambda r: for_loop(r.as_list),
    "list comprehension": lambda r: list_comprehension(r.as_list),
    "map with a lambda": lambda r: builtin_map(r.as_list),
    "NumPy, converting the list first": lambda r: numpy_from_list(r.as_list),
    "NumPy, on an array": lambda r: numpy_on_array(r.as_array),
}
SIZES = {  # presets for --size: readings to convert
    "smoke": {"rows": 5_000},
    "quick": {"rows": 300_000},
    "full": {"rows": 1_000_000},
}
# --show NAME: instead of the loops, the pipeline timed, profiled, or told
# I/O-bound or not.
SHOW = {
    "timing": lambda r: show_timing(r.csv),
    "cprofile": lambda r: show_cprofile(r.csv),
    "pyinstrument": lambda r: show_pyinstrument(r.csv),
    "line-profile": lambda r: show_line_profile(r.csv),
    "which-bound": lambda r: show_which_bound(r.csv),
    "sampling": lambda r: show_sampling(r.csv),
    "pipeline": lambda r: pipeline(r.csv),
}


BENCHMARK = {
    "workload": workload,
    "sizes": SIZES,
    "variants": CONVERSIONS,
    # The harness runs the script with these arguments (and --size) and the page
    # shows the output.
    "transcripts": {
        "timing": ["--show", "timing"],
        "cprofile": ["--show", "cprofile"],
        "pyinstrument": ["--show", "pyinstrument"],
        "line-profile": ["--show", "line-profile"],
        "which-bound": ["--show", "which-bound"],
        "sampling": ["--show", "sampling"],
    },
}


if __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parents[1]))  # side_by_side
    import side_by_side

    side_by_side.main(BENCHMARK, shows=SHOW)
