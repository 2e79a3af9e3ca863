"""Where and how a table was measured: its tabs' names, its footer, its A/A check, and
the reading guide's summary of the A/A checks of every table."""

from harness.core import speedups
from harness.core.formats import NOT_SIGNIFICANT, interval, percent, speedup_text
from harness.core.records import Record
from harness.reporting import derived


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


def interpreter_name(record: Record, cores: int | None = None) -> str:
    """A tab's name: "Python 3.12", "Python 3.14t (GIL off)", and "on 16 cores" where
    another machine measured it (a larger runner's label is not a version)."""
    py = record.environment.python
    version = ".".join(py.version.split(".")[:2])
    label = record.label if record.by_another_interpreter else ""
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


def reference_line(record: Record) -> str:
    """What the A/A check found: the baseline against itself in a second interpreter."""
    found = speedups.reference_ratio(record)
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
    if record.by_another_interpreter:  # not the interpreter the harness itself runs on
        other = (
            f"Measured with Python {record.label} (`make measure-pythons`, or the "
            "publishing workflow), beside the harness's own interpreter. "
        )
    elif record.label:  # another machine: the publishing workflow's larger runner
        other = f"Measured on another machine ({record.label}), beside the site's own. "
    return (
        f"<small>{other}{record.profile.capitalize()} profile, {size}; {how_timed(record)}"
        f"{reference_line(record)} {where(record)}</small>"
    )


def render_reference_checks(records: list[Record]) -> str:
    """The reading guide's figures: what the A/A checks of the tables measured here."""
    checks = [(r, speedups.reference_ratio(r)) for r in records]
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
