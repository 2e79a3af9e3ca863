"""Read and check an example's ``BENCHMARK`` table, in one place, and turn it into records.

Standard library only: the worker imports it inside the interpreter that runs
the example (which may be a bare free-threaded build). Everything downstream
(measuring, tables, plots, claims) uses the plain ``Variant`` records made
here, never the table itself. A mistake in the table becomes one
``BenchmarkError`` sentence that names the key and, where one is obvious, the
fix; never a traceback from the harness's own code.

The table (see CONTRIBUTING.md)::

    BENCHMARK = {
        "workload": make_input,                  # size's keywords -> the input
        "variants": {
            "sequential": sequential,            # a function of the input, or
            "4 processes": {"run": f, "workers": 4},   # a function and facts about it
            "NumPy": {"one thread": g, ...},     # a group, with its own baseline
        },
        "sizes": {"smoke": {...}, "quick": {...}, "full": {...}},
        # optional: requires, efficiency, bound, work, rel_tol, scaling,
        # same_result, cpu_time, cost, memory, input_bytes, crossover, transcripts
    }
"""

import difflib
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass

from harness import requirements

REQUIRED = ("workload", "variants", "sizes")
# Every key the harness reads, and what it is, for the error messages.
KEYS = {
    "workload": "a function that makes the input from one of the sizes",
    "variants": "name -> function, or name -> {'run': function, ...}, or group -> such a map",
    "sizes": "size name -> keyword arguments for the workload",
    "requires": "what every variant needs, such as ['gpu']",
    "efficiency": "True adds speedup ÷ workers (or ÷ cores)",
    "bound": "f(size, workers) -> the least seconds a variant can take",
    "work": "f(size, workers) -> the work a variant does (weak scaling)",
    "rel_tol": "how closely floating-point results must agree",
    "scaling": "{'law': 'amdahl' or 'gustafson', 'serial_fraction': f(size)}",
    "same_result": "False when variants solve different problems",
    "cpu_time": "False when a variant's workers outlive its timed call",
    "cost": "True adds CPU-seconds and the price of the run on a rented machine",
    "memory": "True shows peak memory in the page's table, not only in the full one",
    "input_bytes": "f(size) -> {name: bytes}: the files the variants read, shown under the table",
    "crossover": "an efficiency, such as 0.9: the first group in which each variant reaches it",
    "transcripts": "title -> arguments to run the script with",
}
VARIANT_KEYS = {
    "run": "the function to time, called with the workload's input",
    "workers": "how many workers (processes, threads, requests in flight) it uses",
    "bound": "f(size) -> the least seconds it can take",
    "work": "f(size) -> the work it does (weak scaling)",
    "requires": "what it needs, such as ['c-compiler']",
    "cpu_time": "False when its workers outlive its timed call (a running cluster)",
}
SCALING_KEYS = ("law", "serial_fraction")
SIZES_SHAPE = (
    "BENCHMARK['sizes'] must map size names to keyword arguments, "
    'such as {"smoke": {"n": 10}, "quick": {"n": 1000}}'
)
VARIANTS_SHAPE = (
    "BENCHMARK['variants'] must map names to functions (or group names to such maps) "
    "and have at least one"
)
LAWS = ("amdahl", "gustafson")


class BenchmarkError(Exception):
    """The ``BENCHMARK`` table is malformed; the message says what to change."""


@dataclass(frozen=True)
class Variant:
    """One row of a table, as the harness knows it before measuring."""

    name: str  # "group: name" inside a group
    group: str | None
    baseline: str  # the row it is compared with: the first of its group that can run
    workers: int | None  # None: the example does not count them
    work: float | None  # weak scaling: the work done, in the example's units
    bound: float | None  # the least seconds it can take, if the example knows
    requires: tuple[str, ...]
    missing: tuple[str, ...]  # why it cannot run on this machine; empty if it can
    cpu_time: bool = True  # False: its workers outlive each call, their CPU time is not counted

    def as_dict(self) -> dict:
        return asdict(self)


def suggestion(key: str, known) -> str:
    close = difflib.get_close_matches(key, list(known), n=1)
    return f"; did you mean {close[0]!r}?" if close else f" (known keys: {', '.join(known)})"


def check_keys(table: Mapping, known, where: str) -> None:
    for key in table:
        if key not in known:
            raise BenchmarkError(f"unknown key {key!r} in {where}{suggestion(str(key), known)}")


def check_requires(value, where: str) -> None:
    if not isinstance(value, list | tuple) or not all(isinstance(r, str) for r in value):
        raise BenchmarkError(f"{where} must be a list of strings, such as ['gpu']")
    for requirement in value:
        try:
            requirements.missing(requirement)
        except requirements.UnknownRequirement as error:
            raise BenchmarkError(f"{where}: {error}") from None


def check(benchmark) -> None:
    """Raise BenchmarkError on the first thing wrong with the table."""
    if not isinstance(benchmark, Mapping):
        raise BenchmarkError(f"BENCHMARK must be a dict, not {type(benchmark).__name__}")
    check_keys(benchmark, KEYS, "BENCHMARK")
    missing = [key for key in REQUIRED if key not in benchmark]
    if missing:
        raise BenchmarkError(
            f"BENCHMARK has no {' or '.join(repr(k) for k in missing)} "
            f"({'; '.join(KEYS[k] for k in missing)})"
        )
    if not callable(benchmark["workload"]):
        raise BenchmarkError("BENCHMARK['workload'] must be a function")
    check_sizes(benchmark["sizes"])
    check_variants(benchmark["variants"])
    for key in ("bound", "work", "input_bytes"):
        if key in benchmark and not callable(benchmark[key]):
            raise BenchmarkError(f"BENCHMARK[{key!r}] must be a function ({KEYS[key]})")
    if "requires" in benchmark:
        check_requires(benchmark["requires"], "BENCHMARK['requires']")
    if "scaling" in benchmark:
        check_scaling(benchmark["scaling"])
    crossover = benchmark.get("crossover")
    if "crossover" in benchmark and (
        isinstance(crossover, bool) or not isinstance(crossover, int | float) or crossover <= 0
    ):
        raise BenchmarkError(
            f"BENCHMARK['crossover'] must be a positive number ({KEYS['crossover']}), "
            f"not {crossover!r}"
        )
    transcripts = benchmark.get("transcripts", {})
    if not isinstance(transcripts, Mapping) or not all(
        isinstance(args, list | tuple) and all(isinstance(a, str) for a in args)
        for args in transcripts.values()
    ):
        raise BenchmarkError(
            "BENCHMARK['transcripts'] must map a title to a list of arguments, "
            'such as {"cprofile": ["--show", "cprofile"]}'
        )


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


def nonempty_mapping(value, what: str) -> Mapping:
    if not isinstance(value, Mapping) or not value:
        raise BenchmarkError(what)
    return value


def check_sizes(sizes) -> None:
    nonempty_mapping(sizes, SIZES_SHAPE)
    for name, arguments in sizes.items():
        if not isinstance(arguments, Mapping):
            raise BenchmarkError(
                f"BENCHMARK['sizes'][{name!r}] must be a dict of keyword arguments for the "
                f"workload, not {type(arguments).__name__}"
            )


def is_variant(value) -> bool:
    """A variant: a function, or a dict that names its function under "run"."""
    return callable(value) or (isinstance(value, Mapping) and "run" in value)


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
    workers = value.get("workers")
    if workers is not None and (not isinstance(workers, int) or workers < 1):
        raise BenchmarkError(f"variant {name!r}: 'workers' must be a whole number, 1 or more")
    for key in ("bound", "work"):
        if key in value and not (callable(value[key]) or isinstance(value[key], int | float)):
            raise BenchmarkError(f"variant {name!r}: {key!r} must be a number or f(size)")
    if "requires" in value:
        check_requires(value["requires"], f"variant {name!r}: 'requires'")


def check_variants(variants) -> None:
    nonempty_mapping(variants, VARIANTS_SHAPE)
    for name, value in variants.items():
        if is_variant(value) or not isinstance(value, Mapping):
            check_variant(name, value)
            continue
        if not value:
            raise BenchmarkError(f"group {name!r} in BENCHMARK['variants'] has no variants")
        for inner, inner_value in value.items():
            check_variant(f"{name}: {inner}", inner_value)


def check_scaling(scaling) -> None:
    if not isinstance(scaling, Mapping):
        raise BenchmarkError("BENCHMARK['scaling'] must be a dict")
    check_keys(scaling, SCALING_KEYS, "BENCHMARK['scaling']")
    if scaling.get("law") not in LAWS:
        raise BenchmarkError(
            f"BENCHMARK['scaling']['law'] must be one of {', '.join(map(repr, LAWS))}, "
            f"not {scaling.get('law')!r}"
        )
    if not callable(scaling.get("serial_fraction")):
        raise BenchmarkError("BENCHMARK['scaling']['serial_fraction'] must be a function")


def size_for(benchmark, size_name: str, profile_name: str) -> dict:
    """The workload's arguments for this profile's size, or a sentence naming the gap."""
    sizes = benchmark["sizes"]
    if size_name not in sizes:
        raise BenchmarkError(
            f"BENCHMARK['sizes'] has no {size_name!r} entry, which the {profile_name} profile "
            f"measures (it has {', '.join(map(repr, sizes))}): add one"
        )
    return dict(sizes[size_name])


def entries(benchmark) -> list[tuple[str, str | None, Mapping | Callable]]:
    """(name, group, declaration) for every variant, in the table's order."""
    found = []
    for name, value in benchmark["variants"].items():
        if is_variant(value):
            found.append((name, None, value))
        else:
            found += [(f"{name}: {inner}", name, v) for inner, v in value.items()]
    return found


def function_of(declaration) -> Callable:
    return declaration if callable(declaration) else declaration["run"]


def evaluated(value, *args):
    """A number declared directly, or computed by a function of the size."""
    if value is None:
        return None
    return float(value(*args)) if callable(value) else float(value)


def variants(benchmark, size: dict) -> list[tuple[Variant, Callable]]:
    """Every variant's record, with the function to time it; the table must be checked."""
    shared = tuple(benchmark.get("requires", ()))
    made, baselines = [], {}
    for name, group, declaration in entries(benchmark):
        facts = {} if callable(declaration) else declaration
        workers = facts.get("workers")
        needs = shared + tuple(facts.get("requires", ()))
        missing = tuple(requirements.unmet(needs))
        if not missing:
            baselines.setdefault(group, name)
        bound = evaluated(facts.get("bound"), size)
        if bound is None and "bound" in benchmark:
            bound = evaluated(benchmark["bound"], size, workers or 1)
        work = evaluated(facts.get("work"), size)
        if work is None and "work" in benchmark:
            work = evaluated(benchmark["work"], size, workers or 1)
        cpu_time = bool(facts.get("cpu_time", True))
        made.append(
            (name, group, workers, work, bound, needs, missing, cpu_time, function_of(declaration))
        )
    return [
        (
            Variant(
                name, group, baselines.get(group, name), workers, work, bound, needs, missing, cpu
            ),
            function,
        )
        for name, group, workers, work, bound, needs, missing, cpu, function in made
    ]


def unsendable(variant: str, result) -> str:
    """Why a variant's result cannot be pickled back to the harness, in one sentence."""
    kind = type(result).__name__
    article = "an" if kind[:1].lower() in "aeiou" else "a"
    lazy = kind in {"generator", "map", "filter", "zip"} or kind.endswith("iterator")
    fix = (
        "return a list"
        if lazy
        else "return plain data (numbers, strings, lists, dicts, NumPy arrays)"
    )
    return (
        f"variant {variant!r} returned {article} {kind}, "
        f"which cannot be sent back to the harness: {fix}"
    )
