"""What the harness knows about an example: the types every part of it reads.

An example is first *described* (``schema.describe``, in the interpreter that
runs it): its variants with their facts, the size of its input and the
options of its table, in one ``Description``. Measuring adds a ``Measured``
per variant that ran, and where it ran (``Environment``): together they are
the example's ``Record``, which ``results.json`` stores whole and tables,
plots, claims and ``compare`` read.

Standard library only: ``schema`` builds these inside the interpreter that runs
the examples, which may be a bare free-threaded build. ``results`` writes and
reads them as JSON (with msgspec, which checks every field on the way in).
"""

import re
from dataclasses import dataclass, field

# "3.13", "3.14t", "3.14+jit": the labels ``interpreter.label_of`` gives.
INTERPRETER_LABEL = re.compile(r"\d+\.\d+t?(\+jit)?")


@dataclass(frozen=True)
class Variant:
    """One row of a table, as the example's ``BENCHMARK`` declares it."""

    name: str  # "group: name" inside a group
    baseline: str  # the row it is compared with: the first of its group that can run
    group: str | None = None
    workers: int | None = None  # processes, threads or requests in flight; None: not counted
    cores: int | None = None  # the cores it keeps busy, where it says so
    work: float | None = None  # weak scaling: the work done, in the example's units
    bound: float | None = None  # the least seconds it can take, where the example knows
    requires: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()  # why it cannot run on this machine; empty if it can
    cpu_time: bool = True  # False: its workers outlive each call; their CPU time is not counted


@dataclass(frozen=True)
class Table:
    """How an example's table is drawn: the options ``BENCHMARK["table"]`` sets."""

    efficiency: bool = False  # speedup ÷ workers (or ÷ cores)
    cost: bool = False  # CPU-seconds and the price of a run
    memory: bool = False  # peak memory on the page's table, not only the full one
    crossover: float | None = None  # the first group where each variant reaches it
    law: str | None = None  # "amdahl" or "gustafson": a scaling table
    serial_fraction: float | None = None  # the law's s, for this size
    plot: str | None = None  # "memory by file size": peak memory against each file's size
    memory_floor: str | None = None  # a row that does only what every row does


@dataclass(frozen=True)
class Description:
    """One example at one size, before measuring: built once, passed on whole."""

    variants: tuple[Variant, ...]
    size: dict  # the workload's keyword arguments
    table: Table = field(default_factory=Table)
    rel_tol: float = 1e-9  # how closely float results must agree with the baseline's
    compares_results: bool = True  # False: variants solve problems of different sizes
    input_bytes: dict[str, int] | None = None  # name -> size of each file the variants read
    transcripts: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def variant(self, name: str) -> Variant:
        return next(v for v in self.variants if v.name == name)

    def runnable(self) -> list[Variant]:
        return [v for v in self.variants if not v.missing]


@dataclass(frozen=True)
class Summary:
    """Repeated timings, in seconds (``stats.summarise``)."""

    median: float
    min: float
    iqr: float
    runs: int


@dataclass(frozen=True)
class Placement:
    """Where a variant's calls ran: pinned to one core (beside its baseline) or free.

    Decided from what the variant declares (``cores``) or, where it declares
    nothing, from what its warm-up was seen to use: CPU time against wall time,
    and whether it started threads or processes (those are never pinned).
    """

    pinned: bool
    decided: str  # "declared" or "seen"
    cpu_per_wall: float  # in its warm-up: about 1 for one busy core, 2 for two
    why: str  # "one core, declared", "seen: CPU 1.0× wall, no threads started", …


@dataclass(frozen=True)
class Measured:
    """What the harness measured of one variant."""

    wall: Summary  # seconds per call
    cpu: Summary
    peak_rss: int  # bytes, the whole process tree, shared pages once (PSS)
    largest_difference: float | None = None  # relative, from its baseline's result
    # Seconds per call in each round, in round order: what paired speedups are made of.
    # None: a round it sat out, its interval already narrow enough.
    samples: tuple[float | None, ...] = ()
    loops: int = 1  # calls per timed sample (a call of microseconds is repeated)
    placement: Placement | None = None


@dataclass(frozen=True)
class Reference:
    """The A/A check: a variant against itself in a second interpreter, in the same
    rounds; a speedup other than 1 beyond its interval means the intervals lie."""

    variant: str
    samples: tuple[float | None, ...]


@dataclass(frozen=True)
class Hardware:
    cpu: str
    logical_cores: int
    usable_cores: int
    memory_bytes: int
    os: str
    platform: str = ""


@dataclass(frozen=True)
class PythonBuild:
    """The interpreter that ran the example (``interpreter.python_build``)."""

    version: str
    implementation: str = "CPython"
    free_threaded: bool = False
    gil_enabled: bool = True  # after the example's imports, which may turn it back on
    jit: bool = False  # CPython's own JIT compiling (3.14+ built with it, PYTHON_JIT=1)


@dataclass(frozen=True)
class Load:
    """What else can explain a slow run (``machine.load``)."""

    load_average: float | None = None
    cpu_steal: float = 0.0
    cpu_mhz: int | None = None
    cpu_quota: float | None = None
    gpu: str | None = None


@dataclass(frozen=True)
class Environment:
    hardware: Hardware
    python: PythonBuild
    libraries: dict[str, str]
    start_method: str
    commit: str
    date: str  # ISO 8601, UTC
    load: Load = field(default_factory=Load)


@dataclass(frozen=True)
class Transcript:
    command: str
    output: str


@dataclass(frozen=True)
class Record:
    """An example measured: its description, what each variant measured, and where."""

    id: str  # path below examples/ without .py
    fingerprint: str
    profile: str  # smoke, quick or full
    description: Description
    measured: dict[str, Measured]  # by variant name; a variant not measured is absent
    environment: Environment
    transcripts: dict[str, Transcript] = field(default_factory=dict)
    reference: Reference | None = None  # the A/A check (not in the smoke profile)
    rounds: int = 0  # paired rounds timed (0: run as a reader runs it)
    # Who measured it beside the harness's own run, where someone else did: another
    # interpreter ("3.13", "3.14t", "3.14+jit") or another machine ("16-cores", from
    # ``measure --label``). The results file keeps the record under "id@<label>"
    # (``results.key_of``). The field's name is the results format's; ``label`` reads it.
    interpreter: str = ""

    @property
    def label(self) -> str:
        return self.interpreter

    @property
    def by_another_interpreter(self) -> bool:
        """Its label names an interpreter, not a machine (a version is never a label
        ``measure --label`` gives: those name cores)."""
        return INTERPRETER_LABEL.fullmatch(self.interpreter) is not None

    @property
    def variants(self) -> tuple[Variant, ...]:
        return self.description.variants

    @property
    def table(self) -> Table:
        return self.description.table

    def of(self, variant: Variant) -> Measured | None:
        """What was measured of ``variant``; None where it could not run here."""
        return self.measured.get(variant.name)

    def baseline_of(self, variant: Variant) -> Variant:
        """The row ``variant`` is compared with (itself, for a baseline)."""
        return next((v for v in self.variants if v.name == variant.baseline), variant)

    def timed(self) -> list[Variant]:
        """The variants that were measured, in the table's order."""
        return [v for v in self.variants if v.name in self.measured]
