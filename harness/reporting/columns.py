"""The columns of a table: a header, when it applies, and a cell for a measured row.

A page shows the main columns; every column is in the full table under it,
which a reader opens on demand. The numbers in the cells come from ``derived``.
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from harness.core import laws, speedups
from harness.core.formats import (
    NBSP,
    NOT_SIGNIFICANT,
    dollars,
    duration,
    interval,
    memory,
    percent,
    speedup_text,
)
from harness.core.records import Record, Variant
from harness.reporting import derived


def median_cell(record: Record, v: Variant) -> str:
    """The median and half its interquartile range, as a share of it: "2.65 s ± 3 %"."""
    wall = record.of(v).wall
    spread = wall.iqr / 2 / wall.median if wall.median else 0.0
    return f"{duration(wall.median)}{NBSP}±{NBSP}{percent(spread)}"


@dataclass(frozen=True)
class Column:
    """One column of a table: its header, when it applies, and its cell for a measured row.

    ``main`` columns make the table a page shows; every column appears in the
    full table under it, which a reader opens on demand.
    """

    header: Callable[[Record], str]
    applies: Callable[[Record], bool]
    cell: Callable[[Record, Variant], str]
    main: bool = True


def always(record: Record) -> bool:
    return True


def has_bound(record: Record) -> bool:
    return any(v.bound is not None for v in record.variants)


def wants_cost(record: Record) -> bool:
    return record.table.cost


def efficiency_header(record: Record) -> str:
    if derived.counts_workers(record):
        return "Speedup ÷ workers"
    return f"Speedup ÷ {record.environment.hardware.usable_cores} cores"


def efficiency_cell(record: Record, v: Variant) -> str:
    found = derived.efficiency_of(record, v)
    return "–" if found is None else f"{found.value:.2f}"


def speedup_cell(record: Record, v: Variant) -> str:
    if v.name == v.baseline:
        return "1.00×"
    found = speedups.speedup_of(record, v)
    shown = speedup_text(found.value) + interval(found)
    if derived.not_significant(record, v):
        shown += f" *({NOT_SIGNIFICANT})*"
    return shown


def cpu_cell(record: Record, v: Variant) -> str:
    return duration(record.of(v).cpu.median) if derived.counts_cpu(v) else "–"


def bound_cell(record: Record, v: Variant) -> str:
    bound = derived.effective_bound(record, v)
    return "–" if bound is None else duration(bound)


def over_bound_cell(record: Record, v: Variant) -> str:
    bound = derived.effective_bound(record, v)
    return "–" if bound is None else f"{record.of(v).wall.median / bound:.2f}"


def cost_cell(record: Record, v: Variant) -> str:
    machine = derived.machine_for(record, derived.cores_used(record, v))
    return f"{dollars(1000 * derived.dollars_per_run(record, v))} ({machine['name']})"


def cpu_seconds_cell(record: Record, v: Variant) -> str:
    if not derived.counts_cpu(v):
        return "–"
    total = 1000 * derived.cpu_seconds(record, v)
    return f"{total:,.0f}" if total >= 100 else f"{total:.3g}"


def law_of(record: Record):
    return laws.amdahl if record.table.law == "amdahl" else laws.gustafson


def is_law(name: str) -> Callable[[Record], bool]:
    return lambda record: record.table.law == name


def karp_flatt_cell(record: Record, v: Variant) -> str:
    implied = derived.karp_flatt(record, v)
    return "–" if implied is None else f"{implied:.3f}"


def difference_cell(record: Record, v: Variant) -> str:
    gap = record.of(v).largest_difference
    if v.name == v.baseline or gap is None:
        return "–"
    return "same" if not gap else f"within {gap:.1g}"


def law_cell(record: Record, v: Variant) -> str:
    return f"{law_of(record)(record.table.serial_fraction, v.workers or 1):.2f}×"


def work_cell(record: Record, v: Variant) -> str:
    return f"{(v.work or 1) / (record.baseline_of(v).work or 1):.2g}×"


def placement_cell(placement) -> str:
    """ "one core, seen" or "every core, declared": how the harness decided (the record
    keeps why: CPU time against wall time in the warm-up, or threads started)."""
    if placement is None:
        return "–"
    return ("one core, " if placement.pinned else "every core, ") + placement.decided


NAME = Column(lambda r: "Variant", always, lambda r, v: v.name)


MEDIAN = Column(lambda r: "Median ± spread", always, median_cell)


RUNS = Column(lambda r: "Samples", always, lambda r, v: str(r.of(v).wall.runs), main=False)


CALLS = Column(
    lambda r: "Calls per sample",
    lambda r: any(m.loops > 1 for m in r.measured.values()),
    lambda r, v: f"{r.of(v).loops:,}",
    main=False,
)


TIMED_ON = Column(
    lambda r: "Timed on",
    lambda r: any(m.placement for m in r.measured.values()),
    lambda r, v: placement_cell(r.of(v).placement),
    main=False,
)


FASTEST = Column(
    lambda r: "Fastest sample", always, lambda r, v: duration(r.of(v).wall.min), main=False
)


SPEEDUP = Column(lambda r: "Speedup", always, speedup_cell)


CPU = Column(lambda r: "CPU time", always, cpu_cell)


# Where a table prices runs, its CPU-seconds per 1,000 runs are the CPU time
# in other units: the page shows one of them, the full table both.
CPU_UNLESS_PRICED = Column(lambda r: "CPU time", lambda r: not r.table.cost, cpu_cell)


CPU_IF_PRICED = Column(lambda r: "CPU time", wants_cost, cpu_cell, main=False)


MEMORY = Column(lambda r: "Peak memory", always, lambda r, v: memory(r.of(v).peak_rss), main=False)


CPU_SECONDS = Column(lambda r: "CPU-seconds per 1,000 runs", wants_cost, cpu_seconds_cell)


COST = Column(lambda r: "Cost per 1,000 runs", wants_cost, cost_cell)


DIFFERENCE = Column(
    lambda r: "Result vs baseline",
    lambda r: any(m.largest_difference for m in r.measured.values()),
    difference_cell,
    main=False,
)


COLUMNS = [
    NAME,
    MEDIAN,
    SPEEDUP,
    CPU_UNLESS_PRICED,
    CPU_IF_PRICED,
    Column(efficiency_header, lambda r: r.table.efficiency, efficiency_cell),
    Column(lambda r: "Bound", has_bound, bound_cell, main=False),
    Column(lambda r: "Median ÷ bound", has_bound, over_bound_cell),
    CPU_SECONDS,
    COST,
    RUNS,
    CALLS,
    FASTEST,
    MEMORY,
    TIMED_ON,
    DIFFERENCE,
]


# Strong scaling (Amdahl: a fixed problem) and weak scaling (Gustafson: the
# problem grows with the workers), measured against the law's prediction. The
# law's columns and the cost take the page's width; CPU time and CPU-seconds
# are in the full table.
SCALING_COLUMNS = [
    NAME,
    Column(lambda r: "Workers", always, lambda r, v: str(v.workers or 1)),
    MEDIAN,
    Column(lambda r: "Work", is_law("gustafson"), work_cell),
    Column(
        lambda r: "Scaled speedup" if r.table.law == "gustafson" else "Speedup",
        always,
        speedup_cell,
    ),
    Column(
        lambda r: f"{r.table.law.capitalize()}, s = {r.table.serial_fraction:.2f}",
        always,
        law_cell,
    ),
    Column(lambda r: "Karp–Flatt serial fraction", is_law("amdahl"), karp_flatt_cell),
    *(dataclasses.replace(c, main=False) for c in (CPU, CPU_SECONDS)),
    COST,
    RUNS,
    MEMORY,
    TIMED_ON,
    DIFFERENCE,
]


def columns_of(record: Record) -> list[Column]:
    columns = SCALING_COLUMNS if record.table.law else COLUMNS
    if record.table.memory:  # the page is about memory: it belongs beside the time
        columns = [dataclasses.replace(c, main=True) if c is MEMORY else c for c in columns]
    return columns
