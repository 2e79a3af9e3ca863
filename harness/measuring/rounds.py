"""Time an example's variants in paired, interleaved rounds.

Every variant runs in an interpreter of its own (``jobs.Worker``), all kept
running side by side; one more runs the first baseline again (the A/A check).
After a watched warm-up each, every round times one sample of each variant,
in alternating order, so that each speedup is a ratio of samples taken
moments apart (``intervals``). A variant that keeps one core busy and starts
no threads or processes is pinned to the same core as the others like it
(``observe``); one that uses several is never restricted. Rounds go on until
every row's interval is narrow enough or the profile's budget is spent.
"""

import contextlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from harness.child import protocol
from harness.core import speedups, stats
from harness.core.paths import ROOT
from harness.core.profiles import Profile
from harness.core.records import Description, Measured, Placement, Reference, Variant
from harness.measuring import jobs, supervise

SEVERAL_CORES = 1.2  # CPU seconds per wall second above which a warm-up used several cores
SLOW_ROUNDS = 3  # an example whose rounds take seconds stops at three, once over budget
LONG_CALL = 1.0  # a warm-up this long shows what it uses; a shorter one: one call more


@dataclass
class Row:
    """One worker and what it has measured."""

    variant: Variant
    worker: jobs.Worker
    twin: str | None = None  # for the A/A worker: the variant it runs again
    placement: Placement | None = None
    loops: int = 1
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    largest_difference: float | None = None
    per_call: float = 0.0  # seconds, in its watched warm-up call
    unpinned: int = 0  # threads or processes it started while pinned, given every core


def placement_of(variant: Variant, seen: protocol.Warmed) -> Placement:
    """Pinned or free, from what the variant declares (cores, or workers: several
    workers are never pinned) or else from what its warm-up was seen to use."""
    ratio = seen.cpu / seen.wall if seen.wall > 0 else 1.0
    if variant.cores is not None:
        cores = "1 core" if variant.cores == 1 else f"{variant.cores} cores"
        return Placement(variant.cores == 1, "declared", ratio, f"{cores}, declared")
    if variant.workers and variant.workers > 1:
        return Placement(False, "declared", ratio, f"{variant.workers} workers, declared")
    if seen.processes or seen.threads:
        what = "processes" if seen.processes else "threads"
        return Placement(False, "seen", ratio, f"starts {what}")
    if ratio > SEVERAL_CORES:
        return Placement(False, "seen", ratio, f"CPU {ratio:.1f}× wall: several cores")
    why = f"CPU {ratio:.1f}× wall, no threads or processes started"
    return Placement(True, "seen", ratio, why)


def measuring_core() -> int | None:
    """The core pinned variants share: the last this process may use. (Taking each
    core in turn, and moving this process to the others, was tried on a 2-core
    machine: pinned samples came out some 15 % slower, and a one-worker pool's
    calls some 40 % slower, than here and than a reader's own run.)"""
    return max(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None


@contextlib.contextmanager
def elsewhere(core: int | None):
    """This thread on every core but ``core`` meanwhile (where there are others)."""
    every = os.sched_getaffinity(0) if core is not None else set()
    others = every - {core}
    if others:
        os.sched_setaffinity(0, others)
    try:
        yield
    finally:
        if others:
            os.sched_setaffinity(0, every)


@dataclass
class Rounds:
    """An example's workers, and the rounds timed on them."""

    description: Description
    profile: Profile
    rows: list[Row]
    workdir: Path
    rounds: int = 0
    spent: float = 0.0  # seconds of timed samples

    def by_name(self, name: str) -> Row:
        return next(r for r in self.rows if r.twin is None and r.variant.name == name)

    def start(self, example: Path, rows: list[Row]) -> None:
        """Workers make the input (untimed): the first alone, then the others at once,
        which find the files it wrote (a generated CSV) instead of each writing its own."""
        first, *others = rows
        for batch in ([first], others):
            for row in batch:
                job = protocol.Start(str(example), row.variant.name, self.description.size)
                row.worker.send(job)
            for row in batch:
                row.worker.receive(self.profile.timeout)

    def make_input(self, example: Path, python: str) -> None:
        """Where memory is the lesson, the input is made first by a worker that then quits:
        a row's worker that made it would keep what that imported and left (memory_steps'
        "nothing read" row: 86 MiB on a cold run, 68 MiB where the file was there)."""
        maker = jobs.Worker("making the input", python)
        try:
            first = self.rows[0].variant.name
            maker.ask(protocol.Start(str(example), first, self.description.size),
                      self.profile.timeout)  # fmt: skip
            maker.quit(self.profile.timeout)
        finally:
            maker.kill()

    def warm(self, rows: list[Row]) -> None:
        """One worker after another (what each uses is watched, undisturbed)."""
        job = protocol.Warm(self.profile.warmups, LONG_CALL, self.profile.min_sample, 100_000)
        for row in rows:
            row.worker.watch_calls()
            seen = row.worker.ask(job, self.profile.timeout)
            row.worker.rose(seen.rise)
            row.placement = placement_of(row.variant, seen)
            row.loops, row.per_call = seen.loops, seen.wall
            if row.twin:  # the A/A check times what its twin times, the same way
                twin = self.by_name(row.twin)
                row.placement, row.loops = twin.placement, twin.loops

    def add_reference(self, example: Path, python: str) -> None:
        """The A/A check: the quickest variant pinned to one core (else the quickest)
        again, in an interpreter of its own: cheap to time beside the others."""
        quickest = sorted(self.rows, key=lambda r: (not r.placement.pinned, r.per_call * r.loops))
        twin = quickest[0].variant
        reference = Row(twin, jobs.Worker(f"{twin.name} (A/A)", python), twin=twin.name)
        self.rows.append(reference)
        self.start(example, [reference])
        self.warm([reference])

    def check_results(self) -> None:
        """Each baseline's result, pickled; every other result compared with it."""
        kept = {}
        for row in self.rows:
            if row.variant.baseline == row.variant.name and row.twin is None:
                path = self.workdir / f"{len(kept)}.pickle"
                row.worker.ask(protocol.Keep(str(path), row.variant.name), self.profile.timeout)
                kept[row.variant.name] = str(path)
        for row in self.rows:
            against = kept.get(row.variant.baseline)
            if against and (row.twin or row.variant.baseline != row.variant.name):
                job = protocol.Check(against, self.description.rel_tol)
                found = row.worker.ask(job, self.profile.timeout)
                if found.mismatch and self.description.compares_results:
                    raise jobs.VariantFailed(
                        f"variants disagree: {row.variant.name!r} returned something other "
                        f"than the baseline {row.variant.baseline!r} ({found.mismatch})"
                    )
                row.largest_difference = found.largest_difference

    def one_round(self, core: int | None) -> None:
        """One sample of every row, in alternating order."""
        order = self.rows if self.rounds % 2 == 0 else self.rows[::-1]
        for row in order:
            job = protocol.Time(row.loops, core if row.placement.pinned else None)
            # Its memory was watched in its warm-up, doing the same: not now, when the
            # watching would take time from the core the samples are timed on.
            got = row.worker.ask(job, self.profile.timeout, watch_memory=False)
            row.walls.append(got.wall)
            row.cpus.append(got.cpu)
            row.unpinned += got.unpinned
            self.spent += got.wall * row.loops
        self.rounds += 1

    def base_of(self, row: Row) -> Row:
        return self.by_name(row.twin or row.variant.baseline)

    def one_core(self, row: Row) -> bool:
        return row.placement.pinned and self.base_of(row).placement.pinned

    def narrow_enough(self, row: Row) -> bool:
        """Whether a row's interval is as narrow as the profile asks: ``precision`` where
        it and its baseline ran on one core, ``precision_several`` where not."""
        base = self.base_of(row)
        if base is row:
            return True
        work = speedups.work_ratio(row.variant, base.variant)
        found = speedups.between(base.walls, row.walls, work)
        wanted = self.profile.precision if self.one_core(row) else self.profile.precision_several
        return found.half_width is not None and found.half_width <= wanted

    def enough(self) -> bool:
        p = self.profile
        if self.rounds >= SLOW_ROUNDS and self.spent >= 2 * p.max_seconds:
            return True  # rounds of seconds each: three are known well enough
        if self.rounds < p.min_rounds:
            return False
        narrow = all(self.narrow_enough(row) for row in self.rows)
        return narrow or self.spent >= p.max_seconds or self.rounds >= p.max_rounds

    def time_until_enough(self) -> None:
        """Rounds until enough, with this process (which waits for the answers) kept
        off the core that pinned samples are timed on, where it can be."""
        core = measuring_core()
        with elsewhere(core):
            while not self.enough():
                self.one_round(core)

    def measured(self) -> dict[str, Measured]:
        found = {}
        for row in self.rows:
            if row.twin:
                continue
            found[row.variant.name] = Measured(
                wall=stats.summarise(row.walls),
                cpu=stats.summarise(row.cpus),
                peak_rss=row.worker.peak,
                largest_difference=row.largest_difference,
                samples=tuple(row.walls),
                loops=row.loops,
                placement=row.placement,
            )
        return found

    def reference(self) -> Reference | None:
        twin = next((r for r in self.rows if r.twin), None)
        return None if twin is None else Reference(twin.twin, tuple(twin.walls))

    def stop(self) -> None:
        """Every worker leaves its workload and exits, all at once (one after another,
        engines' 28 took 25 s); what one left running names it."""
        for row in self.rows:
            row.worker.send(protocol.Quit())
        left = {r.variant.name: r.worker.quit(self.profile.timeout, True) for r in self.rows}
        for name, processes in left.items():
            if processes:
                raise jobs.LeakedProcesses(protocol.naming(name, supervise.leaked(processes)))

    def kill(self) -> None:
        for row in self.rows:
            row.worker.kill()


def with_workers(
    description: Description, profile: Profile, first: jobs.Worker, python: str, workdir: Path,
    root: Path = ROOT,
) -> Rounds:  # fmt: skip
    """A worker for every runnable variant (``first`` runs the first), from the harness
    in ``root``: not started yet."""
    runnable = description.runnable()
    workers = [first] + [jobs.Worker(v.name, python, root) for v in runnable[1:]]
    first.name = runnable[0].name
    rows = [Row(v, w) for v, w in zip(runnable, workers, strict=True)]
    return Rounds(description, profile, rows, workdir)


def measure(
    description: Description, profile: Profile, example: Path, first: jobs.Worker, python: str,
    workdir: Path, say=None,
) -> tuple[dict[str, Measured], Reference | None, int]:  # fmt: skip
    """Time every runnable variant in paired rounds; ``first`` (the worker that described
    the example) runs the first. What each measured, the A/A check, the rounds timed."""
    timed = with_workers(description, profile, first, python, workdir)
    rows = list(timed.rows)
    clock = [time.monotonic()]

    def lap() -> float:
        clock.append(time.monotonic())
        return clock[-1] - clock[-2]

    try:
        if description.table.memory:
            timed.make_input(example, python)
        timed.start(example, rows)
        started = lap()
        timed.warm(rows)
        timed.add_reference(example, python)
        timed.check_results()
        warmed = lap()
        timed.time_until_enough()
        timing = lap()
        timed.stop()
    except BaseException:
        timed.kill()
        raise
    if say:
        say(
            f"{len(rows)} interpreters started in {started:.1f} s, warmed up in {warmed:.1f} s; "
            f"{timed.rounds} rounds in {timing:.1f} s ({timed.spent:.1f} s timed); "
            f"stopped in {lap():.1f} s"
        )
    return timed.measured(), timed.reference(), timed.rounds
