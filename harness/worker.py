"""Time variants of one example, inside a fresh interpreter.

The harness starts ``python -m harness.worker JOB.json`` once per variant (or,
for the smoke profile, once per example, for all its variants in turn), so
that no measured variant inherits another's warm caches, imported modules or
leftover threads; and ``--describe JOB.json`` once per example, to list its
variants. The job is a JSON object (see ``run.time_variants`` and
``run.describe``); the worker writes its report as JSON to ``job["out"] +
".json"``, what each variant returned to ``job["out"] + ".N.pickle"``, and
the name of the variant it is running to ``job["out"] + ".current"`` (so a
crash or a time-out can be put down to the right one).

Given a baseline's pickle, it also checks that each variant returned the
same: here, where the example's own types can be unpickled. When something
goes wrong the report holds ``problem`` (a sentence about the example's
``BENCHMARK`` table or its result) or ``error`` (a traceback from the
example's own code) instead.

This module and ``schema`` use only the standard library: the worker runs in
the interpreter that runs the examples, which may be a bare free-threaded
build, and it must not change what it measures.
"""

import contextlib
import importlib.metadata
import importlib.util
import json
import math
import os
import pickle
import platform
import statistics
import sys
import sysconfig
import time
import traceback
from pathlib import Path

from harness import schema

try:
    import resource  # Unix: CPU time of reaped children, to the microsecond
except ImportError:  # Windows
    resource = None


def load_example(path: Path):
    """Import an example by path, under its own file name.

    The example's folder goes first on ``sys.path``, as it would for
    ``python example.py``; so its sibling modules import, and process pools
    started with spawn or forkserver find the worker functions by module name.
    """
    sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


def python_build() -> dict:
    """This interpreter: version, and whether it is free-threaded with the GIL off.

    Called after the example is imported: a free-threaded build turns the GIL
    back on when it imports an extension module that needs it.
    """
    return {
        "version": platform.python_version(),
        "implementation": platform.python_implementation(),
        "free_threaded": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        "gil_enabled": getattr(sys, "_is_gil_enabled", lambda: True)(),
    }


def library_versions(names) -> dict[str, str]:
    """Installed versions of these distributions, in this interpreter."""
    versions = {}
    for name in sorted(set(names)):
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def cpu_seconds() -> float:
    """CPU time of this process and of every child it has waited for (pool workers).

    ``time.process_time`` and ``getrusage`` count to the microsecond; ``os.times``
    counts clock ticks (10 ms on Linux), which rounds a short call to zero.
    """
    own = time.process_time()
    if resource is None:
        t = os.times()
        return own + t.children_user + t.children_system
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own + children.ru_utime + children.ru_stime


def relative_gap(a, b) -> float:
    """The largest relative difference between the floats of ``a`` and ``b`` (0 if none)."""
    if hasattr(a, "shape") and hasattr(a, "dtype"):
        import numpy as np  # only reached when the example already uses NumPy

        b = np.asarray(b)
        if a.shape != b.shape or not np.issubdtype(a.dtype, np.inexact) or a.size == 0:
            return 0.0
        scale = np.maximum(np.abs(a), np.abs(b))
        with np.errstate(divide="ignore", invalid="ignore"):
            gaps = np.where(scale > 0, np.abs(a - b) / scale, 0.0)
        return float(np.nanmax(gaps))
    if isinstance(a, float) and isinstance(b, int | float):
        scale = max(abs(a), abs(b))
        return abs(a - b) / scale if scale and math.isfinite(scale) else 0.0
    if isinstance(a, dict) and isinstance(b, dict):
        return max((relative_gap(a[k], b[k]) for k in a.keys() & b.keys()), default=0.0)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return max((relative_gap(x, y) for x, y in zip(a, b, strict=False)), default=0.0)
    return 0.0


def beyond(rel_tol: float, gap: float) -> str:
    return (
        f"a relative difference of {gap:.2g}, beyond rel_tol = {rel_tol:g}; if the variants "
        "only add in another order or draw other random numbers, set BENCHMARK['rel_tol'] "
        "to the difference you can explain"
    )


def difference(a, b, rel_tol, where="result"):
    """Where ``a`` and ``b`` first differ, or None when they agree.

    Floats agree within ``rel_tol`` (parallel sums add in another order);
    everything else must be equal. Containers are compared item by item.
    """
    if hasattr(a, "shape") and hasattr(a, "dtype"):
        import numpy as np  # only reached when the example already uses NumPy

        b = np.asarray(b)
        if a.shape != b.shape:
            return f"{where}: shape {a.shape} != {b.shape}"
        if np.issubdtype(a.dtype, np.inexact):
            if np.allclose(a, b, rtol=rel_tol, atol=0, equal_nan=True):
                return None
            return f"{where}: arrays differ, {beyond(rel_tol, relative_gap(a, b))}"
        return None if np.array_equal(a, b) else f"{where}: arrays differ"
    if isinstance(a, float) or isinstance(b, float):
        if not isinstance(b, int | float) or not isinstance(a, int | float):
            return f"{where}: {a!r} != {b!r}"
        if math.isclose(a, b, rel_tol=rel_tol):
            return None
        return f"{where}: {a!r} != {b!r}, {beyond(rel_tol, relative_gap(float(a), b))}"
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return f"{where}: keys differ ({sorted(map(repr, a.keys() ^ b.keys()))[:5]})"
        found = (difference(a[k], b[k], rel_tol, f"{where}[{k!r}]") for k in a)
        return next((d for d in found if d), None)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        if len(a) != len(b):
            return f"{where}: length {len(a)} != {len(b)}"
        found = (
            difference(x, y, rel_tol, f"{where}[{i}]")
            for i, (x, y) in enumerate(zip(a, b, strict=True))
        )
        return next((d for d in found if d), None)
    return None if a == b else f"{where}: {a!r} != {b!r}"


def median_interval(samples: list[float], confidence: float = 0.95):
    """A distribution-free confidence interval for the median, or None with too few samples.

    The k-th smallest and k-th largest samples bracket the true median with
    probability 1 - 2 P(B < k), B ~ Binomial(n, 1/2): no assumption about the
    shape of the distribution (timings are skewed: a few slow outliers).
    """
    ordered, n = sorted(samples), len(samples)
    below, best = 0.0, None
    for k in range(n // 2):
        below += math.comb(n, k) / 2**n  # P(B <= k)
        if 1 - 2 * below < confidence:
            break
        best = k
    return None if best is None else (ordered[best], ordered[n - 1 - best])


SLOW_RUNS = 3


def enough(walls: list[float], stop: dict) -> bool:
    """Whether the median of ``walls`` is known well enough to stop repeating.

    Always at least ``min_runs`` calls and at most ``max_runs``. In between,
    stop once the median's 95 % interval is within ``precision`` of it, or once
    ``max_seconds`` have been timed (a slow variant gets few, long runs). A
    variant so slow that ``SLOW_RUNS`` calls already took ``max_seconds`` stops
    there: a median of three calls of seconds each is known well enough, and
    the full profile would otherwise spend minutes on the slowest row.
    """
    n = len(walls)
    if n >= SLOW_RUNS and sum(walls) >= stop["max_seconds"]:
        return True
    if n < stop["min_runs"]:
        return False
    if n >= stop["max_runs"] or sum(walls) >= stop["max_seconds"]:
        return True
    interval = median_interval(walls)
    if interval is None:
        return False
    return (interval[1] - interval[0]) / 2 <= stop["precision"] * statistics.median(walls)


@contextlib.contextmanager
def workload_of(benchmark: dict, size: dict):
    """The input every variant gets: plain data, or what a context manager yields
    (a server, a cluster), entered here and left when the variants are done."""
    workload = benchmark["workload"](**size)
    if not hasattr(workload, "__enter__"):
        yield workload
        return
    with workload as data:
        yield data


def timed(function, data, warmups: int, stop: dict):
    """Warm up, then time calls until ``enough`` says stop; return the timings and the result."""
    for _ in range(warmups):
        function(data)
    walls, cpus = [], []
    while not enough(walls, stop):
        cpu0, wall0 = cpu_seconds(), time.perf_counter()
        result = function(data)
        wall1, cpu1 = time.perf_counter(), cpu_seconds()
        walls.append(wall1 - wall0)
        cpus.append(cpu1 - cpu0)
    return walls, cpus, result


def describe(job: dict) -> dict:
    """What the parent needs to plan the runs: every variant's record, and the example's facts."""
    benchmark = load_example(Path(job["example"])).BENCHMARK
    built = python_build()  # after the example's imports, which may turn the GIL back on
    schema.check(benchmark)
    size = schema.size_for(benchmark, job["size"], job["profile"])
    scaling = benchmark.get("scaling")
    return {
        "variants": [v.as_dict() for v, _ in schema.variants(benchmark, size)],
        "python": built,
        "size": size,
        "efficiency": bool(benchmark.get("efficiency", False)),
        # False where the work runs in processes that outlive each timed call (a pool
        # the workload started): their CPU time is counted only when they are reaped.
        "cpu_time": bool(benchmark.get("cpu_time", True)),
        "cost": bool(benchmark.get("cost", False)),
        "memory": bool(benchmark.get("memory", False)),
        "input_bytes": schema.input_bytes(benchmark, size),
        "crossover": benchmark.get("crossover"),
        "same_result": bool(benchmark.get("same_result", True)),
        "transcripts": {t: list(args) for t, args in benchmark.get("transcripts", {}).items()},
        "scaling": None
        if scaling is None
        else {"law": scaling["law"], "serial_fraction": float(scaling["serial_fraction"](size))},
    }


def measure_variant(job, known_variant, index, data, baselines, reports) -> str | None:
    """Time one variant on ``data``, check its result, and add its report; or say why not."""
    variant, function = known_variant
    Path(job["out"] + ".current").write_text(variant.name)
    walls, cpus, result = timed(function, data, job["warmups"], job["stop"])
    try:
        payload = pickle.dumps(result)
    except Exception:
        return schema.unsendable(variant.name, result)
    result_path = f"{job['out']}.{index}.pickle"
    Path(result_path).write_bytes(payload)
    report = {"wall": walls, "cpu": cpus, "result": result_path}
    expected_path = baselines.get(variant.baseline)
    if job.get("compare") and expected_path and variant.baseline != variant.name:
        expected = pickle.loads(Path(expected_path).read_bytes())
        report["mismatch"] = difference(result, expected, job["rel_tol"])
        # What the check let through: rows that agree only within rel_tol say by how much.
        report["largest_difference"] = relative_gap(result, expected)
    if variant.baseline == variant.name:
        baselines[variant.name] = result_path
    reports[variant.name] = report
    return None


def measure(job: dict) -> dict:
    """Time each of ``job["variants"]`` in turn, in this interpreter, and report each.

    Each result is pickled to ``job["out"] + ".N.pickle"``. When the example's
    variants must agree (``job["compare"]``), each is checked against its
    baseline's pickle: from ``job["baselines"]`` (measured earlier, in another
    interpreter) or from a baseline timed here before it.
    """
    benchmark = load_example(Path(job["example"])).BENCHMARK
    schema.check(benchmark)
    size = schema.size_for(benchmark, job["size"], job["profile"])
    known = {v.name: (v, f) for v, f in schema.variants(benchmark, size)}
    job = {**job, "rel_tol": benchmark.get("rel_tol", 1e-9)}
    baselines = dict(job.get("baselines") or {})
    reports = {}
    # One input for every variant this interpreter runs (all of an example's, in the
    # smoke profile): a server or a cluster the workload starts is started once.
    with workload_of(benchmark, size) as data:
        for index, name in enumerate(job["variants"]):
            problem = measure_variant(job, known[name], index, data, baselines, reports)
            if problem:
                return {"problem": problem}
    return {"variants": reports}


def example_traceback(error: BaseException) -> str:
    """The traceback as the example's author needs it: without the harness's own frames."""
    shown = traceback.TracebackException.from_exception(error)
    harness = Path(__file__).resolve().parent
    frames = [
        f
        for f in shown.stack
        if not f.filename.startswith("<frozen ") and Path(f.filename).resolve().parent != harness
    ]
    shown.stack = traceback.StackSummary.from_list(frames)
    return "".join(shown.format())


def main(argv):
    if argv[0] == "--interpreter":  # facts about this interpreter, for a parent running another
        print(json.dumps({"python": python_build(), "libraries": library_versions(argv[1:])}))
        return 0
    describing = argv[0] == "--describe"
    job = json.loads(Path(argv[-1]).read_text())
    try:
        report = describe(job) if describing else measure(job)
    except schema.BenchmarkError as error:
        report = {"problem": str(error)}
    except BaseException as error:
        report = {"error": example_traceback(error)}
    Path(job["out"] + ".json").write_text(json.dumps(report))
    return 0 if "problem" not in report and "error" not in report else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
