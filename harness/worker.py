"""Time variants of one example inside a fresh interpreter: load, time, report.

The harness starts ``python -m harness.worker JOB.json`` in a process of its own
(``jobs.run``), so that no measured variant inherits another's warm caches,
imported modules or leftover threads. The job (a JSON object) says what to do:

- ``describe``: check the example's ``BENCHMARK`` and describe it at a size
  (``schema.describe``), with the interpreter it runs in;
- ``measure``: time ``variants`` in turn on one input, each warmed up, then
  called until ``stopping.enough``; pickle what each returned to
  ``out + ".N.pickle"`` and, where results are compared, check it against its
  baseline's pickle (here, where the example's own types unpickle).

The worker writes the name of the variant it is running to ``out + ".current"``
(so that a crash or a time-out is put down to the right one) and its report to
``out + ".json"``: the answer, or ``problem`` (a sentence about the example's
table or result) or ``error`` (a traceback from the example's own code).

Standard library only, like ``schema`` and ``rules``: the interpreter that runs
the examples may be a bare free-threaded build, and nothing here may change what
it measures.
"""

import dataclasses
import importlib.util
import json
import os
import pickle
import sys
import time
from pathlib import Path

from harness import interpreter, rules, schema, stopping

try:
    import resource  # Unix: CPU time of reaped children, to the microsecond
except ImportError:  # Windows
    resource = None


def load_example(path: Path):
    """Import an example by path, under its own file name, its folder first on ``sys.path``
    as for ``python example.py``: its sibling modules import, and pools started with spawn
    or forkserver find its functions by module name."""
    sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


def cpu_seconds() -> float:
    """CPU time of this process and of every child it has waited for (pool workers).

    ``getrusage`` counts to the microsecond; ``os.times`` counts clock ticks
    (10 ms on Linux), which rounds a short call to zero.
    """
    own = time.process_time()
    if resource is None:
        t = os.times()
        return own + t.children_user + t.children_system
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own + children.ru_utime + children.ru_stime


def timed(function, data, warmups: int, stop: dict):
    """Warm up, then time calls until ``stopping.enough``; the timings and the last result."""
    for _ in range(warmups):
        function(data)
    walls, cpus = [], []
    while not stopping.enough(walls, stop):
        cpu0, wall0 = cpu_seconds(), time.perf_counter()
        result = function(data)
        wall1, cpu1 = time.perf_counter(), cpu_seconds()
        walls.append(wall1 - wall0)
        cpus.append(cpu1 - cpu0)
    return walls, cpus, result


def describe(job: dict) -> dict:
    benchmark = load_example(Path(job["example"])).BENCHMARK
    built = interpreter.python_build()  # after the example's imports (the GIL may be back)
    description = schema.describe(benchmark, job["size"])
    return {"description": dataclasses.asdict(description), "python": built}


def compared(job: dict, name: str, result, baselines: dict) -> dict:
    """The result's agreement with its baseline's, where the job compares results."""
    baseline = job["baseline_of"][name]
    if not job["compare"] or baseline == name or baseline not in baselines:
        return {}
    expected = pickle.loads(Path(baselines[baseline]).read_bytes())
    return {
        "mismatch": rules.difference(result, expected, job["rel_tol"]),
        # What the check let through: rows that agree only within rel_tol say by how much.
        "largest_difference": rules.relative_gap(result, expected),
    }


def measure(job: dict) -> dict:
    """Time each of ``job["variants"]`` in turn on one input; the report of each by name.

    One input for every variant this interpreter runs: a server or a cluster the
    workload starts is started once.
    """
    benchmark = load_example(Path(job["example"])).BENCHMARK
    functions = {entry.name: entry.run for entry in rules.entries(benchmark)}
    baselines = dict(job["baselines"])  # a baseline's name -> its pickled result
    reports = {}
    with rules.entered(benchmark["workload"](**job["size"])) as data:
        for index, name in enumerate(job["variants"]):
            Path(job["out"] + ".current").write_text(name)
            walls, cpus, result = timed(functions[name], data, job["warmups"], job["stop"])
            try:
                payload = pickle.dumps(result)
            except Exception:
                return {"problem": rules.unsendable(name, result)}
            path = f"{job['out']}.{index}.pickle"
            Path(path).write_bytes(payload)
            reports[name] = {"wall": walls, "cpu": cpus, "result": path}
            reports[name].update(compared(job, name, result, baselines))
            if job["baseline_of"][name] == name:
                baselines[name] = path
    return {"variants": reports}


def main(argv) -> int:
    job = json.loads(Path(argv[0]).read_text())
    try:
        report = describe(job) if job["mode"] == "describe" else measure(job)
    except schema.BenchmarkError as error:
        report = {"problem": str(error)}
    except BaseException as error:
        ours = {Path(__file__).resolve().parent, Path(rules.side_by_side.__file__).resolve()}
        report = {"error": rules.example_traceback(error, ours)}
    Path(job["out"] + ".json").write_text(json.dumps(report))
    return 0 if "problem" not in report and "error" not in report else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
