"""The written schema of what the results file stores for each example.

``results.json`` is ``{"schema": SCHEMA, "examples": {id: ExampleRecord}}``.
Each record is self-contained (machine, Python, libraries, commit, date,
profile, the noise measured around it), so a table can say where its numbers
came from even when examples were measured on different days.
"""

from typing import NotRequired, TypedDict


class Summary(TypedDict):
    """Repeated timings, in seconds (``stats.summarise``)."""

    median: float
    min: float
    iqr: float
    runs: int


class VariantResult(TypedDict):
    """One row: the variant's record from ``schema.Variant``, and what was measured."""

    name: str
    group: str | None
    baseline: str
    workers: int | None
    work: float | None
    bound: float | None
    requires: list[str]
    missing: list[str]  # non-empty: not measured here, and why (no other fields below)
    cpu_time: NotRequired[bool]  # False: its workers outlived each call; CPU time not counted
    wall: NotRequired[Summary]
    cpu: NotRequired[Summary]
    peak_rss: NotRequired[int]  # bytes, the whole process tree, shared pages once (PSS)
    flags: NotRequired[list[str]]  # "unstable", "too small to measure"
    largest_difference: NotRequired[float | None]  # relative, from its baseline's result


class Noise(TypedDict):
    """The machine's own noise during the run, from a fixed reference workload (``noise``)."""

    band: float  # relative: how far a ratio of two medians can move by the machine's noise
    checks: int  # how many times the reference was timed so far, each in a fresh interpreter
    reference_median: float  # seconds: the run's typical reference time
    around: list[float]  # the reference times just before and just after this example


class Environment(TypedDict):
    hardware: dict  # machine.hardware()
    python: dict  # worker.python_build(), in the interpreter that ran the example
    libraries: dict[str, str]
    start_method: str
    commit: str
    date: str  # ISO 8601, UTC
    load: dict  # machine.load(): load average, CPU steal, frequency, quota, GPU


class Scaling(TypedDict):
    law: str  # "amdahl" or "gustafson"
    serial_fraction: float


class Transcript(TypedDict):
    command: str
    output: str


class ExampleRecord(TypedDict):
    id: str  # path below examples/ without .py
    fingerprint: str
    profile: str  # smoke, quick or full
    size: dict  # the workload's arguments
    efficiency: bool
    cpu_time: bool
    cost: bool
    memory: NotRequired[bool]  # peak memory in the page's table (absent in older records)
    input_bytes: NotRequired[dict[str, int] | None]  # name -> size of each file the variants read
    crossover: NotRequired[float | None]  # an efficiency: the first group each variant reaches it
    scaling: Scaling | None
    transcripts: dict[str, Transcript]
    variants: list[VariantResult]
    environment: Environment
    noise: Noise | None
