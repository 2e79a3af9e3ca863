"""One variant of one example, in an interpreter of its own: load, time, report.

The harness starts ``python -m harness.child.worker REPLY_FD`` once per variant it
measures (``measuring.jobs.Worker``), so that no variant inherits another's warm
caches, imported modules or leftover threads, and keeps them all running for
the example's paired rounds. It writes one request per line to the worker's
stdin; the worker answers each with one reply on ``REPLY_FD`` (its stdout is
the example's own, which prints). ``protocol`` holds the messages; ``HANDLERS``
below says which method answers each request.

Standard library only, like ``schema`` and ``rules``: the interpreter that runs
the examples may be a bare free-threaded build.
"""

import contextlib
import ctypes
import dataclasses
import gc
import importlib.util
import os
import pickle
import sys
import time
from pathlib import Path

from harness.child import interpreter, protocol, schema
from harness.child.observe import OwnPeak, Pinned, observe
from harness.child.rules import FILES as RULES_FILES
from harness.child.rules import variants as rules
from harness.child.tracebacks import example_traceback, unsendable

OURS = {Path(__file__).resolve().parents[1], *RULES_FILES}


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


def settle(limit: float = 0.5, step: float = 0.002) -> None:
    """Wait until this interpreter's threads stop using the CPU, up to ``limit`` seconds.

    A parallel call returns while its pool's threads still spin, waiting for more
    work: OpenMP's (Numba's prange, Cython's) for some 9 ms of a core after each
    call here. The next variant's sample, in another interpreter, would share a
    core with them, more or less depending on which ran before it: its time would
    jump between rounds and between runs.
    """
    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline:
        before = time.process_time()  # every thread of this process
        time.sleep(step)
        if time.process_time() - before < step / 4:
            return


def release_memory(arrow_pool: bool = False) -> None:
    """Give freed memory back to the system between calls, so that an idle worker holds
    no more than its imports while the others run (glibc keeps freed heap otherwise).

    ``arrow_pool``: PyArrow's pool too (jemalloc or mimalloc keeps what it freed): once
    the input is made (a CSV generated with PyArrow), not between a variant's calls,
    whose next call would then take the memory back from the system, timed."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    if arrow_pool and "pyarrow" in sys.modules:
        with contextlib.suppress(Exception):
            sys.modules["pyarrow"].default_memory_pool().release_unused()


class Variant:
    """The state of this worker: the example, its input, the variant and its last result."""

    def __init__(self):
        self.benchmark = None
        self.workload = contextlib.ExitStack()
        self.run = None
        self.result = None

    def describe(self, job: protocol.Describe) -> protocol.Described:
        self.benchmark = load_example(Path(job.example)).BENCHMARK
        built = interpreter.python_build()  # after the example's imports (the GIL may be back)
        described = schema.describe(self.benchmark, job.size)
        return protocol.Described(dataclasses.asdict(described), built)

    def start(self, job: protocol.Start) -> protocol.Started:
        if self.benchmark is None:
            self.benchmark = load_example(Path(job.example)).BENCHMARK
        self.run = {e.name: e.run for e in rules.entries(self.benchmark)}[job.variant]
        made = self.benchmark["workload"](**job.size)
        self.data = self.workload.enter_context(rules.entered(made))
        release_memory(arrow_pool=True)  # what making the input took and let go is not the calls'
        return protocol.Started(interpreter.python_build())

    def warm(self, job: protocol.Warm) -> protocol.Warmed:
        """Untimed calls, watched, and one more where they were short: what the variant
        uses once it is warm, and how many calls make one sample of ``min_sample``
        seconds. A first call may compile, or start a pool's threads: a short call's
        time would be all about that, and one sample of a 2 ms call one call long."""
        calls = max(job.warmups, 1)
        with observe() as seen:
            with OwnPeak() as peak:  # one call's, as a reader's run of it would take
                self.result = self.run(self.data)
            for _ in range(calls - 1):
                self.result = self.run(self.data)
        if seen.wall / calls < job.long_call:
            calls = 1
            with observe() as seen:  # warm now: what a short first call hid
                self.result = self.run(self.data)
        release_memory()
        per_call = seen.wall / calls
        loops = 1
        if 0 < per_call < job.min_sample:
            loops = min(job.max_loops, int(job.min_sample / per_call) + 1)
        return protocol.Warmed(seen.wall, seen.cpu, seen.threads, seen.processes, loops,
                               peak.rise)  # fmt: skip

    def keep(self, job: protocol.Keep) -> protocol.Kept | protocol.Problem:
        try:
            Path(job.path).write_bytes(pickle.dumps(self.result))
        except Exception:
            return protocol.Problem(unsendable(job.variant, self.result))
        return protocol.Kept()

    def check(self, job: protocol.Check) -> protocol.Checked:
        expected = pickle.loads(Path(job.against).read_bytes())
        return protocol.Checked(
            mismatch=rules.difference(self.result, expected, job.rel_tol),
            # What the check let through: rows that agree within rel_tol say by how much.
            largest_difference=rules.relative_gap(self.result, expected),
        )

    def time(self, job: protocol.Time) -> protocol.Timed:
        """One sample: ``loops`` calls, on one core where the harness pins this variant."""
        with Pinned(job.core) as pinned:
            cpu0, wall0 = rules.cpu_seconds(), time.perf_counter()
            for _ in range(job.loops):
                self.result = self.run(self.data)
            wall1, cpu1 = time.perf_counter(), rules.cpu_seconds()
        settle()  # before the next variant's sample starts
        return protocol.Timed((wall1 - wall0) / job.loops, (cpu1 - cpu0) / job.loops,
                              pinned.unpinned())  # fmt: skip

    def quit(self, job: protocol.Quit) -> protocol.Quitted:
        self.workload.close()
        return protocol.Quitted()


HANDLERS = {
    protocol.Describe: Variant.describe,
    protocol.Start: Variant.start,
    protocol.Warm: Variant.warm,
    protocol.Keep: Variant.keep,
    protocol.Check: Variant.check,
    protocol.Time: Variant.time,
    protocol.Quit: Variant.quit,
}


def answer(variant: Variant, job):
    try:
        return HANDLERS[type(job)](variant, job)
    except schema.BenchmarkError as error:
        return protocol.Problem(str(error))
    except BaseException as error:
        return protocol.Failure(example_traceback(error, OURS))


def main(argv) -> int:
    replies = os.fdopen(int(argv[0]), "w", buffering=1)
    variant = Variant()
    for line in sys.stdin:
        job = protocol.decode(line)
        reply = answer(variant, job)
        replies.write(protocol.encode(reply) + "\n")
        if isinstance(job, protocol.Quit) or isinstance(reply, protocol.Problem | protocol.Failure):
            break
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
