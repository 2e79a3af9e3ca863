"""Time one variant of one example, inside a fresh interpreter.

The harness starts, once per variant,

    python -m harness.worker EXAMPLE VARIANT SIZE WARMUPS REPEATS MIN_SECONDS OUT [BASELINE]

(and ``--describe EXAMPLE`` once, to list the variants), so that no variant
inherits another's warm caches, imported modules or leftover threads. This
module uses only the standard library: it must not change what it measures.

It writes ``OUT.json`` with the samples, and ``OUT.pickle`` with what the
variant returned. Given the baseline's pickle, it also checks that this
variant returned the same: here, where the example's own types can be
unpickled. If the example raises, ``OUT.json`` holds the traceback instead.
"""

import importlib.metadata
import importlib.util
import json
import math
import os
import pickle
import platform
import sys
import sysconfig
import time
import traceback
from pathlib import Path


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
    """CPU time of this process and of every child it has waited for (pool workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def flat_variants(benchmark) -> dict:
    """Every variant by its name in the results, with the group it belongs to (or None).

    ``BENCHMARK["variants"]`` maps names to functions, or group names to such
    maps: a group is compared with its own first variant (say "pure Python"
    and "NumPy" on one page, each with its sequential baseline).
    """
    flat = {}
    for name, value in benchmark["variants"].items():
        if isinstance(value, dict):
            flat.update({f"{name}: {inner}": (name, fn) for inner, fn in value.items()})
        else:
            flat[name] = (None, value)
    return flat


def scaling_facts(benchmark, variant, size) -> dict:
    """The workers a variant used (and, scaling, the work it did), if the example says."""
    scaling = benchmark.get("scaling")
    if scaling is None:
        workers = benchmark.get("workers")
        return {} if workers is None else {"workers": int(workers(variant))}
    work = scaling.get("work")
    return {
        "workers": int(scaling["workers"](variant)),
        "work": 1.0 if work is None else float(work(variant, size)),
    }


def lower_bound(benchmark, variant, size):
    """The example's own floor for this variant, if it declares one."""
    bound = benchmark.get("bound")
    return None if bound is None else float(bound(variant, size))


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
        same = (
            np.allclose(a, b, rtol=rel_tol, atol=0, equal_nan=True)
            if np.issubdtype(a.dtype, np.inexact)
            else np.array_equal(a, b)
        )
        return None if same else f"{where}: arrays differ"
    if isinstance(a, float) or isinstance(b, float):
        close = isinstance(b, int | float) and math.isclose(a, b, rel_tol=rel_tol)
        return None if close else f"{where}: {a!r} != {b!r}"
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


# However fast a variant is, stop repeating it after this many timed calls.
MAX_REPEATS = 200


def run(example, variant_name, size_name, warmups, repeats, min_seconds):
    """Time at least ``repeats`` calls, and keep going until ``min_seconds`` are timed.

    Fast variants so get many samples and a steady median; slow ones the minimum.
    """
    module = load_example(Path(example))
    benchmark = module.BENCHMARK
    size = benchmark["sizes"][size_name]
    _, variant = flat_variants(benchmark)[variant_name]
    workload = benchmark["workload"](**size)
    # A workload may be a context manager (a server to start and stop) or plain data.
    entered = hasattr(workload, "__enter__")
    data = workload.__enter__() if entered else workload
    try:
        for _ in range(warmups):
            variant(data)
        walls, cpus = [], []
        while len(walls) < repeats or (sum(walls) < min_seconds and len(walls) < MAX_REPEATS):
            cpu0, wall0 = cpu_seconds(), time.perf_counter()
            result = variant(data)
            wall1, cpu1 = time.perf_counter(), cpu_seconds()
            walls.append(wall1 - wall0)
            cpus.append(cpu1 - cpu0)
    finally:
        if entered:
            workload.__exit__(*sys.exc_info())
    return {
        "wall": walls,
        "cpu": cpus,
        "bound": lower_bound(benchmark, variant, size),
        **scaling_facts(benchmark, variant, size),
    }, result


def describe(example):
    """What the parent needs to plan the runs: the variants, in order, and the sizes."""
    benchmark = load_example(Path(example)).BENCHMARK
    built = python_build()  # after the example's imports, which may turn the GIL back on
    missing = {"workload", "variants", "sizes"} - benchmark.keys()
    if missing:
        raise KeyError(f"BENCHMARK has no {', '.join(sorted(missing))}")
    flat = flat_variants(benchmark)
    scaling = benchmark.get("scaling")
    return {
        "variants": list(flat),
        "groups": [group for group, _ in flat.values()],
        "python": built,
        "sizes": benchmark["sizes"],
        "efficiency": bool(benchmark.get("efficiency", False)),
        # False where the work runs in processes that outlive each timed call (a pool
        # the workload started): their CPU time is counted only when they are reaped.
        "cpu_time": bool(benchmark.get("cpu_time", True)),
        "same_result": bool(benchmark.get("same_result", True)),
        "transcripts": benchmark.get("transcripts", {}),
        "scaling": None
        if scaling is None
        else {
            "law": scaling["law"],
            "serial_fraction": {
                name: float(scaling["serial_fraction"](size))
                for name, size in benchmark["sizes"].items()
            },
        },
    }


def main(argv):
    if argv[0] == "--interpreter":  # facts about this interpreter, for a parent running another
        print(json.dumps({"python": python_build(), "libraries": library_versions(argv[1:])}))
        return 0
    if argv[0] == "--describe":
        try:
            print(json.dumps(describe(argv[1])))
        except BaseException:
            print(json.dumps({"error": traceback.format_exc()}))
            return 1
        return 0
    example, variant_name, size_name, warmups, repeats, min_seconds, out, *baseline = argv
    out = Path(out)
    try:
        report, result = run(
            example, variant_name, size_name, int(warmups), int(repeats), float(min_seconds)
        )
        if baseline:
            with open(baseline[0], "rb") as f:
                expected = pickle.load(f)
            rel_tol = sys.modules[Path(example).stem].BENCHMARK.get("rel_tol", 1e-9)
            report["mismatch"] = difference(result, expected, rel_tol)
    except BaseException:
        out.with_suffix(".json").write_text(json.dumps({"error": traceback.format_exc()}))
        return 1
    with out.with_suffix(".pickle").open("wb") as f:
        pickle.dump(result, f)
    out.with_suffix(".json").write_text(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
