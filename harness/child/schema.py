"""Check an example's ``BENCHMARK`` table and describe the example from it, once.

Standard library only: this runs inside the interpreter that runs the example
(which may be a bare free-threaded build). Everything downstream (measuring,
tables, plots, claims, compare) reads the ``records.Description`` made here,
never the table itself. A mistake in the table becomes one ``BenchmarkError``
sentence that names the key and, where one is obvious, the fix; never a
traceback from the harness's own code.

The table (CONTRIBUTING.md says what each key is for)::

    BENCHMARK = {
        "workload": make_input,               # keywords of a size -> the input
        "sizes": {"smoke": {...}, "quick": {...}, "full": {...}},
        "variants": {
            "sequential": sequential,         # a function of the input, or
            "4 processes": {"run": f, "workers": 4},   # a function and its facts
            "NumPy": {"one thread": g, ...},  # a group, with its own baseline
        },
        # optional: rel_tol, bound, work, input_bytes, table, transcripts
    }
"""

import difflib
from collections.abc import Mapping

from harness.child.interpreter import usable_cores
from harness.child.rules import variants as rules
from harness.core.records import Description, Table, Variant

REQUIRED = ("workload", "sizes", "variants")
KEYS = {
    "workload": "a function that makes the input from one of the sizes",
    "sizes": "size name -> keyword arguments for the workload",
    "variants": "name -> function, or name -> {'run': function, ...}, or group -> such a map",
    "rel_tol": "how closely floating-point results must agree",
    "bound": "f(size, workers) -> the least seconds a variant can take",
    "work": "f(size, workers) -> the work a variant does (weak scaling: results differ)",
    "input_bytes": "f(size) -> {name: bytes}: the files the variants read",
    "table": "how the table is drawn: efficiency, cost, memory, crossover, law",
    "transcripts": "title -> arguments to run the script with (an <svg> printed last: a picture)",
}
VARIANT_KEYS = {
    "run": "the function to time, called with the workload's input",
    "workers": "how many workers (processes, threads, requests in flight) it uses",
    "cores": "how many cores it keeps busy: a number, or 'all'",
    "requires": "what it needs, such as ['c-compiler']",
    "cpu_time": "False when its workers outlive its timed call (a running cluster)",
}
TABLE_KEYS = {
    "efficiency": "True adds speedup ÷ workers (or ÷ cores)",
    "cost": "True adds CPU-seconds and the price of a run on a rented machine",
    "memory": "True shows peak memory in the page's table, not only in the full one",
    "crossover": "an efficiency, such as 0.9: the first group in which each variant reaches it",
    "law": "'amdahl' or 'gustafson': the scaling law to draw the speedups against",
    "serial_fraction": "f(size) -> the law's serial fraction",
    "plot": "'memory by file size': each group's peak memory against its file's size",
    "memory_floor": "the name of a row that does only what every row does (holds the input): "
    "a table with a row whose peak memory is below it is not drawn",
}
PLOTS = ("memory by file size",)
LAWS = ("amdahl", "gustafson")
SIZES_SHAPE = (
    "BENCHMARK['sizes'] must map size names to keyword arguments, "
    'such as {"smoke": {"n": 10}, "quick": {"n": 1000}}'
)
VARIANTS_SHAPE = (
    "BENCHMARK['variants'] must map names to functions (or group names to such maps) "
    "and have at least one"
)


class BenchmarkError(Exception):
    """The ``BENCHMARK`` table is malformed; the message says what to change."""


def suggestion(key: str, known) -> str:
    close = difflib.get_close_matches(key, list(known), n=1)
    return f"; did you mean {close[0]!r}?" if close else f" (known keys: {', '.join(known)})"


def check_keys(table: Mapping, known, where: str) -> None:
    for key in table:
        if key not in known:
            raise BenchmarkError(f"unknown key {key!r} in {where}{suggestion(str(key), known)}")


def nonempty_mapping(value, what: str) -> Mapping:
    if not isinstance(value, Mapping) or not value:
        raise BenchmarkError(what)
    return value


def check(benchmark) -> None:
    """Raise BenchmarkError on the first thing wrong with the table."""
    if not isinstance(benchmark, Mapping):
        raise BenchmarkError(f"BENCHMARK must be a dict, not {type(benchmark).__name__}")
    check_keys(benchmark, KEYS, "BENCHMARK")
    absent = [key for key in REQUIRED if key not in benchmark]
    if absent:
        raise BenchmarkError(
            f"BENCHMARK has no {' or '.join(repr(k) for k in absent)} "
            f"({'; '.join(KEYS[k] for k in absent)})"
        )
    for key in ("workload", "bound", "work", "input_bytes"):
        if key in benchmark and not callable(benchmark[key]):
            raise BenchmarkError(f"BENCHMARK[{key!r}] must be a function ({KEYS[key]})")
    check_sizes(benchmark["sizes"])
    check_variants(benchmark["variants"])
    check_table(benchmark.get("table", {}))
    check_transcripts(benchmark.get("transcripts", {}))


def check_sizes(sizes) -> None:
    nonempty_mapping(sizes, SIZES_SHAPE)
    for name, arguments in sizes.items():
        if not isinstance(arguments, Mapping):
            raise BenchmarkError(
                f"BENCHMARK['sizes'][{name!r}] must be a dict of keyword arguments for the "
                f"workload, not {type(arguments).__name__}"
            )


def check_variants(variants) -> None:
    nonempty_mapping(variants, VARIANTS_SHAPE)
    for name, value in variants.items():
        if rules.is_variant(value) or not isinstance(value, Mapping):
            check_variant(name, value)
            continue
        if not value:
            raise BenchmarkError(f"group {name!r} in BENCHMARK['variants'] has no variants")
        for inner, inner_value in value.items():
            check_variant(f"{name}: {inner}", inner_value)


def check_variant(name: str, value) -> None:
    if callable(value):
        return
    if not isinstance(value, Mapping):
        raise BenchmarkError(
            f"variant {name!r} is {type(value).__name__}, not a function "
            "that takes the workload's input"
        )
    check_keys(value, VARIANT_KEYS, f"variant {name!r}")
    if not callable(value["run"]):
        raise BenchmarkError(f"variant {name!r}: 'run' must be a function")
    if not isinstance(value.get("cpu_time", True), bool):
        raise BenchmarkError(f"variant {name!r}: 'cpu_time' must be True or False")
    for key in ("workers", "cores"):
        number = value.get(key)
        if number is None or (key == "cores" and number == "all"):
            continue
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            said = "a whole number, 1 or more" + (", or 'all'" if key == "cores" else "")
            raise BenchmarkError(f"variant {name!r}: {key!r} must be {said}")
    if "requires" in value:
        check_requires(value["requires"], f"variant {name!r}: 'requires'")


def check_requires(value, where: str) -> None:
    if not isinstance(value, list | tuple) or not all(isinstance(r, str) for r in value):
        raise BenchmarkError(f"{where} must be a list of strings, such as ['gpu']")
    for requirement in value:
        try:
            rules.missing(requirement)
        except rules.UnknownRequirement as error:
            raise BenchmarkError(f"{where}: {error}") from None


def check_table(table) -> None:
    if not isinstance(table, Mapping):
        raise BenchmarkError("BENCHMARK['table'] must be a dict, such as {'efficiency': True}")
    check_keys(table, TABLE_KEYS, "BENCHMARK['table']")
    for key in ("efficiency", "cost", "memory"):
        if not isinstance(table.get(key, False), bool):
            raise BenchmarkError(f"BENCHMARK['table'][{key!r}] must be True or False")
    crossover = table.get("crossover", 1)
    if isinstance(crossover, bool) or not isinstance(crossover, int | float) or crossover <= 0:
        raise BenchmarkError(
            f"BENCHMARK['table']['crossover'] must be a positive number "
            f"({TABLE_KEYS['crossover']}), not {crossover!r}"
        )
    if not isinstance(table.get("memory_floor", ""), str):
        raise BenchmarkError(
            "BENCHMARK['table']['memory_floor'] must be the name of a row, such as "
            "'nothing read: the interpreter alone'"
        )
    if table.get("plot", PLOTS[0]) not in PLOTS:
        raise BenchmarkError(
            f"BENCHMARK['table']['plot'] must be one of {', '.join(map(repr, PLOTS))}, "
            f"not {table['plot']!r}"
        )
    if "law" in table or "serial_fraction" in table:
        if table.get("law") not in LAWS:
            raise BenchmarkError(
                f"BENCHMARK['table']['law'] must be one of {', '.join(map(repr, LAWS))}, "
                f"not {table.get('law')!r}"
            )
        if not callable(table.get("serial_fraction")):
            raise BenchmarkError(
                "BENCHMARK['table']['serial_fraction'] must be a function of the size"
            )


def check_transcripts(transcripts) -> None:
    if not isinstance(transcripts, Mapping) or not all(
        isinstance(args, list | tuple) and all(isinstance(a, str) for a in args)
        for args in transcripts.values()
    ):
        raise BenchmarkError(
            "BENCHMARK['transcripts'] must map a title to a list of arguments, "
            'such as {"cprofile": ["--show", "cprofile"]}'
        )


def size_for(benchmark, size_name: str) -> dict:
    """The workload's arguments for this size, or a sentence naming the gap."""
    sizes = benchmark["sizes"]
    if size_name not in sizes:
        raise BenchmarkError(
            f"BENCHMARK['sizes'] has no {size_name!r} entry, which the {size_name} profile "
            f"measures (it has {', '.join(map(repr, sizes))}): add one"
        )
    return dict(sizes[size_name])


def input_bytes(benchmark, size: dict) -> dict[str, int] | None:
    """The sizes of the files the variants read (``BENCHMARK["input_bytes"]``), or None."""
    if "input_bytes" not in benchmark:
        return None
    found = benchmark["input_bytes"](size)
    if not isinstance(found, Mapping) or not all(
        isinstance(name, str) and isinstance(n, int) and not isinstance(n, bool) and n >= 0
        for name, n in found.items()
    ):
        raise BenchmarkError(
            "BENCHMARK['input_bytes'] must return a dict of names to sizes in bytes, "
            f'such as {{"CSV": os.path.getsize(path)}}, not {found!r}'
        )
    return dict(found)


def per_workers(function, size: dict, workers: int | None) -> float | None:
    """``bound`` or ``work``, for a variant with this many workers (1 where uncounted)."""
    return None if function is None else float(function(size, workers or 1))


def variants_of(benchmark, size: dict) -> tuple[Variant, ...]:
    """Every variant's facts, merged: what it declares, what it needs, its baseline."""
    found = rules.entries(benchmark)
    firsts = rules.baselines(found)
    made = []
    for entry in found:
        facts = entry.facts
        workers = facts.get("workers")
        cores = facts.get("cores")
        requires = tuple(facts.get("requires", ()))
        made.append(
            Variant(
                name=entry.name,
                baseline=firsts.get(entry.group, entry.name),
                group=entry.group,
                workers=workers,
                cores=usable_cores() if cores == "all" else cores,
                work=per_workers(benchmark.get("work"), size, workers),
                bound=per_workers(benchmark.get("bound"), size, workers),
                requires=requires,
                missing=tuple(rules.unmet(requires)),
                cpu_time=bool(facts.get("cpu_time", True)),
            )
        )
    return tuple(made)


def table_options(benchmark, size: dict, names: list[str]) -> Table:
    table = dict(benchmark.get("table", {}))
    floor = table.get("memory_floor")
    if floor is not None and floor not in names:
        raise BenchmarkError(
            f"BENCHMARK['table']['memory_floor'] names {floor!r}, which is not a row "
            f"(rows: {', '.join(map(repr, names))})"
        )
    fraction = table.pop("serial_fraction", None)
    return Table(**table, serial_fraction=None if fraction is None else float(fraction(size)))


def describe(benchmark, size_name: str) -> Description:
    """The example at this size, as everything after this reads it."""
    check(benchmark)
    size = size_for(benchmark, size_name)
    made = variants_of(benchmark, size)
    return Description(
        variants=made,
        size=size,
        table=table_options(benchmark, size, [v.name for v in made]),
        rel_tol=float(benchmark.get("rel_tol", rules.DEFAULT_REL_TOL)),
        compares_results=rules.compares_results(benchmark),
        input_bytes=input_bytes(benchmark, size),
        transcripts={t: tuple(args) for t, args in benchmark.get("transcripts", {}).items()},
    )
