"""``python -m harness compare-commits BASE HEAD [EXAMPLE…]``: what a change did to each row.

Each example is measured at both commits in one run, interleaved round by
round: every variant of the base and of the head in an interpreter of its
own, one sample of each per round, so that the head's time for a row is
compared with the base's moments apart, on the same core where the row runs
on one (the paired method of ``rounds``). Each commit's examples run with its
own harness and ``side_by_side`` (a change to how samples are timed shows),
both with this environment's libraries (a change to ``uv.lock`` is not
measured: it says so).

Which examples: those named, else those whose files (or the modules they
import) the change touches; a change to the harness adds a fixed set. A row
is *slower* or *faster* when its interval lies beyond 1 and the change is
larger than ``--factor`` (10 %, asv's default: a change too small to matter
is not flagged however sure it is). The table is Markdown, for a pull
request's job summary; the last line, which tooling reads::

    compared N rows in K examples: S slower, F faster, the rest within
"""

import contextlib
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import msgspec

from harness.core import formats, intervals, speedups
from harness.core.intervals import Ratio
from harness.core.paths import ROOT
from harness.core.profiles import Profile
from harness.measuring import jobs, rounds
from harness.measuring.discover import Example, UnknownPart, discover, taking_part
from harness.measuring.example import ExampleFailed, describe

# A change to these compares the examples that declare ``compare-commits`` (one-core,
# several-core and DataFrame rows), whether or not it touches their files.
HARNESS = ("harness/", "examples/side_by_side.py", "examples/variants.py")
LIBRARIES = ("pyproject.toml", "uv.lock")
WORKER = "harness/child/worker.py"  # what a commit's harness runs in each child


class CommitsError(Exception):
    """What cannot be compared, in a sentence."""


@dataclass(frozen=True)
class Change:
    """One row at both commits."""

    example: str
    name: str
    before: Ratio | None  # its speedup at the base (None: the group's baseline)
    after: Ratio | None
    time: Ratio  # the base's time ÷ the head's, round by round: above 1, the head is faster
    verdict: str  # "slower", "faster", "within", or "no interval" (too few rounds)


def git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise CommitsError(f"git {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout.strip()


def resolved(revision: str) -> str:
    try:
        return git("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    except CommitsError:
        raise CommitsError(f"{revision!r} is not a commit in {ROOT}") from None


def checkout(commit: str, folder: Path) -> Path:
    """The commit's files (``git archive``), without touching this checkout."""
    folder.mkdir(parents=True)
    archived = ["git", "archive", commit]
    with (
        subprocess.Popen(archived, cwd=ROOT, stdout=subprocess.PIPE) as made,
        tarfile.open(fileobj=made.stdout, mode="r|") as archive,
    ):
        archive.extractall(folder, filter="data")
    return folder


def unmeasurable(label: str, commit: str, root: Path) -> None:
    """CommitsError where a commit's own harness cannot measure (each side runs its own)."""
    if not (root / WORKER).exists():
        raise CommitsError(
            f"the {label} commit {commit[:10]} has no {WORKER}: it predates the harness's "
            "layout, and each commit is measured with its own harness; pick a later one"
        )


def chosen(head: Path, changed: list[str], only: list[str]) -> list[str]:
    """Example ids to compare: those named, else those the change touches (and the
    fixed set where it touches the harness)."""
    examples = discover(head / "examples")
    if only:
        return [e.id for e in examples if any(o in e.id for o in only)]
    touched = set(changed)
    found = [e.id for e in examples if touched & set(files_of(e, head))]
    if any(path.startswith(HARNESS) for path in changed):
        try:
            fixed = taking_part("compare-commits", head / "examples")
        except UnknownPart as error:
            raise CommitsError(str(error)) from None
        found += [i for i in fixed if i not in found]
    return sorted(found)


def files_of(example: Example, root: Path) -> list[str]:
    """Its files as the diff names them (``side_by_side`` is found in this checkout)."""
    found = [example.path, *example.local_modules]
    return [p.relative_to(root if p.is_relative_to(root) else ROOT).as_posix() for p in found]


def prepared(example: Example, root: Path, profile: Profile, python: str, workdir: Path):
    """One commit's workers for the example: described, started, warmed up, checked."""
    try:
        description, _, first = describe(example, profile, python, root)
    except msgspec.ValidationError as error:
        raise jobs.VariantFailed(f"describes itself in another format ({error})") from None
    timed = rounds.with_workers(description, profile, first, python, workdir, root)
    try:
        timed.start(example.path, timed.rows)
        timed.warm(timed.rows)
        timed.check_results()
    except BaseException:
        timed.kill()
        raise
    return timed


def interleaved(sides: list[rounds.Rounds]) -> None:
    """Rounds of both commits in turn, until each has enough (its own rule)."""
    core = rounds.measuring_core()
    with rounds.elsewhere(core):
        turn = 0
        while not all(side.enough() for side in sides):
            for side in sides if turn % 2 == 0 else sides[::-1]:
                side.one_round(core)
            turn += 1


def verdict(time: Ratio, factor: float) -> str:
    """How the head's time compares with the base's (``time``: the base's over the
    head's): moved beyond its interval from 1 (the rule of two runs, ``intervals.moved``)
    and by more than ``factor``."""
    beyond = intervals.moved(Ratio(1.0), time)
    if beyond is None:
        return "no interval"
    if beyond and time.value < 1 / factor:
        return "slower"
    if beyond and time.value > factor:
        return "faster"
    return "within"


def speedup(side: rounds.Rounds, row: rounds.Row) -> Ratio | None:
    base = side.base_of(row)
    work = speedups.work_ratio(row.variant, base.variant)
    return None if base is row else speedups.between(base.walls, row.walls, work)


def changes(example_id: str, base: rounds.Rounds, head: rounds.Rounds, factor: float):
    at_base = {row.variant.name: row for row in base.rows}
    for row in head.rows:
        before = at_base.get(row.variant.name)
        if before is None:
            continue
        time = speedups.between(before.walls, row.walls)
        yield Change(example_id, row.variant.name, speedup(base, before), speedup(head, row),
                     time, verdict(time, factor))  # fmt: skip


def compare_example(example_id, roots, profile, python, factor, say) -> list[Change]:
    """Both commits' variants of one example, timed in interleaved rounds."""
    sides = []
    with tempfile.TemporaryDirectory(prefix="compare-") as tmp:
        try:
            for label, root in roots.items():
                script = Example(root / "examples" / f"{example_id}.py", example_id)
                workdir = Path(tmp) / label
                workdir.mkdir()
                try:
                    sides.append(prepared(script, root, profile, python, workdir))
                except (jobs.VariantFailed, ExampleFailed) as error:
                    raise CommitsError(f"{example_id} at the {label}: {error}") from None
            interleaved(sides)
            say(f"{example_id}: {sides[0].rounds} rounds at each commit")
        finally:
            for side in sides:
                with contextlib.suppress(jobs.VariantFailed):
                    side.stop()
                side.kill()
    return list(changes(example_id, *sides, factor))


def times(ratio: Ratio) -> str:
    """ "1.32× ± 4 %" for a speedup, as the site's tables write it."""
    return formats.ratio_text(ratio)


def time_text(ratio: Ratio) -> str:
    """ "1.18× faster ± 3 %", or slower: how the head's time compares with the base's."""
    said = formats.interval(ratio)
    if ratio.value >= 1:
        return f"{formats.speedup_text(ratio.value)} faster{said}"
    return f"{formats.speedup_text(1 / ratio.value)} slower{said}"


def table(found: list[Change], factor: float) -> str:
    lines = [
        "| Example | Variant | Speedup at base | Speedup at head | Head's time | Verdict |",
        "|---|---|---:|---:|---:|---|",
    ]
    for c in found:
        before = "1.00× (baseline)" if c.before is None else times(c.before)
        after = "1.00× (baseline)" if c.after is None else times(c.after)
        shown = f"**{c.verdict}**" if c.verdict in ("slower", "faster") else c.verdict
        lines.append(f"| {c.example} | {c.name} | {before} | {after} | {time_text(c.time)} "
                     f"| {shown} |")  # fmt: skip
    slower = sum(c.verdict == "slower" for c in found)
    faster = sum(c.verdict == "faster" for c in found)
    examples = len({c.example for c in found})
    lines += [
        "",
        f"Slower or faster: the head's time is beyond its 95 % interval and more than "
        f"{100 * (factor - 1):.0f} % from the base's, measured in the same rounds.",
        "",
        f"compared {len(found)} rows in {examples} examples: {slower} slower, {faster} faster, "
        "the rest within",
    ]
    return "\n".join(lines)


def compare_commits(base: str, head: str, only: list[str], profile: Profile, factor: float,
                    python: str, console, summary: Path | None = None) -> int:  # fmt: skip
    """Measure, print the table (and append it to ``summary``); 2 when nothing can be
    compared, 1 when an example could not be measured at one of the commits."""
    try:
        commits = {"base": resolved(base), "head": resolved(head)}
        changed = git("diff", "--name-only", commits["base"], commits["head"]).splitlines()
    except CommitsError as error:
        console.print(f"[red]Cannot compare: {error}")
        return 2
    found, failed = [], []
    with tempfile.TemporaryDirectory(prefix="commits-") as tmp:
        roots = {label: checkout(c, Path(tmp) / label) for label, c in commits.items()}
        try:
            for label, root in roots.items():
                unmeasurable(label, commits[label], root)
            ids = chosen(roots["head"], changed, only)
        except CommitsError as error:
            console.print(f"[red]Cannot compare: {error}")
            return 2
        new = [i for i in ids if not (roots["base"] / "examples" / f"{i}.py").exists()]
        for example_id in [i for i in ids if i not in new]:
            try:
                found += compare_example(example_id, roots, profile, python, factor,
                                         say=console.print)  # fmt: skip
            except CommitsError as error:
                failed.append(str(error))
    said = heading(commits, changed, new, failed) + table(found, factor)
    print(said)
    if summary:
        with summary.open("a") as out:
            out.write(said + "\n")
    return 1 if failed else 0


def heading(commits: dict, changed: list[str], new: list[str], failed: list[str]) -> str:
    lines = [f"### {commits['base'][:10]} → {commits['head'][:10]}", ""]
    if any(path in LIBRARIES for path in changed):
        lines += ["The change touches the locked libraries: both commits ran with this "
                  "environment's, so what that change does is not measured here.", ""]  # fmt: skip
    lines += [f"New at the head, nothing to compare: {i}." for i in new]
    lines += [f"Could not be measured: {f}" for f in failed]
    return "\n".join([*lines, ""] if new or failed else lines)
