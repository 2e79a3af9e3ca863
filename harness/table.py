"""Render one example's record as a Markdown table with a footer saying where it ran.

A table is a list of column definitions (header, when it applies, cell); the
numbers in the cells come from ``derived``. A page shows the main columns;
every column is in the full table under it, which a reader opens on demand.
"""

import base64
import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass

from harness import derived, laws, rules
from harness.records import Record, Variant

# Short, so a row marked fits its column; the footer spells it out.
NOT_SIGNIFICANT = "n.s."
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


def build_text(py) -> str:
    """With the GIL, or free-threaded and whether the GIL stayed off after the imports;
    and CPython's JIT where it compiled."""
    jit = ", CPython's JIT on" if py.jit else ""
    if not py.free_threaded:
        return "with the GIL" + jit
    if py.gil_enabled:
        return (
            "free-threaded, but an import turned the GIL back on: threads ran one at a time" + jit
        )
    return "free-threaded, the GIL off" + jit


def names_interpreter(record: Record) -> bool:
    """Whether a record's label is an interpreter's ("3.13", "3.14t"), not a machine's."""
    return re.fullmatch(r"\d+\.\d+t?(\+jit)?", record.interpreter) is not None


def interpreter_name(record: Record, cores: int | None = None) -> str:
    """A tab's name: "Python 3.12", "Python 3.14t (GIL off)", and "on 16 cores" where
    another machine measured it (a larger runner's label is not a version)."""
    py = record.environment.python
    version = ".".join(py.version.split(".")[:2])
    label = record.interpreter if names_interpreter(record) else ""
    name = f"Python {label.removesuffix('+jit') or version}"
    usable = record.environment.hardware.usable_cores
    if cores is not None and usable != cores:
        name += f" on {usable} cores"
    if py.free_threaded:
        name += " (GIL back on)" if py.gil_enabled else " (GIL off)"
    if py.jit:
        name += " (JIT on)"
    return name


def where(record: Record) -> str:
    """The machine, the Python build, the commit and the date of a record."""
    env = record.environment
    hw, py, load = env.hardware, env.python, env.load
    build = build_text(py)
    quota = f", a CPU quota of {load.cpu_quota:g} cores" if load.cpu_quota else ""
    gpu = f"; GPU {load.gpu}" if load.gpu else ""
    return (
        f"{hw.cpu}, {hw.usable_cores} usable of {hw.logical_cores} logical cores"
        f"{quota}, {hw.memory_bytes / 2**30:.0f} GiB, {hw.os}{gpu}; "
        f"Python {py.version} ({build}); commit {env.commit}, {env.date[:10]}."
    )


def interval(found) -> str:
    """ "±3 %": the half-width of a ratio's interval, where it has one."""
    if found.low is None:
        return ""
    return f"{NBSP}±{NBSP}{percent(found.half_width)}"


def speedup_text(value: float) -> str:
    """Three significant figures, as a reader's run prints them: 0.0839×, 2.00×, 3,030×."""
    return rules.side_by_side.speedup_text(value)


def reference_line(record: Record) -> str:
    """What the A/A check found: the baseline against itself in a second interpreter."""
    found = derived.reference_ratio(record)
    if found is None or found.low is None:
        return ""
    said = (
        f" A/A check: {record.reference.variant!r} against itself in a second interpreter, "
        f"{speedup_text(found.value)}{interval(found)}"
    )
    if found.includes(1.0):
        return said + ", as it should be."
    return (
        f" ⚠ {said.strip()}: its interval excludes 1, so this table's intervals are too "
        "narrow here; read its speedups with more caution than their ± says."
    )


def how_timed(record: Record) -> str:
    if not record.rounds:
        return "each variant run once, as a reader runs the script."
    return (
        f"{record.rounds} paired rounds, each variant in an interpreter of its own; ± is "
        "where a speedup measured again on this machine falls, 95 % of the time "
        f"([how to read a table](/reading.md)){not_significant_note(record)}."
    )


def not_significant_note(record: Record) -> str:
    shown = [v for v in record.variants if v.name in record.measured]
    if not any(derived.not_significant(record, v) for v in shown):
        return ""
    return f"; *{NOT_SIGNIFICANT}*: not significant here, the interval includes 1"


def footer(record: Record) -> str:
    size = ", ".join(f"{k}={v}" for k, v in record.description.size.items())
    other = ""
    if names_interpreter(record):  # not the interpreter the harness itself runs on
        other = (
            f"Measured with Python {record.interpreter} (`make measure-pythons`, or the "
            "publishing workflow), beside the harness's own interpreter. "
        )
    elif record.interpreter:  # another machine: the publishing workflow's larger runner
        other = f"Measured on another machine ({record.interpreter}), beside the site's own. "
    return (
        f"<small>{other}{record.profile.capitalize()} profile, {size}; {how_timed(record)}"
        f"{reference_line(record)} {where(record)}</small>"
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
    found = derived.efficiency_of(record, v)
    return "–" if found is None else f"{found.value:.2f}"


def speedup_cell(record: Record, v: Variant) -> str:
    if v.name == v.baseline:
        return "1.00×"
    found = derived.speedup_of(record, v)
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


def dollars(amount: float) -> str:
    return f"${amount:.3f}" if amount >= 0.01 else f"${amount:.4f}"


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


NAME = Column(lambda r: "Variant", always, lambda r, v: shown_name(r, v))
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


def placement_cell(placement) -> str:
    """ "one core, seen" or "every core, declared": how the harness decided (the record
    keeps why: CPU time against wall time in the warm-up, or threads started)."""
    if placement is None:
        return "–"
    return ("one core, " if placement.pinned else "every core, ") + placement.decided


def shared_reasons(record: Record) -> list[str]:
    """Reasons that several rows could not be measured for: said once, under the table."""
    counts: dict[str, int] = {}
    for v in record.variants:
        if v.missing and record.of(v) is None:
            reason = "; ".join(v.missing)
            counts[reason] = counts.get(reason, 0) + 1
    return [reason for reason, n in counts.items() if n > 1]


def not_measured_cell(record: Record, v: Variant) -> str:
    reason = "; ".join(v.missing)
    shared = shared_reasons(record)
    if reason in shared:
        return f"not measured here ({'¹²³⁴⁵'[shared.index(reason)]})"
    return f"not measured here: {reason}"


def reasons_line(record: Record) -> str:
    shared = shared_reasons(record)
    if not shared:
        return ""
    said = "; ".join(f"({'¹²³⁴⁵'[n]}) {reason}" for n, reason in enumerate(shared))
    return f"\n\n**Not measured here:** {said}."


def row(record: Record, v: Variant, used: list[Column]) -> str:
    if record.of(v) is None:
        cells = [shown_name(record, v), not_measured_cell(record, v)]
        cells += ["–"] * (len(used) - 2)
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
    family = derived.family_for(record)
    return (
        f"\n\n<small>Cost: the median wall time on the smallest rented machine with as many "
        f"vCPUs as the cores the variant keeps busy, at {derived.prices()['currency']} "
        f"on-demand prices of {family['date']} ({family['source']}). CPU-seconds: the "
        "processor time a run used, the floor of what any billing charges.</small>"
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
    (first, first_size), *others = sizes.items()
    said = [f"{first}, {memory(first_size)}"]
    said += [f"{name}, {memory(n)} ({n / first_size:.2g}× the {first})" for name, n in others]
    return "\n\n**Files read:** " + "; ".join(said) + "."


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
        + reasons_line(record)
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
    return v.name


def render_transcript(record: Record, title: str) -> str:
    """What the example printed when the harness ran it, as a page includes it.

    Where it printed an SVG picture (an ``<svg>`` element last), the page
    shows the picture, under the lines printed before it.
    """
    transcript = record.transcripts[title]
    printed, picture = split_picture(transcript.output.rstrip())
    text = f'```text title="{transcript.command}"\n{printed}\n```\n\n' if printed else ""
    if picture is None:
        return text + f"<small>Printed on {where(record)}</small>\n"
    data = base64.b64encode(picture.encode()).decode()
    return (
        text
        + f"![What `{transcript.command}` drew](data:image/svg+xml;base64,{data})"
        + "{ .wide-picture }\n\n"
        + f"<small>Drawn on {where(record)}</small>\n"
    )


def split_picture(output: str) -> tuple[str, str | None]:
    """(the text, the SVG element) of an output that ends in an SVG element;
    (the output, None) otherwise."""
    starts = [m.start() for m in re.finditer(r"(?m)^<svg\b", output)]
    if not starts or not output.endswith("</svg>"):
        return output, None
    return output[: starts[-1]].rstrip(), output[starts[-1] :]


def render_reference_checks(records: list[Record]) -> str:
    """The reading guide's figures: what the A/A checks of the tables measured here."""
    checks = [(r, derived.reference_ratio(r)) for r in records]
    checks = [(r, found) for r, found in checks if found is not None and found.low is not None]
    if not checks:
        return (
            "*No table here has an A/A check yet: the smoke profile, which proves the "
            "examples run, makes none. `make serve` or `make measure` times them.*\n"
        )
    held = [(r, found) for r, found in checks if found.includes(1.0)]
    widths = sorted(found.half_width for _, found in checks)
    said = (
        f"On the machine that measured these pages, {len(held)} of {len(checks)} A/A checks "
        f"held, with a median interval of ±{percent(widths[len(widths) // 2])}."
    )
    if held:  # an example of one that held, as the guide reads it
        record, found = min(held, key=lambda pair: pair[1].half_width)
        said += (
            f" The narrowest of those that held: in `{record.id}`, "
            f"{record.reference.variant!r} timed against itself came out at "
            f"{speedup_text(found.value)}{interval(found)}."
        )
    return said + "\n"
