"""Numbers derived from a record, computed once here: tables, plots, claims and compare use them.

Speedup against the group's baseline, the effective bound and median ÷ bound,
parallel efficiency, the Karp–Flatt serial fraction, whether a difference is
within the run's noise, and what a run costs.
"""

import json
import os
from functools import cache
from pathlib import Path

from harness import laws

PRICES = Path(__file__).resolve().parent / "data" / "prices.json"


def measured(v: dict) -> bool:
    return not v.get("missing")


def baseline_of(v: dict, record: dict) -> dict:
    """The row a variant is compared with: the first of its group that was measured."""
    by_name = {row["name"]: row for row in record["variants"]}
    return by_name.get(v.get("baseline"), v)


def crossovers(record: dict, threshold: float) -> dict[str, str | None]:
    """For each variant name that recurs across groups, the first group where its
    efficiency reaches ``threshold`` (None: in no group measured here).

    Groups are read in the table's order: an example that sweeps a size (task
    sizes, data sizes) declares them from small to large.
    """
    found: dict[str, str | None] = {}
    for v in record["variants"]:
        if v["group"] is None or v["name"] == v["baseline"] or not measured(v):
            continue
        inner = v["name"].removeprefix(f"{v['group']}: ")
        found.setdefault(inner, None)
        value = efficiency(v, baseline_of(v, record), record)
        if found[inner] is None and value is not None and value >= threshold:
            found[inner] = v["group"]
    return found


def speedup(v: dict, baseline: dict) -> float:
    """How many times faster than the baseline; scaled by the work done, when it grows."""
    work = (v.get("work") or 1) / (baseline.get("work") or 1)
    return work * baseline["wall"]["median"] / v["wall"]["median"]


def effective_bound(v: dict, baseline: dict) -> float | None:
    """The example's floor for this variant, but never below the CPU work it must do.

    The floor is the waiting a variant cannot avoid (say requests × latency ÷
    workers). The CPU work runs one thread at a time under the GIL, so no
    number of threads makes it shorter: it is the smaller of this variant's
    CPU time and the baseline's (a pool of threads may spend more CPU than
    the work needs; another library, such as aiohttp, may need less).
    """
    if v.get("bound") is None:
        return None
    return max(v["bound"], min(v["cpu"]["median"], baseline["cpu"]["median"]))


def best_speedup(v: dict, baseline: dict) -> float | None:
    """The speedup a variant would have at its bound: the most it could reach."""
    bound = effective_bound(v, baseline)
    return None if bound is None else baseline["wall"]["median"] / bound


def counts_workers(record: dict) -> bool:
    return any(v.get("workers") is not None for v in record["variants"])


def workers_for_efficiency(v: dict, record: dict) -> int:
    """The variant's workers where the example counts them, else every usable core."""
    if counts_workers(record):
        return v.get("workers") or 1
    return record["environment"]["hardware"]["usable_cores"]


def efficiency(v: dict, baseline: dict, record: dict) -> float | None:
    """Speedup ÷ workers: 1.0 when every worker did useful work all the time."""
    workers = workers_for_efficiency(v, record)
    return None if workers < 2 else speedup(v, baseline) / workers


def karp_flatt(v: dict, baseline: dict) -> float | None:
    return laws.karp_flatt(speedup(v, baseline), v.get("workers") or 1)


def rows_spread(record: dict) -> float:
    """How much the rows' own runs scatter: twice the median of their IQR ÷ median."""
    spreads = sorted(
        v["wall"]["iqr"] / v["wall"]["median"]
        for v in record["variants"]
        if measured(v) and v["wall"]["runs"] >= 3 and v["wall"]["median"] > 0
    )
    return 2 * spreads[len(spreads) // 2] if spreads else 0.0


def noise_band(record: dict) -> float | None:
    """How far a speedup in this table can move by chance: the machine's noise during the
    run, or the rows' own scatter where that is larger. None where no noise was measured."""
    noise = record.get("noise")
    return None if not noise else max(noise["band"], rows_spread(record))


def within_noise(ratio: float, record: dict) -> bool:
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


def cores_used(v: dict, record: dict) -> int:
    """The cores a variant keeps busy: its workers, at most the machine's usable cores."""
    usable = record["environment"]["hardware"]["usable_cores"]
    return max(1, min(v.get("workers") or 1, usable))


def dollars_per_run(v: dict, record: dict) -> float:
    """Wall time × the hourly price of a machine with the cores the variant used."""
    return v["wall"]["median"] * machine_for(cores_used(v, record))["hourly"] / 3600


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


def cpu_seconds(v: dict) -> float:
    """What per-CPU-second (serverless) billing charges for: CPU time, not wall time."""
    return v["cpu"]["median"]
