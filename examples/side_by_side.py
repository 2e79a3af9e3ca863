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

The site's harness reads the same ``BENCHMARK`` dicts, with the same rules:
the requirements and the agreement check below are the ones it uses, so a
script run by hand and the published tables never disagree about what runs
or what counts as the same result.
"""

import argparse
import contextlib
import importlib.util
import inspect
import json
import math
import multiprocessing
import os
import pickle
import re
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

try:
    import resource  # Unix: CPU time of reaped children, to the microsecond
except ImportError:  # Windows
    resource = None

DEFAULT_REL_TOL = 1e-9


# --- the variants of a table ----------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One variant: its name ("group: name" inside a group) and what it
    declares."""

    name: str
    group: str | None
    run: Callable
    # beside "run": workers, requires, …
    facts: Mapping = field(default_factory=dict)


def is_variant(value) -> bool:
    """A function, or a dict that names its function under "run"."""
    return callable(value) or (isinstance(value, Mapping) and "run" in value)


def entries(benchmark: Mapping) -> list[Entry]:
    """Every variant of ``BENCHMARK["variants"]``, in the table's order."""
    found = []
    for name, value in benchmark["variants"].items():
        inner = {name: value} if is_variant(value) else value
        group = None if is_variant(value) else name
        for inner_name, declared in inner.items():
            full = inner_name if group is None else f"{group}: {inner_name}"
            if callable(declared):
                found.append(Entry(full, group, declared))
            else:
                facts = {k: v for k, v in declared.items() if k != "run"}
                found.append(Entry(full, group, declared.get("run"), facts))
    return found


def baselines(found: list[Entry]) -> dict[str | None, str]:
    """The first variant of each group that this machine can run: what the
    others are compared with."""
    chosen: dict[str | None, str] = {}
    for entry in found:
        if not unmet(entry.facts.get("requires", ())):
            chosen.setdefault(entry.group, entry.name)
    return chosen


# --- what a variant may need ----------------------------------------------
# "gpu", "c-compiler", "free-threaded", "python>=3.14", "module:NAME"


@cache
def has_gpu() -> bool:
    smi = shutil.which("nvidia-smi")
    if smi is None:
        return False
    try:
        done = subprocess.run(
            [smi, "-L"], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and "GPU" in done.stdout


@cache
def has_c_compiler() -> bool:
    """A C compiler that builds a shared library: ``$CC``, else Python's, else
    cc."""
    if os.environ.get("CC"):
        candidates = [os.environ["CC"]]
    else:
        candidates = [sysconfig.get_config_var("CC") or "", "cc"]
    found = (
        c.split()[0] for c in candidates if c and shutil.which(c.split()[0])
    )
    compiler = next(found, None)
    if compiler is None:
        return False
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "probe.c"
        source.write_text("int probe(void) { return 0; }\n")
        command = [
            compiler,
            "-shared",
            "-fPIC",
            str(source),
            "-o",
            f"{tmp}/p.so",
        ]
        try:
            built = subprocess.run(command, capture_output=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            return False
    return built.returncode == 0


def has_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


class UnknownRequirement(ValueError):
    """A requirement string that is not one of the known forms."""


VERSION = re.compile(r"python>=(\d+)\.(\d+)")


def missing(requirement: str) -> str | None:
    """Why this machine lacks ``requirement`` ("needs …"), or None if it has
    it."""
    if requirement == "gpu":
        return None if has_gpu() else "needs an NVIDIA GPU"
    if requirement == "c-compiler":
        return (
            None if has_c_compiler() else "needs a working C compiler (set CC)"
        )
    if requirement == "free-threaded":
        if sysconfig.get_config_var("Py_GIL_DISABLED"):
            return None
        return "needs a free-threaded Python build (3.13t or later)"
    if match := VERSION.fullmatch(requirement):
        wanted = (int(match[1]), int(match[2]))
        if sys.version_info >= wanted:
            return None
        return f"needs Python {wanted[0]}.{wanted[1]} or later"
    if requirement.startswith("module:"):
        name = requirement.removeprefix("module:")
        return (
            None
            if has_module(name)
            else f"needs {name} installed for this Python"
        )
    raise UnknownRequirement(
        f"unknown requirement {requirement!r}: use 'gpu', 'c-compiler', "
        "'free-threaded', 'python>=3.14' or 'module:NAME'"
    )


def unmet(requirements) -> list[str]:
    """The reasons for every requirement this machine lacks, in order."""
    return [reason for r in requirements if (reason := missing(r)) is not None]


# --- whether two results agree --------------------------------------------


def relative_gap(a, b) -> float:
    """The largest relative difference between the floats of a and b (0 if
    none)."""
    if hasattr(a, "shape") and hasattr(a, "dtype"):
        import numpy as np  # only reached when the example uses NumPy

        b = np.asarray(b)
        inexact = np.issubdtype(a.dtype, np.inexact)
        if a.shape != b.shape or not inexact or a.size == 0:
            return 0.0
        scale = np.maximum(np.abs(a), np.abs(b))
        with np.errstate(divide="ignore", invalid="ignore"):
            gaps = np.where(scale > 0, np.abs(a - b) / scale, 0.0)
        return float(np.nanmax(gaps))
    if isinstance(a, float) and isinstance(b, int | float):
        scale = max(abs(a), abs(b))
        return abs(a - b) / scale if scale and math.isfinite(scale) else 0.0
    if isinstance(a, dict) and isinstance(b, dict):
        gaps = (relative_gap(a[k], b[k]) for k in a.keys() & b.keys())
        return max(gaps, default=0.0)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        gaps = (relative_gap(x, y) for x, y in zip(a, b, strict=False))
        return max(gaps, default=0.0)
    return 0.0


def beyond(rel_tol: float, gap: float) -> str:
    return (
        f"a relative difference of {gap:.2g}, beyond rel_tol = {rel_tol:g}; "
        "if the variants only add in another order or draw other random "
        "numbers, set BENCHMARK['rel_tol'] to the difference you can explain"
    )


def difference(a, b, rel_tol: float, where: str = "result") -> str | None:
    """Where a and b first differ, or None when they agree.

    Floats agree within ``rel_tol`` (parallel sums add in another order);
    everything else must be equal. Containers are compared item by item.
    """
    if hasattr(a, "shape") and hasattr(a, "dtype"):
        return array_difference(a, b, rel_tol, where)
    if isinstance(a, float) or isinstance(b, float):
        if not isinstance(b, int | float) or not isinstance(a, int | float):
            return f"{where}: {a!r} != {b!r}"
        if math.isclose(a, b, rel_tol=rel_tol):
            return None
        gap = relative_gap(float(a), b)
        return f"{where}: {a!r} != {b!r}, {beyond(rel_tol, gap)}"
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            keys = sorted(map(repr, a.keys() ^ b.keys()))[:5]
            return f"{where}: keys differ ({keys})"
        found = (difference(a[k], b[k], rel_tol, f"{where}[{k!r}]") for k in a)
        return next((d for d in found if d), None)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        if len(a) != len(b):
            return f"{where}: length {len(a)} != {len(b)}"
        pairs = enumerate(zip(a, b, strict=True))
        found = (
            difference(x, y, rel_tol, f"{where}[{i}]") for i, (x, y) in pairs
        )
        return next((d for d in found if d), None)
    return None if a == b else f"{where}: {a!r} != {b!r}"


def array_difference(a, b, rel_tol: float, where: str) -> str | None:
    import numpy as np  # only reached when the example uses NumPy

    b = np.asarray(b)
    if a.shape != b.shape:
        return f"{where}: shape {a.shape} != {b.shape}"
    if np.issubdtype(a.dtype, np.inexact):
        if np.allclose(a, b, rtol=rel_tol, atol=0, equal_nan=True):
            return None
        return f"{where}: arrays differ, {beyond(rel_tol, relative_gap(a, b))}"
    return None if np.array_equal(a, b) else f"{where}: arrays differ"


def compares_results(benchmark: Mapping) -> bool:
    """Whether variants must return what their baseline returns: not where each
    does a different amount of work (weak scaling declares ``work``)."""
    return "work" not in benchmark


@contextlib.contextmanager
def entered(workload):
    """The input every variant gets: plain data, or what a context manager
    yields (a server, a cluster), left when the variants are done."""
    if not hasattr(workload, "__enter__"):
        yield workload
        return
    with workload as data:
        yield data


# --- a reader's run -------------------------------------------------------


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
    parser.add_argument("--report", metavar="PATH", help=argparse.SUPPRESS)
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


def cpu_seconds() -> float:
    """CPU time of this process and of the children it has waited for (pool
    workers), to the microsecond (``os.times`` counts 10 ms ticks on Linux)."""
    own = time.process_time()
    if resource is None:  # Windows
        t = os.times()
        return own + t.children_user + t.children_system
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own + children.ru_utime + children.ru_stime


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


def unsendable(variant: str, result) -> str:
    """Why a variant's result cannot be pickled (sent between processes), in one
    sentence."""
    kind = type(result).__name__
    article = "an" if kind[:1].lower() in "aeiou" else "a"
    lazy = kind in {"generator", "map", "filter", "zip"} or kind.endswith(
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


def example_traceback(error: BaseException, ours: set[Path]) -> str:
    """The traceback as an example's author needs it: without the frames of the
    files and folders in ``ours`` (this file, the harness)."""
    shown = traceback.TracebackException.from_exception(error)
    frames = [
        f
        for f in shown.stack
        if not f.filename.startswith("<frozen ")
        and not ours
        & {Path(f.filename).resolve(), Path(f.filename).resolve().parent}
    ]
    shown.stack = traceback.StackSummary.from_list(frames)
    return "".join(shown.format())


class Report:
    """What ``--report PATH`` writes, for the site's harness: each variant's
    timings and how far its result is from its baseline's, as JSON; or what
    stopped the run. While a variant runs, ``PATH.current`` holds its name."""

    def __init__(self, path: str | None):
        self.path = path
        self.variants: dict[str, dict] = {}

    def running(self, name: str) -> None:
        if self.path:
            Path(f"{self.path}.current").write_text(name)

    def add(
        self, name: str, got: Timed, mismatch: str | None, gap: float | None
    ) -> None:
        self.variants[name] = {
            "wall": got.walls,
            "cpu": got.cpus,
            "mismatch": mismatch,
            "largest_difference": gap,
        }

    def write(self, **ended) -> None:
        if self.path:
            answer = ended or {"variants": self.variants}
            Path(self.path).write_text(json.dumps(answer))


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
    benchmark: Mapping,
    entry: Entry,
    got: Timed,
    baseline: Timed,
    report: Report,
) -> str:
    """Whether the result agrees with the baseline's: "same", "DIFFERS", "not
    compared"."""
    if not compares_results(benchmark):
        report.add(entry.name, got, None, None)
        return "not compared"
    rel_tol = benchmark.get("rel_tol", DEFAULT_REL_TOL)
    mismatch = difference(got.result, baseline.result, rel_tol)
    report.add(
        entry.name, got, mismatch, relative_gap(got.result, baseline.result)
    )
    if mismatch:
        print(f"{entry.name!r}: {mismatch}", file=sys.stderr)
    return "same" if mismatch is None else "DIFFERS"


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
    report = Report(args.report)
    warmups = (
        args.warmups if args.warmups is not None else int(args.size != "smoke")
    )
    for entry in found:
        reasons = unmet(entry.facts.get("requires", ()))
        if reasons:
            print(f"{entry.name:{width}}  not run here: {'; '.join(reasons)}")
            continue
        report.running(entry.name)
        got = timed[entry.name] = time_calls(
            entry.run, data, warmups, args.repeat
        )
        if args.report and not sendable(got.result):
            return report.write(problem=unsendable(entry.name, got.result)) or 1
        line = f"{entry.name:{width}}  {shown_seconds(got.seconds)}"
        first = by_name[firsts.get(entry.group, entry.name)]
        if first is entry:
            report.add(entry.name, got, None, None)
            print(f"{line}  {'':{len(kind)}}  baseline")
            continue
        work = work_of(benchmark, size, entry) / work_of(benchmark, size, first)
        ratio = speedup_text(work * timed[first.name].seconds / got.seconds)
        agreed = check_against(benchmark, entry, got, timed[first.name], report)
        print(f"{line}  {ratio:>{len(kind)}}  {agreed}")
    report.write()
    return 1 if any(v["mismatch"] for v in report.variants.values()) else 0


def sendable(result) -> bool:
    try:
        pickle.dumps(result)
    except Exception:
        return False
    return True


def main(benchmark: Mapping, shows: Mapping | None = None, argv=None) -> None:
    """What ``python example.py`` does: parse the options, make the input, and
    time every variant on it (or run one of ``shows`` instead)."""
    shows = shows or {}
    args = parser_for(benchmark, shows).parse_args(argv)
    if not args.report:
        sys.exit(run(benchmark, shows, args))
    try:
        code = run(benchmark, shows, args)
    # the harness shows the example's own traceback
    except BaseException as error:
        Report(args.report).write(
            error=example_traceback(error, {Path(__file__).resolve()})
        )
        code = 1
    sys.exit(code)


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
