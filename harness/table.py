"""Render one example's record as a Markdown table with a footer saying where it ran.

A table is a list of column definitions (header, when it applies, cell); the
numbers in the cells come from ``derived``. A page shows the main columns;
every column is in the full table under it, which a reader opens on demand.
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from harness import derived, laws
from harness.derived import baseline_of, measured, speedup

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


def median_cell(v: dict) -> str:
    """The median and half its interquartile range, as a share of it: "2.65 s ± 3 %"."""
    wall = v["wall"]
    spread = wall["iqr"] / 2 / wall["median"] if wall["median"] else 0.0
    return f"{duration(wall['median'])}{NBSP}±{NBSP}{percent(spread)}"


def percent(share: float) -> str:
    return f"{share * 100:.0f}{NBSP}%" if share >= 0.01 else f"{share * 100:.1f}{NBSP}%"


def where(record: dict) -> str:
    """The machine, the Python build, the commit and the date of a record."""
    env = record["environment"]
    hw, py = env["hardware"], env["python"]
    build = "free-threaded" if py["free_threaded"] else "with the GIL"
    load = env.get("load", {})
    quota = f", a CPU quota of {load['cpu_quota']:g} cores" if load.get("cpu_quota") else ""
    gpu = f"; GPU {load['gpu']}" if load.get("gpu") else ""
    return (
        f"{hw['cpu']}, {hw['usable_cores']} usable of {hw['logical_cores']} logical cores"
        f"{quota}, {hw['memory_bytes'] / 2**30:.0f} GiB, {hw['os']}{gpu}; "
        f"Python {py['version']} ({build}); commit {env['commit']}, {env['date'][:10]}."
    )


def noise_line(record: dict) -> str:
    band = derived.noise_band(record)
    if band is None:
        return ""
    return (
        f" Noise on this machine during this run: ±{percent(band)} (a reference workload "
        f"timed {record['noise']['checks']} times in the run, and the rows' own spread); "
        f"speedups within it are marked *{NOT_SIGNIFICANT}*."
    )


FLAG_MEANINGS = {
    "unstable": "its runs spread over more than a tenth of their median",
    "too small to measure": "under 20 ms, where timer and scheduling noise weigh",
}


def flags_line(record: dict) -> str:
    """What the ⚠ marks in this table mean, with a link to the reading guide."""
    shown = sorted({f for v in record["variants"] for f in v.get("flags", [])})
    if not shown:
        return ""
    meanings = "; ".join(f"*{flag}*: {FLAG_MEANINGS.get(flag, flag)}" for flag in shown)
    return f"⚠ {meanings} ([how to read a table](/index.md#how-to-read-a-table)). "


def footer(record: dict) -> str:
    timed = [v for v in record["variants"] if measured(v)]
    runs = sorted({v["wall"]["runs"] for v in timed}) or [0]
    counted = f"{runs[0]}" if len(runs) == 1 else f"{runs[0]} to {runs[-1]}"
    size = ", ".join(f"{k}={v}" for k, v in record["size"].items())
    return (
        f"<small>{flags_line(record)}{record['profile'].capitalize()} profile, {size}; median of "
        f"{counted} runs per variant.{noise_line(record)} {where(record)}</small>"
    )


@dataclass(frozen=True)
class Column:
    """One column of a table: its header, when it applies, and its cell for a measured row.

    ``main`` columns make the table a page shows; every column appears in the
    full table under it, which a reader opens on demand.
    """

    header: Callable[[dict], str]
    applies: Callable[[dict], bool]
    cell: Callable[[dict, dict, dict], str]  # (variant, its baseline, record)
    main: bool = True


def always(record: dict) -> bool:
    return True


def has_bound(record: dict) -> bool:
    return any(v.get("bound") is not None for v in record["variants"])


def wants_cost(record: dict) -> bool:
    return record.get("cost", False)


def efficiency_header(record: dict) -> str:
    if derived.counts_workers(record):
        return "Speedup ÷ workers"
    return f"Speedup ÷ {record['environment']['hardware']['usable_cores']} cores"


def efficiency_cell(v: dict, baseline: dict, record: dict) -> str:
    value = derived.efficiency(v, baseline, record)
    return "–" if value is None else f"{value:.2f}"


def speedup_cell(v: dict, baseline: dict, record: dict) -> str:
    ratio = speedup(v, baseline)
    shown = f"{ratio:.2f}×" if ratio >= 0.1 else f"{ratio:.2g}×"  # 0.0013×, not 0.00×
    if v["name"] != baseline["name"] and derived.within_noise(ratio, record):
        shown += f" *({NOT_SIGNIFICANT})*"
    return shown


def counts_cpu(v: dict, record: dict) -> bool:
    """False where the work ran in processes that outlive each call (a pool or a cluster
    started beforehand): their CPU time is counted only when they are reaped."""
    return record.get("cpu_time", True) and v.get("cpu_time", True)


def cpu_cell(v: dict, baseline: dict, record: dict) -> str:
    return duration(v["cpu"]["median"]) if counts_cpu(v, record) else "–"


def bound_cells(v: dict, baseline: dict) -> tuple[str, str]:
    bound = derived.effective_bound(v, baseline)
    if bound is None:
        return "–", "–"
    return duration(bound), f"{v['wall']['median'] / bound:.2f}"


def dollars(amount: float) -> str:
    return f"${amount:.3f}" if amount >= 0.01 else f"${amount:.4f}"


def cost_header(record: dict) -> str:
    return "Cost per 1,000 runs"


def cost_cell(v: dict, baseline: dict, record: dict) -> str:
    machine = derived.machine_for(derived.cores_used(v, record))
    return f"{dollars(1000 * derived.dollars_per_run(v, record))} ({machine['name']})"


def cpu_seconds_cell(v: dict, baseline: dict, record: dict) -> str:
    if not counts_cpu(v, record):
        return "–"
    total = 1000 * derived.cpu_seconds(v)
    return f"{total:,.0f}" if total >= 100 else f"{total:.3g}"


def law_of(record: dict):
    return laws.amdahl if record["scaling"]["law"] == "amdahl" else laws.gustafson


def serial_of(record: dict) -> float:
    return record["scaling"]["serial_fraction"]


def is_law(name: str) -> Callable[[dict], bool]:
    return lambda record: record["scaling"]["law"] == name


def karp_flatt_cell(v: dict, baseline: dict, record: dict) -> str:
    implied = derived.karp_flatt(v, baseline)
    return "–" if implied is None else f"{implied:.3f}"


NAME = Column(lambda r: "Variant", always, lambda v, b, r: shown_name(v))
MEDIAN = Column(
    lambda r: "Median ± spread",
    always,
    lambda v, b, r: median_cell(v),
)
RUNS = Column(lambda r: "Runs", always, lambda v, b, r: str(v["wall"]["runs"]), main=False)
FASTEST = Column(
    lambda r: "Fastest run", always, lambda v, b, r: duration(v["wall"]["min"]), main=False
)
SPEEDUP = Column(lambda r: "Speedup", always, speedup_cell)
CPU = Column(lambda r: "CPU time", always, cpu_cell)
MEMORY = Column(lambda r: "Peak memory", always, lambda v, b, r: memory(v["peak_rss"]), main=False)
COST = [
    Column(lambda r: "CPU-seconds per 1,000 runs", wants_cost, cpu_seconds_cell),
    Column(cost_header, wants_cost, cost_cell),
]

DIFFERENCE = Column(
    lambda r: "Result vs baseline",
    lambda r: any(v.get("largest_difference") for v in r["variants"]),
    lambda v, b, r: (
        "–"
        if v["name"] == b["name"] or v.get("largest_difference") is None
        else "same"
        if not v["largest_difference"]
        else f"within {v['largest_difference']:.1g}"
    ),
    main=False,
)

COLUMNS = [
    NAME,
    MEDIAN,
    SPEEDUP,
    CPU,
    Column(efficiency_header, lambda r: r.get("efficiency", False), efficiency_cell),
    Column(lambda r: "Bound", has_bound, lambda v, b, r: bound_cells(v, b)[0], main=False),
    Column(lambda r: "Median ÷ bound", has_bound, lambda v, b, r: bound_cells(v, b)[1]),
    *COST,
    RUNS,
    FASTEST,
    MEMORY,
    DIFFERENCE,
]

# On the scaling tables the law's columns and the cost take the page's width;
# CPU time and CPU-seconds are in the full table.
BESIDE_THE_LAW = [dataclasses.replace(c, main=False) for c in (CPU, COST[0])]

# Strong scaling (Amdahl: a fixed problem) and weak scaling (Gustafson: the
# problem grows with the workers), measured against the law's prediction.
SCALING_COLUMNS = [
    NAME,
    Column(lambda r: "Workers", always, lambda v, b, r: str(v["workers"] or 1)),
    MEDIAN,
    Column(
        lambda r: "Work",
        is_law("gustafson"),
        lambda v, b, r: f"{(v['work'] or 1) / (b['work'] or 1):.2g}×",
        main=False,
    ),
    Column(
        lambda r: "Scaled speedup" if r["scaling"]["law"] == "gustafson" else "Speedup",
        always,
        speedup_cell,
    ),
    Column(
        lambda r: f"{r['scaling']['law'].capitalize()}, s = {serial_of(r):.2f}",
        always,
        lambda v, b, r: f"{law_of(r)(serial_of(r), v['workers'] or 1):.2f}×",
    ),
    Column(lambda r: "Karp–Flatt serial fraction", is_law("amdahl"), karp_flatt_cell),
    *BESIDE_THE_LAW,
    COST[1],
    RUNS,
    MEMORY,
    DIFFERENCE,
]


def row(v: dict, used: list[Column], record: dict) -> str:
    if not measured(v):
        reason = "not measured here: " + "; ".join(v["missing"])
        cells = [shown_name(v), reason] + ["–"] * (len(used) - 2)
    else:
        baseline = baseline_of(v, record)
        cells = [c.cell(v, baseline, record) for c in used]
    return "| " + " | ".join(cells) + " |"


def markdown_table(record: dict, columns: list[Column], indent: str = "") -> str:
    used = [c for c in columns if c.applies(record)]
    lines = [
        "| " + " | ".join(c.header(record) for c in used) + " |",
        "|" + "---|" + "---:|" * (len(used) - 1),
        *(row(v, used, record) for v in record["variants"]),
    ]
    return "\n".join(indent + line for line in lines)


def cost_note(record: dict) -> str:
    if not wants_cost(record):
        return ""
    prices = derived.prices()
    return (
        f"\n\n<small>Cost: the median wall time on a rented machine with as many vCPUs as the "
        f"variant's workers, at {prices['currency']} on-demand prices of {prices['date']} "
        f"({prices['source']}). CPU-seconds are what per-CPU-second billing charges.</small>"
    )


def crossover_line(record: dict) -> str:
    """One sentence from the table: where each variant first reaches the efficiency asked for."""
    threshold = record.get("crossover")
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


def input_line(record: dict) -> str:
    """The sizes of the files the variants read, for peak memory to be read against."""
    sizes = record.get("input_bytes")
    if not sizes:
        return ""
    return (
        "\n\n**Files read:** "
        + "; ".join(f"{name}, {memory(n)}" for name, n in sizes.items())
        + "."
    )


def render_table(record: dict) -> str:
    """The table a page includes: the main columns, then every column on demand, then where.

    Speedups are against the first variant of each group (or of the table).
    Examples that set ``efficiency`` get speedup ÷ workers (or ÷ cores),
    examples with a ``bound`` how close each variant came to it, ``cost`` the
    price of a run, scaling examples their law's prediction and the Karp–Flatt
    fraction. A variant whose requirements this machine lacks gets a row that
    says so.
    """
    columns = SCALING_COLUMNS if record.get("scaling") else COLUMNS
    if record.get("memory"):  # the page is about memory: it belongs beside the time
        columns = [dataclasses.replace(c, main=True) if c is MEMORY else c for c in columns]
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


def shown_name(variant: dict) -> str:
    return variant["name"] + "".join(f" ⚠ *{flag}*" for flag in variant.get("flags", []))


def render_transcript(record: dict, transcript: dict) -> str:
    """What the example printed when the harness ran it, as a page includes it."""
    return (
        f'```text title="{transcript["command"]}"\n{transcript["output"].rstrip()}\n```\n\n'
        + f"<small>Printed on {where(record)}</small>\n"
    )
