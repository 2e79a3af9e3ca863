"""Numbers derived from a record, computed once here: tables, plots, claims and compare use them.

Speedup against the group's baseline, the effective bound and median ÷ bound,
parallel efficiency, the Karp–Flatt serial fraction, whether a difference is
within the run's noise, and what a run costs. Each takes the record and one of
its measured variants.
"""

import json
import os
from functools import cache
from pathlib import Path

from harness import laws
from harness.records import Record, Variant

PRICES = Path(__file__).resolve().parent / "data" / "prices.json"


def speedup(record: Record, v: Variant) -> float:
    """How many times faster than the baseline; scaled by the work done, when it grows."""
    baseline = record.baseline_of(v)
    work = (v.work or 1) / (baseline.work or 1)
    return work * record.of(baseline).wall.median / record.of(v).wall.median


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


def rows_spread(record: Record) -> float:
    """How much the rows' own runs scatter: twice the median of their IQR ÷ median."""
    spreads = sorted(
        m.wall.iqr / m.wall.median
        for m in record.measured.values()
        if m.wall.runs >= 3 and m.wall.median > 0
    )
    return 2 * spreads[len(spreads) // 2] if spreads else 0.0


def noise_band(record: Record) -> float | None:
    """How far a speedup in this table can move by chance: the machine's noise during the
    run, or the rows' own scatter where that is larger. None where no noise was measured."""
    return None if not record.noise else max(record.noise.band, rows_spread(record))


def within_noise(ratio: float, record: Record) -> bool:
    """Whether a ratio of two medians (a speedup) is too close to 1 to tell apart here."""
    band = noise_band(record)
    return band is not None and abs(ratio - 1) <= band


@cache
def prices(path: str | None = None) -> dict:
    """The price list: the reader's (HARNESS_PRICES), or the one shipped with the harness."""
    chosen = Path(path or os.environ.get("HARNESS_PRICES") or PRICES)
    return json.loads(chosen.read_text())


def machine_for(vcpus: int) -> dict:
    """The smallest machine in the price list with at least this many vCPUs."""
    machines = sorted(prices()["machines"], key=lambda m: m["vcpus"])
    return next((m for m in machines if m["vcpus"] >= vcpus), machines[-1])


def cores_used(record: Record, v: Variant) -> int:
    """The cores a variant keeps busy: what it declares, else its workers, at most the
    machine's usable cores."""
    usable = record.environment.hardware.usable_cores
    return max(1, min(v.cores or v.workers or 1, usable))


def dollars_per_run(record: Record, v: Variant) -> float:
    """Wall time × the hourly price of a machine with the cores the variant used."""
    return record.of(v).wall.median * machine_for(cores_used(record, v))["hourly"] / 3600


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
