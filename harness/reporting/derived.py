"""Numbers derived from a record, computed once here: tables, plots, claims and compare use them.

Beyond the speedups themselves (``core.speedups``): whether a speedup is
significant, the effective bound and median ÷ bound, parallel efficiency, the
Karp–Flatt serial fraction, where efficiency first reaches a value, what a run
costs, and which rows peaked below the table's memory floor. Each takes the
record and one of its measured variants.
"""

import json
import os
from functools import cache
from pathlib import Path

from harness.core import laws
from harness.core.intervals import Ratio
from harness.core.records import Record, Variant
from harness.core.speedups import speedup_of

PRICES = Path(__file__).resolve().parents[1] / "data" / "prices.json"


def speedup(record: Record, v: Variant) -> float:
    """How many times faster than the baseline; scaled by the work done, when it grows."""
    return speedup_of(record, v).value


def not_significant(record: Record, v: Variant) -> bool:
    """Whether a row's interval includes 1: no faster or slower than its baseline here."""
    found = speedup_of(record, v)
    return v.name != v.baseline and found.low is not None and found.includes(1.0)


def one_core(record: Record, v: Variant) -> bool:
    """Whether a variant and its baseline were both timed pinned to one core."""
    pair = [record.of(v), record.of(record.baseline_of(v))]
    return all(m.placement is not None and m.placement.pinned for m in pair)


def effective_bound(record: Record, v: Variant) -> float | None:
    """The example's floor for this variant, but never below the CPU work it must do.

    The floor is the waiting a variant cannot avoid (say requests × latency ÷
    workers). The CPU work runs one thread at a time under the GIL, so no
    number of threads makes it shorter: it is the smaller of this variant's
    CPU time and the baseline's (a pool of threads may spend more CPU than
    the work needs; another library, such as aiohttp, may need less).
    """
    if v.bound is None:
        return None
    cpu = min(record.of(v).cpu.median, record.of(record.baseline_of(v)).cpu.median)
    return max(v.bound, cpu)


def best_speedup(record: Record, v: Variant) -> float | None:
    """The speedup a variant would have at its bound: the most it could reach."""
    bound = effective_bound(record, v)
    return None if bound is None else record.of(record.baseline_of(v)).wall.median / bound


def counts_workers(record: Record) -> bool:
    return any(v.workers is not None for v in record.variants)


def workers_for_efficiency(record: Record, v: Variant) -> int:
    """The variant's workers where the example counts them, else every usable core."""
    if counts_workers(record):
        return v.workers or 1
    return record.environment.hardware.usable_cores


def efficiency(record: Record, v: Variant) -> float | None:
    """Speedup ÷ workers: 1.0 when every worker did useful work all the time."""
    workers = workers_for_efficiency(record, v)
    return None if workers < 2 else speedup(record, v) / workers


def efficiency_of(record: Record, v: Variant) -> Ratio | None:
    """Speedup ÷ workers, with its interval."""
    workers = workers_for_efficiency(record, v)
    return None if workers < 2 else speedup_of(record, v).scaled(1 / workers)


def karp_flatt(record: Record, v: Variant) -> float | None:
    return laws.karp_flatt(speedup(record, v), v.workers or 1)


def crossovers(record: Record, threshold: float) -> dict[str, str | None]:
    """For each variant name that recurs across groups, the first group where its
    efficiency reaches ``threshold`` (None: in no group measured here).

    Groups are read in the table's order: an example that sweeps a size (task
    sizes, data sizes) declares them from small to large.
    """
    found: dict[str, str | None] = {}
    for v in record.timed():
        if v.group is None or v.name == v.baseline:
            continue
        inner = v.name.removeprefix(f"{v.group}: ")
        found.setdefault(inner, None)
        value = efficiency(record, v)
        if found[inner] is None and value is not None and value >= threshold:
            found[inner] = v.group
    return found


@cache
def prices(path: str | None = None) -> dict:
    """The price list: the reader's (HARNESS_PRICES), or the one shipped with the harness."""
    chosen = Path(path or os.environ.get("HARNESS_PRICES") or PRICES)
    return json.loads(chosen.read_text())


ARCHITECTURES = {"aarch64": "arm64", "arm64": "arm64", "x86_64": "x86_64", "amd64": "x86_64"}


def family_for(record: Record) -> dict:
    """The price list's family of the architecture that measured the record (a
    table from an x86 machine is priced on x86 machines)."""
    machine = record.environment.hardware.os.split()[-1].lower()
    families = prices()["families"]
    return families.get(ARCHITECTURES.get(machine, machine), families["x86_64"])


def machine_for(record: Record, vcpus: int) -> dict:
    """The smallest machine of that family with at least this many vCPUs."""
    machines = sorted(family_for(record)["machines"], key=lambda m: m["vcpus"])
    return next((m for m in machines if m["vcpus"] >= vcpus), machines[-1])


def cores_used(record: Record, v: Variant) -> int:
    """The cores a variant keeps busy: what it declares, else its workers, at most the
    machine's usable cores."""
    usable = record.environment.hardware.usable_cores
    return max(1, min(v.cores or v.workers or 1, usable))


def dollars_per_run(record: Record, v: Variant) -> float:
    """Wall time × the hourly price of a machine with the cores the variant used."""
    return record.of(v).wall.median * machine_for(record, cores_used(record, v))["hourly"] / 3600


DAYS_PER_MONTH = 30


def run_cost(
    sequential_seconds: float,
    workers: int,
    efficiency: float,
    vcpu_hourly: float,
    runs_per_day: float = 1,
) -> dict:
    """What a job costs on rented vCPUs billed by the second, from its time on one core.

    With ``workers`` vCPUs at ``efficiency`` (speedup ÷ workers), a run takes
    sequential ÷ (workers × efficiency) seconds, and every vCPU is paid for all
    of it, busy or idle: sequential ÷ efficiency vCPU-seconds. The cost page's
    calculator (docs/javascripts/cost.js) computes the same; a test holds them equal.
    """
    wall = sequential_seconds / (workers * efficiency)
    vcpu_seconds = workers * wall
    per_run = vcpu_seconds * vcpu_hourly / 3600
    return {
        "wall": wall,
        "vcpu_seconds": vcpu_seconds,
        "per_run": per_run,
        "per_month": per_run * runs_per_day * DAYS_PER_MONTH,
    }


def counts_cpu(v: Variant) -> bool:
    """False where the work ran in processes that outlive each call (a pool or a cluster
    started beforehand): their CPU time is counted only when they are reaped."""
    return v.cpu_time


def cpu_seconds(record: Record, v: Variant) -> float:
    """The CPU time a call took: what per-CPU-second billing would charge for."""
    return record.of(v).cpu.median


# Two interpreters holding the same thing differ by a few MiB (what each loaded,
# how the shared libraries' pages are split between them): no more than this.
FLOOR_SLACK = 0.03


def below_the_floor(record: Record) -> list[str]:
    """Rows whose peak memory is below the row that does only what every row does
    (``memory_floor``): the table would contradict itself, so it is not drawn."""
    name = record.description.table.memory_floor
    floor = record.measured.get(name) if name else None
    if floor is None:
        return []
    least = floor.peak_rss * (1 - FLOOR_SLACK)
    return [
        f"{v.name!r} peaked at {record.of(v).peak_rss / 2**20:.0f} MiB, below {name!r} "
        f"({floor.peak_rss / 2**20:.0f} MiB), which it includes"
        for v in record.timed()
        if v.name != name and record.of(v).peak_rss < least
    ]
