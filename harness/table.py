"""Render one example's record as a Markdown table with a footer saying where it ran."""

from collections.abc import Callable
from dataclasses import dataclass

from harness import laws


def duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.3g} ms"
    return f"{seconds:.2f} s"


def memory(nbytes: int) -> str:
    return f"{nbytes / 2**20:.0f} MiB" if nbytes else "–"


def effective_bound(variant: dict, baseline: dict) -> float | None:
    """The example's floor for this variant, but never below the CPU work it must do.

    The floor is the waiting a variant cannot avoid (say requests × latency ÷
    workers). The CPU work runs one thread at a time under the GIL, so no
    number of threads makes it shorter: it is the smaller of this variant's
    CPU time and the baseline's (a pool of threads may spend more CPU than
    the work needs; another library, such as aiohttp, may need less).
    """
    if variant.get("bound") is None:
        return None
    return max(variant["bound"], min(variant["cpu"]["median"], baseline["cpu"]["median"]))


def group_baselines(record: dict) -> list[dict]:
    """For each variant, the row it is compared with: the first of its group."""
    first = {}
    for v in record["variants"]:
        first.setdefault(v.get("group"), v)
    return [first[v.get("group")] for v in record["variants"]]


def speedup(variant: dict, baseline: dict) -> float:
    """How many times faster than the baseline; scaled by the work done, when it grows."""
    work = variant.get("work", 1) / baseline.get("work", 1)
    return work * baseline["wall"]["median"] / variant["wall"]["median"]


def where(record: dict) -> str:
    """The machine, the Python build, the commit and the date of a record."""
    env = record["environment"]
    hw, py = env["hardware"], env["python"]
    build = "free-threaded" if py["free_threaded"] else "with the GIL"
    return (
        f"{hw['cpu']}, {hw['usable_cores']} usable of {hw['logical_cores']} logical cores, "
        f"{hw['memory_bytes'] / 2**30:.0f} GiB, {hw['os']}; Python {py['version']} ({build}); "
        f"commit {env['commit']}, {env['date'][:10]}."
    )


def footer(record: dict) -> str:
    runs = sorted({v["wall"]["runs"] for v in record["variants"]})
    counted = f"{runs[0]}" if len(runs) == 1 else f"{runs[0]} to {runs[-1]}"
    size = ", ".join(f"{k}={v}" for k, v in record["size"].items())
    return (
        f"<small>{record['profile'].capitalize()} profile, {size}; median of "
        f"{counted} runs per variant. {where(record)}</small>"
    )


@dataclass(frozen=True)
class Column:
    """One column of a table: its header, when it applies, and its cell for a row.

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


def counts_workers(record: dict) -> bool:
    return any("workers" in v for v in record["variants"])


def efficiency_header(record: dict) -> str:
    cores = record["environment"]["hardware"]["usable_cores"]
    return "Speedup ÷ workers" if counts_workers(record) else f"Speedup ÷ {cores} cores"


def efficiency_cell(v: dict, baseline: dict, record: dict) -> str:
    cores = record["environment"]["hardware"]["usable_cores"]
    workers = v.get("workers", 1) if counts_workers(record) else cores
    return "–" if workers < 2 else f"{speedup(v, baseline) / workers:.2f}"


def cpu_cell(v: dict, baseline: dict, record: dict) -> str:
    return duration(v["cpu"]["median"]) if record.get("cpu_time", True) else "–"


def bound_cells(v: dict, baseline: dict) -> tuple[str, str]:
    bound = effective_bound(v, baseline)
    if bound is None:
        return "–", "–"
    return duration(bound), f"{v['wall']['median'] / bound:.2f}"


def law_of(record: dict):
    return laws.amdahl if record["scaling"]["law"] == "amdahl" else laws.gustafson


def serial_of(record: dict) -> float:
    return record["scaling"]["serial_fraction"]


def is_law(name: str) -> Callable[[dict], bool]:
    return lambda record: record["scaling"]["law"] == name


def karp_flatt_cell(v: dict, baseline: dict, record: dict) -> str:
    implied = laws.karp_flatt(speedup(v, baseline), v["workers"])
    return "–" if implied is None else f"{implied:.3f}"


NAME = Column(lambda r: "Variant", always, lambda v, b, r: shown_name(v))
MEDIAN = Column(
    lambda r: "Median ± spread",
    always,
    lambda v, b, r: f"{duration(v['wall']['median'])} ± {duration(v['wall']['iqr'] / 2)}",
)
RUNS = Column(lambda r: "Runs", always, lambda v, b, r: str(v["wall"]["runs"]), main=False)
FASTEST = Column(
    lambda r: "Fastest run", always, lambda v, b, r: duration(v["wall"]["min"]), main=False
)
SPEEDUP = Column(lambda r: "Speedup", always, lambda v, b, r: f"{speedup(v, b):.2f}×")
CPU = Column(lambda r: "CPU time", always, cpu_cell)
MEMORY = Column(lambda r: "Peak memory", always, lambda v, b, r: memory(v["peak_rss"]), main=False)

COLUMNS = [
    NAME,
    MEDIAN,
    SPEEDUP,
    CPU,
    Column(efficiency_header, lambda r: r.get("efficiency", False), efficiency_cell),
    Column(lambda r: "Bound", has_bound, lambda v, b, r: bound_cells(v, b)[0], main=False),
    Column(lambda r: "Median ÷ bound", has_bound, lambda v, b, r: bound_cells(v, b)[1]),
    RUNS,
    FASTEST,
    MEMORY,
]

# Strong scaling (Amdahl: a fixed problem) and weak scaling (Gustafson: the
# problem grows with the workers), measured against the law's prediction.
SCALING_COLUMNS = [
    NAME,
    Column(lambda r: "Workers", always, lambda v, b, r: str(v["workers"])),
    MEDIAN,
    Column(
        lambda r: "Work",
        is_law("gustafson"),
        lambda v, b, r: f"{v['work'] / b['work']:.2g}×",
        main=False,
    ),
    Column(
        lambda r: "Scaled speedup" if r["scaling"]["law"] == "gustafson" else "Speedup",
        always,
        lambda v, b, r: f"{speedup(v, b):.2f}×",
    ),
    Column(
        lambda r: f"{r['scaling']['law'].capitalize()}, s = {serial_of(r):.2f}",
        always,
        lambda v, b, r: f"{law_of(r)(serial_of(r), v['workers']):.2f}×",
    ),
    Column(lambda r: "Karp–Flatt serial fraction", is_law("amdahl"), karp_flatt_cell),
    CPU,
    RUNS,
    MEMORY,
]


def markdown_table(record: dict, columns: list[Column], indent: str = "") -> str:
    used = [c for c in columns if c.applies(record)]
    lines = [
        "| " + " | ".join(c.header(record) for c in used) + " |",
        "|" + "---|" + "---:|" * (len(used) - 1),
    ]
    for v, baseline in zip(record["variants"], group_baselines(record), strict=True):
        lines.append("| " + " | ".join(c.cell(v, baseline, record) for c in used) + " |")
    return "\n".join(indent + line for line in lines)


def render_table(record: dict) -> str:
    """The table a page includes: the main columns, then every column on demand, then where.

    Speedups are against the first variant of each group (or of the table).
    Examples that set ``efficiency`` get speedup ÷ cores (or ÷ the variant's
    workers), examples with a ``bound`` how close each variant came to it,
    scaling examples their law's prediction and the Karp–Flatt fraction.
    """
    columns = SCALING_COLUMNS if record.get("scaling") else COLUMNS
    return (
        markdown_table(record, [c for c in columns if c.main])
        + '\n\n??? note "All columns: runs, peak memory and more"\n\n'
        + markdown_table(record, columns, indent="    ")
        + "\n\n"
        + footer(record)
        + "\n"
    )


def shown_name(variant: dict) -> str:
    return variant["name"] + "".join(f" ⚠ *{flag}*" for flag in variant["flags"])


def render_transcript(record: dict, transcript: dict) -> str:
    """What the example printed when the harness ran it, as a page includes it."""
    return (
        f'```text title="{transcript["command"]}"\n{transcript["output"].rstrip()}\n```\n\n'
        + f"<small>Printed on {where(record)}</small>\n"
    )
