"""Render one example's record as a Markdown table with a footer saying where it ran.

A table is a list of column definitions (header, when it applies, cell); the
numbers in the cells come from ``derived``. A page shows the main columns;
every column is in the full table under it, which a reader opens on demand.
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from harness import derived, laws
from harness.records import Record, Variant

NOT_SIGNIFICANT = "not significant here"
NBSP = "\u00a0"  # keeps a number and its unit on one line in a narrow column


def duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.3g}{NBSP}ms"
    return f"{seconds:.2f}{NBSP}s"


def memory(nbytes: int) -> str:
    if not nbytes:
        return "–"
    if nbytes >= 2**30:
        return f"{nbytes / 2**30:.2f}{NBSP}GiB"
    if nbytes < 2**20:  # a small test file
        return f"{nbytes / 2**10:.0f}{NBSP}KiB"
    return f"{nbytes / 2**20:.0f}{NBSP}MiB"


def percent(share: float) -> str:
    return f"{share * 100:.0f}{NBSP}%" if share >= 0.01 else f"{share * 100:.1f}{NBSP}%"


def median_cell(record: Record, v: Variant) -> str:
    """The median and half its interquartile range, as a share of it: "2.65 s ± 3 %"."""
    wall = record.of(v).wall
    spread = wall.iqr / 2 / wall.median if wall.median else 0.0
    return f"{duration(wall.median)}{NBSP}±{NBSP}{percent(spread)}"


def where(record: Record) -> str:
    """The machine, the Python build, the commit and the date of a record."""
    env = record.environment
    hw, py, load = env.hardware, env.python, env.load
    build = "free-threaded" if py.free_threaded else "with the GIL"
    quota = f", a CPU quota of {load.cpu_quota:g} cores" if load.cpu_quota else ""
    gpu = f"; GPU {load.gpu}" if load.gpu else ""
    return (
        f"{hw.cpu}, {hw.usable_cores} usable of {hw.logical_cores} logical cores"
        f"{quota}, {hw.memory_bytes / 2**30:.0f} GiB, {hw.os}{gpu}; "
        f"Python {py.version} ({build}); commit {env.commit}, {env.date[:10]}."
    )


def noise_line(record: Record) -> str:
    band = derived.noise_band(record)
    if band is None:
        return ""
    return (
        f" Noise on this machine during this run: ±{percent(band)} (a reference workload "
        f"timed {record.noise.checks} times in the run, and the rows' own spread); "
        f"speedups within it are marked *{NOT_SIGNIFICANT}*."
    )


FLAG_MEANINGS = {
    "unstable": "its runs spread over more than a tenth of their median",
    "too small to measure": "under 20 ms, where timer and scheduling noise weigh",
}


def flags_line(record: Record) -> str:
    """What the ⚠ marks in this table mean, with a link to the reading guide."""
    shown = sorted({f for m in record.measured.values() for f in m.flags})
    if not shown:
        return ""
    meanings = "; ".join(f"*{flag}*: {FLAG_MEANINGS.get(flag, flag)}" for flag in shown)
    return f"⚠ {meanings} ([how to read a table](/index.md#how-to-read-a-table)). "


def footer(record: Record) -> str:
    runs = sorted({m.wall.runs for m in record.measured.values()}) or [0]
    counted = f"{runs[0]}" if len(runs) == 1 else f"{runs[0]} to {runs[-1]}"
    size = ", ".join(f"{k}={v}" for k, v in record.description.size.items())
    return (
        f"<small>{flags_line(record)}{record.profile.capitalize()} profile, {size}; median of "
        f"{counted} runs per variant.{noise_line(record)} {where(record)}</small>"
    )


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
    value = derived.efficiency(record, v)
    return "–" if value is None else f"{value:.2f}"


def speedup_cell(record: Record, v: Variant) -> str:
    ratio = derived.speedup(record, v)
    shown = f"{ratio:.2f}×" if ratio >= 0.1 else f"{ratio:.2g}×"  # 0.0013×, not 0.00×
    if v.name != v.baseline and derived.within_noise(ratio, record):
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


def dollars(amount: float) -> str:
    return f"${amount:.3f}" if amount >= 0.01 else f"${amount:.4f}"


def cost_cell(record: Record, v: Variant) -> str:
    machine = derived.machine_for(derived.cores_used(record, v))
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


NAME = Column(lambda r: "Variant", always, lambda r, v: shown_name(r, v))
MEDIAN = Column(lambda r: "Median ± spread", always, median_cell)
RUNS = Column(lambda r: "Runs", always, lambda r, v: str(r.of(v).wall.runs), main=False)
FASTEST = Column(
    lambda r: "Fastest run", always, lambda r, v: duration(r.of(v).wall.min), main=False
)
SPEEDUP = Column(lambda r: "Speedup", always, speedup_cell)
CPU = Column(lambda r: "CPU time", always, cpu_cell)
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
    CPU,
    Column(efficiency_header, lambda r: r.table.efficiency, efficiency_cell),
    Column(lambda r: "Bound", has_bound, bound_cell, main=False),
    Column(lambda r: "Median ÷ bound", has_bound, over_bound_cell),
    CPU_SECONDS,
    COST,
    RUNS,
    FASTEST,
    MEMORY,
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
    Column(lambda r: "Work", is_law("gustafson"), work_cell, main=False),
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
    DIFFERENCE,
]


def row(record: Record, v: Variant, used: list[Column]) -> str:
    if record.of(v) is None:
        reason = "not measured here: " + "; ".join(v.missing)
        cells = [shown_name(record, v), reason] + ["–"] * (len(used) - 2)
    else:
        cells = [c.cell(record, v) for c in used]
    return "| " + " | ".join(cells) + " |"


def markdown_table(record: Record, columns: list[Column], indent: str = "") -> str:
    used = [c for c in columns if c.applies(record)]
    lines = [
        "| " + " | ".join(c.header(record) for c in used) + " |",
        "|" + "---|" + "---:|" * (len(used) - 1),
        *(row(record, v, used) for v in record.variants),
    ]
    return "\n".join(indent + line for line in lines)


def cost_note(record: Record) -> str:
    if not wants_cost(record):
        return ""
    prices = derived.prices()
    return (
        f"\n\n<small>Cost: the median wall time on a rented machine with as many vCPUs as the "
        f"variant's workers, at {prices['currency']} on-demand prices of {prices['date']} "
        f"({prices['source']}). CPU-seconds are what per-CPU-second billing charges.</small>"
    )


def crossover_line(record: Record) -> str:
    """One sentence from the table: where each variant first reaches the efficiency asked for."""
    threshold = record.table.crossover
    if not threshold:
        return ""
    found = derived.crossovers(record, threshold)
    parts = [
        f"{name}: {group}" if group else f"{name}: not in any group measured here"
        for name, group in found.items()
    ]
    return f"\n\n**Where {efficiency_header(record).lower()} first reaches {threshold:g}:** " + (
        "; ".join(parts) + "."
    )


def input_line(record: Record) -> str:
    """The sizes of the files the variants read, for peak memory to be read against."""
    sizes = record.description.input_bytes
    if not sizes:
        return ""
    return (
        "\n\n**Files read:** "
        + "; ".join(f"{name}, {memory(n)}" for name, n in sizes.items())
        + "."
    )


def columns_of(record: Record) -> list[Column]:
    columns = SCALING_COLUMNS if record.table.law else COLUMNS
    if record.table.memory:  # the page is about memory: it belongs beside the time
        columns = [dataclasses.replace(c, main=True) if c is MEMORY else c for c in columns]
    return columns


def render_table(record: Record) -> str:
    """The table a page includes: the main columns, then every column on demand, then where.

    Speedups are against the first variant of each group (or of the table).
    The table's options add speedup ÷ workers, the price of a run, peak
    memory, or the scaling law's prediction and the Karp–Flatt fraction; a
    bound adds how close each variant came to it. A variant whose
    requirements this machine lacks gets a row that says so.
    """
    columns = columns_of(record)
    return (
        markdown_table(record, [c for c in columns if c.main])
        + input_line(record)
        + crossover_line(record)
        + '\n\n??? note "All columns: runs, peak memory and more"\n\n'
        + markdown_table(record, columns, indent="    ")
        + cost_note(record)
        + "\n\n"
        + footer(record)
        + "\n"
    )


def shown_name(record: Record, v: Variant) -> str:
    measured = record.of(v)
    flags = measured.flags if measured else ()
    return v.name + "".join(f" ⚠ *{flag}*" for flag in flags)


def render_transcript(record: Record, title: str) -> str:
    """What the example printed when the harness ran it, as a page includes it."""
    transcript = record.transcripts[title]
    return (
        f'```text title="{transcript.command}"\n{transcript.output.rstrip()}\n```\n\n'
        + f"<small>Printed on {where(record)}</small>\n"
    )
