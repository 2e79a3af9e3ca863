# /// script
# requires-python = ">=3.11"
# dependencies = []
# [tool.faster-python]
# test = []
# ///
"""Run every variant of an example side by side, check that they agree, print a
table.

Each example script describes its variants in a ``BENCHMARK`` dict and ends
with ``side_by_side.main(BENCHMARK)``. Run as ``python examples/io/threads.py``,
it makes the input at the size asked for (``--size``, and one option for each
argument of the workload), calls every variant on it, checks each result
against its baseline's, and prints how long each took. A variant that needs
what this machine lacks (a GPU, a C compiler, a newer Python) is listed with
the reason. ``--help`` lists the options of that script.

The site's harness reads the same ``BENCHMARK`` dicts with the same rules
(``variants.py``, beside this file), so a script run by hand and the
published tables never disagree about what runs or what counts as the same
result.
"""

import argparse
import inspect
import math
import multiprocessing
import re
import statistics
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from variants import (
    DEFAULT_REL_TOL,
    Entry,
    baselines,
    compares_results,
    cpu_seconds,
    difference,
    entered,
    entries,
    relative_gap,
    unmet,
)

# Told of every variant's timings as the run goes: the site's harness sets it
# when it runs a script as a reader runs it (harness/child/reader.py).
WATCHER = None


def workload_options(benchmark: Mapping) -> dict[str, inspect.Parameter]:
    """The workload's arguments, each an option of the script (--days,
    --url)."""
    signature = inspect.signature(benchmark["workload"])
    return {
        name: p
        for name, p in signature.parameters.items()
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    }


def option_help(workload: Callable) -> dict[str, str]:
    """Lines "name: what it is" in the workload's docstring, as each option's
    help."""
    doc = inspect.getdoc(workload) or ""
    return dict(re.findall(r"(?m)^(\w+): (.+)$", doc))


def option_type(parameter: inspect.Parameter, sizes: Mapping):
    """int, float, str or bool: from the sizes' values, else the default's."""
    seen = [s[parameter.name] for s in sizes.values() if parameter.name in s]
    default = parameter.default
    sample = seen[0] if seen else default
    if sample is None or sample is inspect.Parameter.empty:
        return str
    return type(sample)


def parser_for(benchmark: Mapping, shows: Mapping) -> argparse.ArgumentParser:
    sizes = benchmark["sizes"]
    doc = (sys.modules["__main__"].__doc__ or "").strip()
    parser = argparse.ArgumentParser(
        description=doc.split("\n\n")[0] if doc else None,
        epilog="Options without a value given take theirs from --size.",
    )
    parser.add_argument(
        "--size",
        choices=sizes,
        default="full" if "full" in sizes else next(iter(sizes)),
        help="how much work (default: %(default)s)",
    )
    helps = option_help(benchmark["workload"])
    default_size = parser.get_default("size")
    preset = sizes[default_size]
    for name, p in workload_options(benchmark).items():
        kind = option_type(p, sizes)
        flag = "--" + name.replace("_", "-")
        said = helps.get(name, f"the workload's {name}")
        if name in preset:
            extra = f" (default: the size's; {preset[name]} at {default_size})"
        elif p.default not in (None, inspect.Parameter.empty):
            extra = f" (default: {p.default})"
        else:
            extra = ""
        if kind is bool:
            action = argparse.BooleanOptionalAction
            parser.add_argument(
                flag, dest=name, action=action, help=said + extra
            )
        else:
            parser.add_argument(flag, dest=name, type=kind, help=said + extra)
    parser.add_argument(
        "--only",
        action="append",
        metavar="TEXT",
        help="run only the variants whose name contains TEXT (repeatable)",
    )
    parser.add_argument(
        "--skip",
        action="append",
        metavar="TEXT",
        help="leave out the variants whose name contains TEXT (repeatable)",
    )
    parser.add_argument(
        "--warmups",
        type=int,
        help=(
            "untimed calls of each variant first (default: 1; 0 at --size "
            "smoke)"
        ),
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="timed calls of each (default: 1)"
    )
    # For the site's harness, which runs the script as a reader does and reads
    # this.
    parser.add_argument(
        "--start-method",
        choices=multiprocessing.get_all_start_methods(),
        help="how process pools start their workers (default: the platform's)",
    )
    if shows:
        said = "; ".join(
            f"{name}: {first_line(function)}"
            for name, function in shows.items()
        )
        parser.add_argument(
            "--show",
            choices=shows,
            help=f"instead of timing the variants: {said}",
        )
    return parser


def first_line(function: Callable) -> str:
    """The first line of a function's own docstring ("" for a lambda or a
    partial)."""
    doc = inspect.getdoc(function) if inspect.isfunction(function) else ""
    if not doc or getattr(function, "__name__", "") == "<lambda>":
        return ""
    return doc.splitlines()[0].rstrip(".")


def needs_input(show: Callable) -> bool:
    """Whether a --show function takes the workload's input (an argument without
    default)."""
    kinds = (
        inspect.Parameter.POSITIONAL_ONLY,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
    )
    return any(
        p.kind in kinds and p.default is inspect.Parameter.empty
        for p in inspect.signature(show).parameters.values()
    )


def chosen(name: str, args: argparse.Namespace) -> bool:
    if args.only and not any(part in name for part in args.only):
        return False
    return not (args.skip and any(part in name for part in args.skip))


@dataclass
class Timed:
    walls: list[float]
    cpus: list[float]
    result: object

    @property
    def seconds(self) -> float:
        return statistics.median(self.walls)


def time_calls(run: Callable, data, warmups: int, repeat: int) -> Timed:
    """``repeat`` timed calls (wall and CPU time), after ``warmups`` untimed
    ones."""
    for _ in range(warmups):
        run(data)
    walls, cpus = [], []
    for _ in range(max(repeat, 1)):
        cpu, wall = cpu_seconds(), time.perf_counter()
        result = run(data)
        walls.append(time.perf_counter() - wall)
        cpus.append(cpu_seconds() - cpu)
    return Timed(walls, cpus, result)


def three_figures(value: float) -> str:
    """12.3, 123, 1.23: three significant figures, trailing zeros kept."""
    value = float(f"{value:.3g}")
    decimals = max(0, 2 - math.floor(math.log10(value))) if value > 0 else 2
    return f"{value:.{decimals}f}"


def shown_seconds(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{three_figures(seconds * 1e6):>8} µs"
    if seconds < 1:
        return f"{three_figures(seconds * 1000):>8} ms"
    return f"{seconds:8.2f} s "


def speedup_text(ratio: float) -> str:
    """Three significant figures, never in scientific notation: 0.000839×,
    2.00×, 110×."""
    rounded = float(f"{ratio:.3g}")  # first: 9.996 is 10.0, not 10.00
    return (
        f"{rounded:,.0f}×" if rounded >= 100 else f"{three_figures(rounded)}×"
    )


def work_of(benchmark: Mapping, size: dict, entry: Entry) -> float:
    """The work a variant does, where variants do different amounts (weak
    scaling)."""
    if "work" not in benchmark:
        return 1.0
    return float(benchmark["work"](size, entry.facts.get("workers") or 1))


def check_against(
    benchmark: Mapping, entry: Entry, got: Timed, baseline: Timed
) -> str | None:
    """What differs between the result and the baseline's (None: they agree);
    the watcher, if any, is told."""
    if not compares_results(benchmark):
        told(entry.name, got, None, None)
        return None
    rel_tol = benchmark.get("rel_tol", DEFAULT_REL_TOL)
    mismatch = difference(got.result, baseline.result, rel_tol)
    told(entry.name, got, mismatch, relative_gap(got.result, baseline.result))
    if mismatch:
        print(f"{entry.name!r}: {mismatch}", file=sys.stderr)
    return mismatch


def told(
    name: str, got: Timed, mismatch: str | None, gap: float | None
) -> None:
    if WATCHER is not None:
        WATCHER.timed(name, got.walls, got.cpus, got.result, mismatch, gap)


def run_all(
    benchmark: Mapping, args: argparse.Namespace, size: dict, data
) -> int:
    """Time every chosen variant on ``data`` and print a line each; 1 if any
    disagrees with its baseline."""
    every = entries(benchmark)
    firsts = baselines(every)
    # What --only chose, and the baselines they are compared with.
    wanted = {e.name for e in every if chosen(e.name, args)}
    wanted |= {
        firsts[e.group] for e in every if e.name in wanted and e.group in firsts
    }
    found = [e for e in every if e.name in wanted]
    by_name = {e.name: e for e in every}
    width = max((len(e.name) for e in found), default=10)
    kind = "speedup" if compares_results(benchmark) else "scaled speedup"
    print(f"{'variant':{width}}    time/call  {kind}  result")
    timed: dict[str, Timed] = {}
    warmups = (
        args.warmups if args.warmups is not None else int(args.size != "smoke")
    )
    differs = False
    for entry in found:
        reasons = unmet(entry.facts.get("requires", ()))
        if reasons:
            print(f"{entry.name:{width}}  not run here: {'; '.join(reasons)}")
            continue
        if WATCHER is not None:
            WATCHER.running(entry.name)
        got = timed[entry.name] = time_calls(
            entry.run, data, warmups, args.repeat
        )
        line = f"{entry.name:{width}}  {shown_seconds(got.seconds)}"
        first = by_name[firsts.get(entry.group, entry.name)]
        if first is entry:
            told(entry.name, got, None, None)
            print(f"{line}  {'':{len(kind)}}  baseline")
            continue
        work = work_of(benchmark, size, entry) / work_of(benchmark, size, first)
        ratio = speedup_text(work * timed[first.name].seconds / got.seconds)
        mismatch = check_against(benchmark, entry, got, timed[first.name])
        agreed = "same" if compares_results(benchmark) else "not compared"
        differs |= mismatch is not None
        said = "DIFFERS" if mismatch else agreed
        print(f"{line}  {ratio:>{len(kind)}}  {said}")
    return 1 if differs else 0


def main(benchmark: Mapping, shows: Mapping | None = None, argv=None) -> None:
    """What ``python example.py`` does: parse the options, make the input, and
    time every variant on it (or run one of ``shows`` instead)."""
    shows = shows or {}
    args = parser_for(benchmark, shows).parse_args(argv)
    sys.exit(run(benchmark, shows, args))


def run(benchmark: Mapping, shows: Mapping, args: argparse.Namespace) -> int:
    if args.start_method:
        multiprocessing.set_start_method(args.start_method, force=True)
    show = shows.get(getattr(args, "show", None))
    if show is not None and not needs_input(show):
        show()  # it needs no input: none is made
        return 0
    size = dict(benchmark["sizes"][args.size])
    for name in workload_options(benchmark):
        if getattr(args, name) is not None:
            size[name] = getattr(args, name)
    given = ", ".join(f"{k}={v}" for k, v in size.items())
    with entered(benchmark["workload"](**size)) as data:
        if show is not None:
            show(data)
            return 0
        print(f"Size {args.size}: {given}")
        return run_all(benchmark, args, size, data)


if __name__ == "__main__":
    print(__doc__)
