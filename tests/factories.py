"""Records as the harness makes them (``harness.core.records``), for tests of what reads them."""

from harness.core import stats
from harness.core.records import (
    Description,
    Environment,
    Hardware,
    Measured,
    PythonBuild,
    Record,
    Table,
    Variant,
)


def row(
    name: str,
    seconds: float | None = None,
    cpu: float | None = None,
    *,
    peak_rss: int = 2**20,
    largest_difference: float | None = None,
    runs: list[float] | None = None,
    placement=None,
    **facts,
) -> tuple[Variant, Measured | None]:
    """A variant and what it measured: one run of ``seconds`` (or ``runs``), CPU time
    ``cpu`` (the wall time by default). ``seconds=None``: not measured (say why in
    ``missing``)."""
    variant = Variant(name=name, baseline=facts.pop("baseline", name), **facts)
    if seconds is None and runs is None:
        return variant, None
    walls = runs or [seconds]
    measured = Measured(
        wall=stats.summarise(walls),
        cpu=stats.summarise([w if cpu is None else cpu for w in walls]),
        peak_rss=peak_rss,
        largest_difference=largest_difference,
        samples=tuple(walls),
        placement=placement,
    )
    return variant, measured


def record(
    rows: list[tuple[Variant, Measured | None]],
    *,
    table: Table | None = None,
    input_bytes: dict | None = None,
    **fields,
) -> Record:
    """An example's record on a 2-core test machine. ``rounds``: how many paired rounds
    the rows' ``runs`` are (0: each timed once, as a reader's run does)."""
    description = Description(
        variants=tuple(v for v, _ in rows),
        size={"n": 1},
        table=table or Table(),
        input_bytes=input_bytes,
    )
    made = {
        "id": "x",
        "fingerprint": "0" * 16,
        "profile": "quick",
        "description": description,
        "measured": {v.name: m for v, m in rows if m is not None},
        "environment": Environment(
            hardware=Hardware(
                cpu="Test CPU",
                logical_cores=4,
                usable_cores=2,
                memory_bytes=2**33,
                os="Linux x86_64",
            ),
            python=PythonBuild(version="3.13.0", free_threaded=True, gil_enabled=False),
            libraries={},
            start_method="fork",
            commit="abc1234",
            date="2026-01-01T00:00:00+00:00",
        ),
    }
    made.update(fields)
    return Record(**made)
