"""Render one example's record as a Markdown table with a footer saying where it ran.

A table is a list of column definitions (``columns``): the page shows the main
ones, then every column on demand, then where and how it was measured
(``provenance``).
"""

from harness.core.formats import memory
from harness.core.records import Record, Variant
from harness.reporting import derived
from harness.reporting.columns import Column, columns_of, efficiency_header, wants_cost
from harness.reporting.provenance import footer


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
        cells = [v.name, not_measured_cell(record, v)]
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
