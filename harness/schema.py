"""Read and check an example's ``BENCHMARK`` table, in one place.

Standard library only: the worker imports it inside the interpreter that runs
the example (which may be a bare free-threaded build). A mistake in the table
becomes one ``BenchmarkError`` sentence that names the key and, where one is
obvious, the fix; never a traceback from the harness's own code.
"""

import difflib
from collections.abc import Callable, Mapping

REQUIRED = ("workload", "variants", "sizes")
# Every key the harness reads, and what it is, for the error messages.
KEYS = {
    "workload": "a function that makes the input from one of the sizes",
    "variants": "name -> function, or group name -> {name -> function}",
    "sizes": "size name -> keyword arguments for the workload",
    "efficiency": "True adds speedup ÷ cores",
    "bound": "f(variant, size) -> the least seconds a variant can take",
    "rel_tol": "how closely floating-point results must agree",
    "workers": "f(variant) -> the workers it uses",
    "scaling": "a scaling law to compare with",
    "same_result": "False when variants solve different problems",
    "cpu_time": "False when a variant's workers outlive its timed call",
    "transcripts": "title -> arguments to run the script with",
}
SCALING_KEYS = ("law", "workers", "work", "serial_fraction")
LAWS = ("amdahl", "gustafson")


class BenchmarkError(Exception):
    """The ``BENCHMARK`` table is malformed; the message says what to change."""


def suggestion(key: str, known) -> str:
    close = difflib.get_close_matches(key, list(known), n=1)
    return f"; did you mean {close[0]!r}?" if close else f" (known keys: {', '.join(known)})"


def check_keys(table: Mapping, known, where: str) -> None:
    for key in table:
        if key not in known:
            raise BenchmarkError(f"unknown key {key!r} in {where}{suggestion(str(key), known)}")


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
    for key in ("bound", "workers"):
        if key in benchmark and not callable(benchmark[key]):
            raise BenchmarkError(f"BENCHMARK[{key!r}] must be a function ({KEYS[key]})")
    if "scaling" in benchmark:
        check_scaling(benchmark["scaling"])
    transcripts = benchmark.get("transcripts", {})
    if not isinstance(transcripts, Mapping) or not all(
        isinstance(args, list | tuple) and all(isinstance(a, str) for a in args)
        for args in transcripts.values()
    ):
        raise BenchmarkError(
            "BENCHMARK['transcripts'] must map a title to a list of arguments, "
            'such as {"cprofile": ["--show", "cprofile"]}'
        )


def check_sizes(sizes) -> None:
    if not isinstance(sizes, Mapping) or not sizes:
        raise BenchmarkError(
            "BENCHMARK['sizes'] must map size names to keyword arguments, "
            'such as {"smoke": {"n": 10}, "quick": {"n": 1000}}'
        )
    for name, arguments in sizes.items():
        if not isinstance(arguments, Mapping):
            raise BenchmarkError(
                f"BENCHMARK['sizes'][{name!r}] must be a dict of keyword arguments for the "
                f"workload, not {type(arguments).__name__}"
            )


def check_variants(variants) -> None:
    if not isinstance(variants, Mapping) or not variants:
        raise BenchmarkError(
            "BENCHMARK['variants'] must map names to functions (or group names to such maps) "
            "and have at least one"
        )
    for name, value in variants.items():
        inner = value.items() if isinstance(value, Mapping) else [(None, value)]
        if isinstance(value, Mapping) and not value:
            raise BenchmarkError(f"group {name!r} in BENCHMARK['variants'] has no variants")
        for inner_name, function in inner:
            if not callable(function):
                shown = name if inner_name is None else f"{name}: {inner_name}"
                raise BenchmarkError(
                    f"variant {shown!r} is {type(function).__name__}, not a function "
                    "that takes the workload's input"
                )


def check_scaling(scaling) -> None:
    if not isinstance(scaling, Mapping):
        raise BenchmarkError("BENCHMARK['scaling'] must be a dict")
    check_keys(scaling, SCALING_KEYS, "BENCHMARK['scaling']")
    if scaling.get("law") not in LAWS:
        raise BenchmarkError(
            f"BENCHMARK['scaling']['law'] must be one of {', '.join(map(repr, LAWS))}, "
            f"not {scaling.get('law')!r}"
        )
    for key in ("workers", "serial_fraction"):
        if not callable(scaling.get(key)):
            raise BenchmarkError(f"BENCHMARK['scaling'][{key!r}] must be a function")


def size_for(benchmark, size_name: str, profile_name: str) -> dict:
    """The workload's arguments for this profile's size, or a sentence naming the gap."""
    sizes = benchmark["sizes"]
    if size_name not in sizes:
        raise BenchmarkError(
            f"BENCHMARK['sizes'] has no {size_name!r} entry, which the {profile_name} profile "
            f"measures (it has {', '.join(map(repr, sizes))}): add one"
        )
    return dict(sizes[size_name])


def flat_variants(benchmark) -> dict[str, tuple[str | None, Callable]]:
    """Every variant by its name in the results, with the group it belongs to (or None).

    A group (``{"NumPy": {"one thread": f, "2 threads": g}}``) is compared with
    its own first variant.
    """
    flat = {}
    for name, value in benchmark["variants"].items():
        if isinstance(value, Mapping):
            flat.update({f"{name}: {inner}": (name, fn) for inner, fn in value.items()})
        else:
            flat[name] = (None, value)
    return flat


def unsendable(variant: str, result) -> str:
    """Why a variant's result cannot be pickled back to the harness, in one sentence."""
    kind = type(result).__name__
    article = "an" if kind[:1].lower() in "aeiou" else "a"
    lazy = kind in {"generator", "map", "filter", "zip", "range_iterator"} or kind.endswith(
        "iterator"
    )
    fix = (
        "return a list"
        if lazy
        else "return plain data (numbers, strings, lists, dicts, NumPy arrays)"
    )
    return (
        f"variant {variant!r} returned {article} {kind}, "
        f"which cannot be sent back to the harness: {fix}"
    )
