"""Measuring examples end to end: records, the cache, and every kind of bad input."""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import psutil
import pytest
from conftest import ROOT, fixture_examples_in, harness, write_example
from filelock import FileLock

from harness.core import results
from harness.measuring.supervise import descendants, leftovers, tree_memory


def measure(folder, out, *only, profile="smoke"):
    return harness("--examples", folder, "--out", out, "measure", "--profile", profile, *only)


def stored(out: Path, example: str):
    return results.load(out / "results.json").examples[example]


# --- every bad input in one run --------------------------------------------


@pytest.fixture(scope="session")
def fixture_run(tmp_path_factory, worker_id):
    """Measure all fixture examples (good and broken) once, with a short time limit.

    Short, but long enough for a trivial variant on a loaded machine: the hanging
    fixture is the only one that may reach it. Once per test session, whichever
    parallel worker asks first (the others wait for it and read what it found).
    """
    base = tmp_path_factory.getbasetemp()
    # One folder for every parallel worker of this session; without workers, the
    # session's own (its parent would be shared with earlier sessions).
    shared = base if worker_id == "master" else base.parent
    with FileLock(shared / "fixture_run.lock"):
        saved = shared / "fixture_run.json"
        if not saved.exists():
            out = shared / "fixture_generated"
            examples = fixture_examples_in(shared / "fixture_run" / "examples")
            # This run's own name for the processes its fixtures start: another test
            # run on the same machine may be measuring the same fixtures.
            run_id = uuid.uuid4().hex[:12]
            run = harness(
                "--examples", examples, "--out", out, "measure", "--profile", "smoke",
                "--timeout", "10",
                env={"HARNESS_FIXTURE_RUN": run_id, "HARNESS_FIXTURE_PIDS": str(out)},
            )  # fmt: skip
            found = {"returncode": run.returncode, "stderr": run.stderr, "out": str(out)}
            found["run_id"] = run_id
            saved.write_text(json.dumps(found))
        found = json.loads(saved.read_text())
    return SimpleNamespace(**found), Path(found["out"])


def test_a_failing_example_makes_the_run_fail(fixture_run):
    run, _ = fixture_run
    assert run.returncode == 1
    assert "12 example(s) failed" in run.stderr


def failure_report(stderr: str, example: str) -> str:
    """What the harness said about one failed example: its line and any lines under it."""
    lines = stderr[stderr.index(f"] {example}: FAILED") :].splitlines()
    # It ends where the next example starts, or where a progress line ("  x · y: median") is.
    end = next(
        (n for n, line in enumerate(lines[1:], 1) if line.startswith("[") or " · " in line),
        len(lines),
    )
    return "\n".join(lines[:end])


@pytest.mark.parametrize(
    ("example", "message"),
    [
        ("raises", "variant 'broken' raised an exception"),
        ("raises", "ValueError: the fixture's deliberate failure"),
        ("hangs", "variant 'forever' timed out: still running after 10 s; killed it"),
        ("crashes", "variant 'crash' crashed: its interpreter was killed by SIGABRT"),
        ("leaks", "variant 'leak' leaked child processes"),
        (
            "disagrees",
            "variants disagree: 'off by one' returned something other than the "
            "baseline 'right' (result['total']: 5050 != 4950)",
        ),
        ("no_import", "No module named 'a_module_that_does_not_exist'"),
        # A daemon leaves the variant's session; it is found all the same.
        ("daemon", "variant 'daemon' leaked child processes"),
        ("bad_syntax", "examples/bad_syntax.py line 3: invalid syntax"),
        ("misspelt", "unknown key 'varaints' in BENCHMARK; did you mean 'variants'?"),
        (
            "no_smoke_size",
            "BENCHMARK['sizes'] has no 'smoke' entry, which the smoke profile measures "
            "(it has 'quick', 'full'): add one",
        ),
        (
            "no_main_guard",
            "it has a BENCHMARK but never calls side_by_side.main(BENCHMARK), so "
            "`python examples/no_main_guard.py` would time nothing",
        ),
        ("no_main_guard", "    side_by_side.main(BENCHMARK)"),
        (
            "generator",
            "variant 'b' returned a generator, which cannot be sent back to the harness: "
            "return a list",
        ),
    ],
)
def test_each_bad_example_is_named_with_what_happened(fixture_run, example, message):
    run, _ = fixture_run
    assert message in failure_report(run.stderr, example)


@pytest.mark.parametrize("example", ["misspelt", "no_smoke_size", "generator", "bad_syntax"])
def test_a_malformed_example_gets_a_sentence_not_a_traceback(fixture_run, example):
    run, _ = fixture_run
    report = failure_report(run.stderr, example)
    assert len(report.splitlines()) == 1, report  # one sentence
    assert "Traceback" not in report and "crashed" not in report


def test_a_traceback_shows_the_examples_frames_not_the_harnesss(fixture_run):
    run, _ = fixture_run
    report = failure_report(run.stderr, "raises")
    assert 'raises.py", line' in report
    assert "side_by_side.py" not in report and "harness/" not in report


def test_examples_after_a_broken_one_are_still_measured(fixture_run):
    run, _ = fixture_run
    # bad_syntax sorts first: every example after it is still measured or reported.
    assert run.stderr.index("] bad_syntax: FAILED") < run.stderr.index("] good: measured")
    assert "[13/13] raises: FAILED" in run.stderr


def test_good_results_are_kept_when_others_fail(fixture_run):
    _, out = fixture_run
    data = results.load(out / "results.json")
    assert list(data.examples) == ["good"]
    assert [v.name for v in data.examples["good"].variants] == ["loop", "sum"]


def test_no_process_of_a_failed_example_is_left_running(fixture_run):
    run_id = fixture_run[0].run_id
    leaked = [
        p
        for p in psutil.process_iter(["cmdline"])
        if any(
            f"{marker}-{run_id}" in " ".join(p.info["cmdline"] or [])
            for marker in ("harness-fixture-leaked-child", "harness-fixture-daemon")
        )
    ]
    _, out = fixture_run
    hung_pid = int((out / "hangs.pid").read_text())  # the interpreter the harness timed out
    assert leaked == []
    try:
        still_there = "hangs.py" in " ".join(psutil.Process(hung_pid).cmdline())
    except psutil.NoSuchProcess:  # gone, as it should be
        still_there = False
    assert not still_there


# --- records and the cache ----------------------------------------------------


def test_a_record_says_where_and_how_it_was_measured(fixture_examples, tmp_path):
    assert measure(fixture_examples, tmp_path, "good").returncode == 0
    record = stored(tmp_path, "good")
    env = record.environment
    assert env.hardware.cpu and env.hardware.usable_cores >= 1 and env.hardware.memory_bytes
    assert env.python.version and env.commit and env.date and record.profile == "smoke"
    wall = record.measured["loop"].wall
    assert wall.runs == 1 and wall.median > 0 and record.measured["loop"].cpu.median >= 0
    # The smoke run is the script run as a reader runs it; what it printed is kept.
    printed = record.transcripts["as-a-reader"]
    assert printed.command == "python examples/good.py --size smoke"
    assert "loop" in printed.output and "sum" in printed.output and "same" in printed.output


def test_unchanged_examples_are_not_measured_again(fixture_examples, tmp_path):
    measure(fixture_examples, tmp_path, "good")
    first = stored(tmp_path, "good")
    again = measure(fixture_examples, tmp_path, "good")
    assert "unchanged since" in again.stderr
    assert stored(tmp_path, "good") == first


def test_an_edited_example_or_a_more_thorough_profile_is_measured_again(fixture_examples, tmp_path):
    measure(fixture_examples, tmp_path, "good")
    first = stored(tmp_path, "good")
    with (fixture_examples / "good.py").open("a") as f:
        f.write("\n# an edit\n")
    edited = measure(fixture_examples, tmp_path, "good")
    assert "measured 2 variants" in edited.stderr
    assert stored(tmp_path, "good").fingerprint != first.fingerprint
    quick = measure(fixture_examples, tmp_path, "good", profile="quick")
    assert "measured 2 variants" in quick.stderr
    assert stored(tmp_path, "good").profile == "quick"


def test_a_change_to_any_file_an_example_depends_on_is_noticed(tmp_path):
    from harness.measuring.discover import discover

    (tmp_path / "kernel.py").write_text("import helper\nBENCHMARK = {}\n")
    (tmp_path / "kernel.c").write_text("double f(void) { return 1; }\n")
    (tmp_path / "helper.py").write_text("from data import make\nimport side_by_side\n")
    (tmp_path / "data.py").write_text("def make(): return 1\n")
    (example,) = discover(tmp_path)
    found = [p.name for p in example.local_modules]
    # side_by_side.py: from the examples' own folder, where every example finds it;
    # variants.py: the rules side_by_side imports in turn.
    assert found == ["data.py", "helper.py", "kernel.c", "side_by_side.py", "variants.py"]


def test_how_a_script_prints_is_not_what_it_measured_but_the_rules_are(tmp_path, monkeypatch):
    from harness.measuring import discover, fingerprint

    examples = tmp_path / "examples"
    examples.mkdir()
    for helper in ["side_by_side.py", "variants.py"]:
        (examples / helper).write_text((ROOT / "examples" / helper).read_text())
    (examples / "kernel.py").write_text("import side_by_side\nBENCHMARK = {}\n")
    monkeypatch.setattr(discover, "EXAMPLES", examples)
    monkeypatch.setattr(fingerprint, "EXAMPLES", examples)
    (example,) = discover.discover(examples)
    before = fingerprint.fingerprint(example)

    with (examples / "side_by_side.py").open("a") as printing:
        printing.write("\n# prints its table another way\n")
    assert fingerprint.fingerprint(example) == before
    with (examples / "variants.py").open("a") as rules:
        rules.write("\n# checks results another way\n")
    assert fingerprint.fingerprint(example) != before


# --- what examples ask of the harness ----------------------------------------

GROUPED = '''
"""Two kinds of work, each with its own baseline."""


def squares_loop(n):
    return sum(i * i for i in range(n))


def squares_formula(n):
    return (n - 1) * n * (2 * n - 1) // 6


def cubes_loop(n):
    return sum(i**3 for i in range(n))


def cubes_formula(n):
    return ((n - 1) * n // 2) ** 2


def cubes_wrong(n):
    return cubes_formula(n) + 1


def say_hello():
    """Say hello."""
    print("said hello")


def fail():
    """Fail."""
    raise SystemExit("cannot do that")


def workload(n):
    return n


BENCHMARK = {
    "workload": workload,
    "variants": {
        "squares": {"loop": squares_loop, "formula": squares_formula},
        "cubes": {"loop": cubes_loop, "formula": cubes_formula},
    },
    "sizes": {"smoke": {"n": 3000}},
    "transcripts": {"summary": ["--show", "hello"]},
}
'''


def grouped(tmp_path, source=GROUPED):
    folder = tmp_path / "examples"
    write_example(folder, "grouped", source, shows='{"hello": say_hello, "fail": fail}')
    return folder


def test_each_group_is_compared_with_its_own_first_variant(tmp_path):
    run = measure(grouped(tmp_path), tmp_path, "grouped")
    assert run.returncode == 0, run.stderr
    record = stored(tmp_path, "grouped")
    names = [v.name for v in record.variants]
    assert names == ["squares: loop", "squares: formula", "cubes: loop", "cubes: formula"]
    assert [v.baseline for v in record.variants] == ["squares: loop"] * 2 + ["cubes: loop"] * 2


def test_a_variant_that_disagrees_with_its_group_baseline_is_named(tmp_path):
    source = GROUPED.replace('"formula": cubes_formula}', '"wrong": cubes_wrong}')
    run = measure(grouped(tmp_path, source), tmp_path, "grouped")
    assert run.returncode == 1
    assert "'cubes: wrong' returned something other than the baseline 'cubes: loop'" in run.stderr


def test_what_an_example_prints_is_kept_and_rendered_with_its_command(tmp_path):
    assert measure(grouped(tmp_path), tmp_path, "grouped").returncode == 0
    harness("--out", tmp_path, "render")
    shown = (tmp_path / "transcripts" / "grouped" / "summary.md").read_text()
    assert 'title="python examples/grouped.py --show hello --size smoke"' in shown
    assert "said hello" in shown and "Python " in shown


def test_a_transcript_that_fails_fails_the_example_and_says_why(tmp_path):
    source = GROUPED.replace('["--show", "hello"]', '["--show", "fail"]')
    run = measure(grouped(tmp_path, source), tmp_path, "grouped")
    assert run.returncode == 1
    assert "running it with --show fail --size smoke exited with code 1" in run.stderr
    assert "cannot do that" in run.stderr


GROWING = '''
"""Weak scaling: every variant does more work, so the results differ."""


def run(n, workers):
    return [sum(range(n)) for _ in range(workers)]


def one(n):
    return run(n, 1)


def two(n):
    return run(n, 2)


BENCHMARK = {
    "workload": lambda n: n,
    "variants": {
        "1 worker": {"run": one, "workers": 1},
        "2 workers": {"run": two, "workers": 2},
    },
    "sizes": {"smoke": {"n": 1000}},
    "work": lambda size, workers: workers,
    "table": {"law": "gustafson", "serial_fraction": lambda size: 0.1},
}
'''


def test_weak_scaling_accepts_growing_results_and_records_the_work_done(tmp_path):
    folder = tmp_path / "examples"
    write_example(folder, "growing", GROWING)
    run = measure(folder, tmp_path, "growing")
    assert run.returncode == 0, run.stderr
    record = stored(tmp_path, "growing")
    assert [(v.workers, v.work) for v in record.variants] == [(1, 1.0), (2, 2.0)]
    assert (record.table.law, record.table.serial_fraction) == ("gustafson", 0.1)
    assert not record.description.compares_results


NEEDS = '''
"""A variant that needs what no machine has, beside one that runs anywhere."""


def plain(n):
    return n


BENCHMARK = {
    "workload": lambda n: n,
    "variants": {
        "plain": plain,
        "from the future": {"run": plain, "requires": ["python>=99.0"]},
    },
    "sizes": {"smoke": {"n": 1}},
}
'''


def test_a_variant_whose_requirement_is_unmet_is_listed_with_the_reason(tmp_path):
    folder = tmp_path / "examples"
    write_example(folder, "needs", NEEDS)
    run = measure(folder, tmp_path, "needs")
    assert run.returncode == 0, run.stderr
    assert "from the future: not measured here, needs Python 99.0 or later" in run.stderr
    record = stored(tmp_path, "needs")
    assert record.variants[1].missing == ("needs Python 99.0 or later",)
    assert list(record.measured) == ["plain"]  # the rest is measured as usual


@pytest.mark.parametrize(
    ("declaration", "message"),
    [
        (
            '{"run": plain, "wokers": 2}',
            "unknown key 'wokers' in variant 'two'; did you mean 'workers'?",
        ),
        (
            '{"run": plain, "requires": ["gpus"]}',
            "variant 'two': 'requires': unknown requirement 'gpus': use 'gpu', 'c-compiler'",
        ),
        ('{"run": plain, "workers": 0}', "variant 'two': 'workers' must be a whole number"),
        ('{"run": plain, "cores": "some"}', "variant 'two': 'cores' must be a whole number"),
    ],
)
def test_a_malformed_variant_is_named_with_the_fix(tmp_path, declaration, message):
    source = NEEDS.replace('{"run": plain, "requires": ["python>=99.0"]}', declaration)
    folder = tmp_path / "examples"
    write_example(folder, "needs", source.replace('"from the future"', '"two"'))
    run = measure(folder, tmp_path, "needs")
    assert run.returncode == 1
    assert message in run.stderr and "Traceback" not in run.stderr


FLOATS = '''
"""Two sums of the same floats in another order, and one that is wrong by a thousandth."""
import math


def forwards(values):
    return sum(values)


def backwards(values):
    return sum(reversed(values))


def off(values):
    return sum(values) * 1.001


def busy(values):
    # A few milliseconds of pure-Python CPU work: CPU time must not round to zero.
    return math.fsum(v * v for v in values * 20)


BENCHMARK = {
    "workload": lambda n: [1 / (k + 1) for k in range(n)],
    "variants": {"forwards": forwards, "backwards": backwards},
    "sizes": {"smoke": {"n": 10_000}, "quick": {"n": 10_000}},
}
'''


def floats(tmp_path, source=FLOATS):
    folder = tmp_path / "examples"
    write_example(folder, "floats", source)
    return folder


@pytest.mark.parametrize("profile", ["smoke", "quick"])
def test_the_largest_difference_accepted_within_rel_tol_is_reported_and_kept(tmp_path, profile):
    run = measure(floats(tmp_path), tmp_path, "floats", profile=profile)
    assert run.returncode == 0, run.stderr
    gap = stored(tmp_path, "floats").measured["backwards"].largest_difference
    assert 0 < gap < 1e-12  # another order: the last bits differ
    assert f"result within {gap:.2g} of the baseline's" in run.stderr


@pytest.mark.parametrize("profile", ["smoke", "quick"])
def test_a_result_beyond_rel_tol_names_the_difference_and_how_to_set_it(tmp_path, profile):
    folder = floats(tmp_path, FLOATS.replace('"backwards": backwards', '"off": off'))
    run = measure(folder, tmp_path, "floats", profile=profile)
    assert run.returncode == 1
    assert "a relative difference of 0.001, beyond rel_tol = 1e-09" in run.stderr
    assert "set BENCHMARK['rel_tol']" in run.stderr


def test_cpu_time_of_a_call_of_a_few_milliseconds_is_measured_not_rounded_to_zero(tmp_path):
    """os.times() counts 10 ms ticks: it gave 0 ms of CPU for a 4.6 ms CPU-bound call."""
    source = FLOATS.replace('"backwards": backwards', '"busy": busy').replace(
        '"sizes"', '"work": lambda size, workers: 1,\n    "sizes"'
    )
    # The quick profile repeats the call until its median is known: one busy moment
    # of the machine cannot move it.
    run = measure(floats(tmp_path, source), tmp_path, "floats", profile="quick")
    assert run.returncode == 0, run.stderr
    busy = stored(tmp_path, "floats").measured["busy"]
    wall, cpu = busy.wall.median, busy.cpu.median
    # One thread of pure-Python work: its CPU time is its wall time, less what other
    # processes took from it. Counted in 10 ms ticks, a call of a few milliseconds
    # would show 0 or 10 ms: a ratio of 0, or about 2.
    assert 0.2 * wall <= cpu <= 1.05 * wall, (wall, cpu)


READS_A_FILE = '''
"""Variants that read a file: the harness records its size for peak memory to be read against."""
import os
import tempfile

PATH = os.path.join(tempfile.gettempdir(), f"harness-reads-a-file-{os.getuid()}.txt")


def workload(lines):
    with open(PATH, "w") as file:
        file.write("12345\\n" * lines)
    return PATH


def total(path):
    with open(path) as file:
        return sum(int(line) for line in file)


BENCHMARK = {
    "workload": workload,
    "variants": {"sum the lines": total},
    "sizes": {"smoke": {"lines": 350_000}},
    "table": {"memory": True},
    "input_bytes": lambda size: {"numbers": os.path.getsize(workload(**size))},
}
'''


def test_the_size_of_a_file_the_variants_read_is_recorded(tmp_path):
    folder = tmp_path / "examples"
    write_example(folder, "reads", READS_A_FILE)
    run = measure(folder, tmp_path, "reads")
    assert run.returncode == 0, run.stderr
    assert stored(tmp_path, "reads").description.input_bytes == {"numbers": 6 * 350_000}


HOLDS_MEMORY = '''
"""Rows whose calls hold known amounts of memory, after a set-up that took more and let
it go, as a workload that generates its data does."""
MIB = 2**20


def workload(mib):
    scratch = bytearray(b"\\x01") * (mib * MIB)  # every page written: really taken
    del scratch
    return mib


def hold(mib):
    block = bytearray(b"\\x01") * (mib * MIB)
    del block


def nothing(mib):
    return None


def hold_100(mib):
    return hold(100)


def hold_300(mib):
    return hold(300)


BENCHMARK = {
    "workload": workload,
    "variants": {"nothing": nothing, "100 MiB": hold_100, "300 MiB": hold_300},
    "sizes": {"quick": {"mib": 500}},
    "table": {"memory": True, "memory_floor": "nothing"},
}
'''


def peaks_in_mib(tmp_path, name: str, source: str) -> dict[str, float]:
    """Each row's peak memory, in MiB, from a quick measure of one fixture example."""
    write_example(tmp_path / "examples", name, source)
    run = measure(tmp_path / "examples", tmp_path, name, profile="quick")
    assert run.returncode == 0, run.stderr
    return {row: m.peak_rss / 2**20 for row, m in stored(tmp_path, name).measured.items()}


def test_a_rows_peak_memory_is_its_calls_not_its_set_up(tmp_path):
    """Set-up took 500 MiB and gave it back: no row shows it. The rows that hold 100 and
    300 MiB differ by 200 MiB, and the row that does nothing is below both."""
    peak = peaks_in_mib(tmp_path, "holds", HOLDS_MEMORY)
    assert peak["nothing"] < 100, peak  # the interpreter alone: the 500 MiB set-up let go
    assert 200 * 0.97 <= peak["300 MiB"] - peak["100 MiB"] <= 200 * 1.03, peak
    assert peak["nothing"] + 100 * 0.97 <= peak["100 MiB"] <= peak["nothing"] + 100 * 1.03, peak


KEEPS_MEMORY = '''
"""A variant whose calls leave memory behind, as an allocator's pool does: each call
takes 100 MiB and the last two calls' blocks stay."""
import time

MIB = 2**20
KEPT = []


def workload(mib):
    return mib


def nothing(mib):
    return None


def keeps(mib):
    KEPT.append(bytearray(b"\\x01") * (mib * MIB))
    del KEPT[:-2]
    time.sleep(0.3)  # long enough for the harness's own looks to see what is held


BENCHMARK = {
    "workload": workload,
    "variants": {"nothing": nothing, "keeps what it took": keeps},
    "sizes": {"quick": {"mib": 100}},
    "table": {"memory": True, "memory_floor": "nothing"},
}
'''


def test_a_rows_peak_memory_is_one_calls_not_what_calls_before_it_left(tmp_path):
    """A reader's run takes 100 MiB; the harness calls it again and again (a second
    warm-up call, the timed rounds), each time on top of what the last one kept. The
    row shows one call's 100 MiB, not the 200 to 300 MiB those repeats held."""
    peak = peaks_in_mib(tmp_path, "keeps", KEEPS_MEMORY)
    rise = peak["keeps what it took"] - peak["nothing"]
    assert 100 * 0.97 <= rise <= 100 * 1.03, peak


MAKES_A_FILE = '''
"""A workload that writes its input file the first time and keeps 200 MiB from doing
so (the modules and heap a generator leaves); later it only finds the file."""
from pathlib import Path

MIB = 2**20
FILE = Path(__file__).with_name("input.txt")
LEFT = []


def workload(mib):
    if not FILE.exists():
        LEFT.append(bytearray(b"\\x01") * (200 * MIB))
        FILE.write_text("made")
    return str(FILE)


def nothing(path):
    return None


def reads(path):
    Path(path).read_text()


BENCHMARK = {
    "workload": workload,
    "variants": {"nothing": nothing, "reads": reads},
    "sizes": {"quick": {"mib": 1}},
    "table": {"memory": True, "memory_floor": "nothing"},
}
'''


def test_a_cold_run_counts_nothing_that_making_the_input_left_in_a_row(tmp_path):
    """The first time, making the input leaves 200 MiB behind in the interpreter that
    made it; no row's peak shows it (the first row's did)."""
    peak = peaks_in_mib(tmp_path, "makes", MAKES_A_FILE)
    assert (tmp_path / "examples" / "input.txt").exists()
    assert max(peak.values()) < 100, peak


def test_a_table_whose_peak_memory_contradicts_itself_is_not_drawn(tmp_path):
    from factories import record, row

    from harness.core.records import Table
    from harness.reporting.render import render_record

    floor = Table(memory=True, memory_floor="nothing")
    mib = 2**20
    fine = record([row("nothing", 1.0, peak_rss=50 * mib), row("reads", 1.0, peak_rss=80 * mib)],
                  table=floor)  # fmt: skip
    assert render_record(fine, tmp_path).refused == []
    assert "| reads |" in (tmp_path / "tables" / "x.md").read_text()
    broken = record([row("nothing", 1.0, peak_rss=216 * mib),
                     row("reads", 1.0, peak_rss=142 * mib)], table=floor)  # fmt: skip
    refused = render_record(broken, tmp_path).refused
    assert refused == ["x: 'reads' peaked at 142 MiB, below 'nothing' (216 MiB), which it includes"]
    shown = (tmp_path / "tables" / "x.md").read_text()
    assert "This table is not shown" in shown and "| reads |" not in shown


def test_input_bytes_that_are_not_sizes_get_a_sentence_naming_the_key(tmp_path):
    folder = tmp_path / "examples"
    source = READS_A_FILE.replace('{"numbers": os.path.getsize(workload(**size))}', '"1 MB"')
    write_example(folder, "reads", source)
    run = measure(folder, tmp_path, "reads")
    assert run.returncode == 1
    assert "BENCHMARK['input_bytes'] must return a dict of names to sizes in bytes" in run.stderr
    assert "Traceback" not in run.stderr


# --- another interpreter ------------------------------------------------------


def other_python() -> str:
    """Another Python version than this one, where the machine has one, else this one."""
    import shutil

    candidates = [shutil.which(f"python3.{minor}") for minor in (12, 13, 11, 14)]
    found = Path.home().glob(".pyenv/versions/3.*/bin/python3")
    candidates += sorted((str(p) for p in found), reverse=True)
    for candidate in filter(None, candidates):
        runs = subprocess.run(
            [candidate, "-c", "import sys, venv; print(sys.version_info.minor)"],
            capture_output=True,
            text=True,
            check=False,
        )
        minor = int(runs.stdout) if runs.returncode == 0 else 0
        if minor >= 11 and minor != sys.version_info.minor:  # the harness needs 3.11+
            return candidate
    return sys.executable


def test_examples_can_be_measured_with_another_interpreter(tmp_path):
    """Say a free-threaded build: the worker needs nothing but the standard library there."""
    bare = tmp_path / "bare"
    subprocess.run([other_python(), "-m", "venv", "--without-pip", str(bare)], check=True)
    python = bare / "bin" / "python"
    version = subprocess.run(
        [python, "-c", "import platform; print(platform.python_version())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    run = harness(
        "--examples", grouped(tmp_path), "--out", tmp_path, "measure", "--profile", "smoke",
        "--python", python, "grouped",
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    # Kept beside the harness's own interpreter's record, under the other's name.
    label = ".".join(version.split(".")[:2])
    record = stored(tmp_path, f"grouped@{label}")
    assert record.interpreter == label and record.id == "grouped"
    assert record.environment.python.version == version
    assert "said hello" in record.transcripts["summary"].output  # run by that interpreter too


def test_measuring_with_a_missing_interpreter_says_so(tmp_path):
    run = harness("--out", tmp_path, "measure", "--python", "nope3.99t")
    assert run.returncode == 2 and "No Python interpreter at nope3.99t" in run.stderr


# --- the results file: missing, corrupt, other schema -------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no results file at"),
        ("{not json", "is not valid JSON"),
        ('{"schema": 999, "examples": {}}', "has schema 999; this harness reads schema 3"),
        ("[1, 2, 3]", "not a results file"),
        ('{"schema": 3, "examples": {"x": {"id": 1}}}', "does not fit schema 3"),
    ],
)
def test_render_explains_a_bad_results_file(tmp_path, content, message):
    if content is not None:
        (tmp_path / "results.json").write_text(content)
    run = harness("--out", tmp_path, "render")
    assert run.returncode == 2
    assert message in run.stderr
    assert "Traceback" not in run.stderr


def test_measuring_over_a_corrupt_results_file_keeps_it_aside(fixture_examples, tmp_path):
    (tmp_path / "results.json").write_text("{not json")
    run = measure(fixture_examples, tmp_path, "good")
    assert run.returncode == 0
    assert "is not valid JSON" in run.stderr and "Moved it to" in run.stderr
    (aside,) = tmp_path.glob("results.json.unreadable-*")
    assert aside.read_text() == "{not json"
    assert "good" in results.load(tmp_path / "results.json").examples


def test_measuring_nothing_that_matches_is_an_error(tmp_path):
    run = harness("--out", tmp_path, "measure", "no-such-example")
    assert run.returncode == 2 and "No example in" in run.stderr


def test_merge_copies_another_machines_results_and_names_a_missing_one(fixture_examples, tmp_path):
    measure(fixture_examples, tmp_path / "gpu", "good")
    measure(fixture_examples, tmp_path, "disagrees")  # fails: nothing of ours yet
    run = harness("--out", tmp_path, "merge", tmp_path / "gpu" / "results.json", "good")
    assert run.returncode == 0, run.stderr
    assert set(results.load(tmp_path / "results.json").examples) == {"good"}
    missing = harness("--out", tmp_path, "merge", tmp_path / "gpu" / "results.json", "jit/")
    assert missing.returncode == 2 and "has no results for jit/" in missing.stderr


def test_shards_share_the_examples_between_machines_without_overlap(fixture_examples, tmp_path):
    def measured_by(shard):
        out = tmp_path / shard.replace("/", "-")
        run = harness(
            "--examples", fixture_examples, "--out", out, "measure", "--profile", "smoke",
            "--shard", shard, "good", "disagrees",
        )  # fmt: skip
        saved = out / "results.json"
        return run, set(results.load(saved).examples) if saved.exists() else set()

    (first, first_ids), (second, second_ids) = measured_by("1/2"), measured_by("2/2")
    # Sorted by id, "disagrees" is the first shard's (it fails), "good" the second's.
    assert first.returncode == 1 and "disagrees" in first.stderr and not first_ids
    assert second.returncode == 0 and second_ids == {"good"}
    bad = harness("--examples", fixture_examples, "measure", "--shard", "3/2")
    assert bad.returncode == 2 and "I must be between 1 and N" in bad.stderr


# --- processes: stopping, what is not ours, memory ----------------------------


def test_stopping_the_harness_stops_the_variant_it_was_measuring(fixture_examples, tmp_path):
    """CI cancelling a job sends SIGTERM: no measured process may outlive the harness."""
    harness_run = subprocess.Popen(
        [sys.executable, "-m", "harness", "--examples", fixture_examples, "--out", tmp_path,
         "measure", "--profile", "smoke", "hangs"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip

    def measuring() -> list[psutil.Process]:
        """The interpreter running the hanging variant, below the harness."""
        try:
            below = psutil.Process(harness_run.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        found = []
        for proc in below:
            try:
                if "hangs.py" in " ".join(proc.cmdline()):
                    found.append(proc)
            except psutil.Error:  # exited meanwhile
                continue
        return found

    deadline = time.monotonic() + 60
    while not (started := measuring()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert started, "the fixture never started"
    harness_run.send_signal(signal.SIGTERM)
    assert harness_run.wait(timeout=30) != 0
    _, still = psutil.wait_procs(started, timeout=10)
    assert still == []


SITE = """
import subprocess, sys, time
sys.stdin.readline()  # the test says when: after it has noted what ran before the variant
kernel = subprocess.Popen(
    [sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True
)
print(kernel.pid, flush=True)
time.sleep(60)
"""


def test_what_the_site_being_served_starts_meanwhile_is_not_the_variants_leak():
    """`make serve` measures while MkDocs runs the notebook: its kernel is no leak."""
    site = subprocess.Popen(
        [sys.executable, "-c", SITE], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        others = frozenset(descendants())  # what ran before the variant: the site
        site.stdin.write("go\n")
        site.stdin.flush()
        kernel = int(site.stdout.readline())  # started by the site, after that
        assert kernel not in [p.pid for p in leftovers(site.pid, others)]
    finally:
        for proc in [*psutil.Process(site.pid).children(recursive=True), psutil.Process(site.pid)]:
            proc.kill()
        site.wait()


SHARED_BLOCK_SIZE = 64 * 2**20


@contextlib.contextmanager
def readers_of_a_shared_block(wait_for_go: bool):
    """Three processes that each map one 64 MiB shared-memory block, touch
    every page and print "ready" (after a line on stdin, if ``wait_for_go``),
    then wait; the block is removed afterwards.

    (mmap of /dev/shm directly: the readers must not register it for cleanup.)
    """
    from multiprocessing import shared_memory

    block = shared_memory.SharedMemory(create=True, size=SHARED_BLOCK_SIZE)
    reader = (
        ("import sys; sys.stdin.readline()\n" if wait_for_go else "")
        + f"import mmap, sys; f = open('/dev/shm/{block.name}', 'rb')\n"
        "b = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)\n"
        "total = sum(b[::4096]); print('ready', flush=True); sys.stdin.read()\n"
    )
    readers = [
        subprocess.Popen(
            [sys.executable, "-c", reader], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        for _ in range(3)
    ]
    try:
        yield readers
    finally:
        for r in readers:
            r.communicate(b"")
        block.close()
        block.unlink()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PSS is a Linux measure")
def test_tree_memory_counts_a_block_shared_by_three_processes_once():
    with readers_of_a_shared_block(wait_for_go=False) as readers:
        assert all(r.stdout.readline().strip() == b"ready" for r in readers)
        measured = tree_memory(frozenset())
    # RSS would count the block three times (192 MiB and more); once, it is 64 MiB
    # plus three small interpreters.
    assert SHARED_BLOCK_SIZE <= measured < 2 * SHARED_BLOCK_SIZE, measured


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PSS is a Linux measure")
def test_a_watched_tree_shows_memory_a_process_takes_later_and_counts_a_shared_block_once():
    """Between readings of PSS the watch adds each process's private memory
    only: a block that three processes come to share, one after another, is
    never counted three times, and shows in full by the next reading (a
    deadline, not a pace)."""
    from harness.measuring.memory import MemoryWatch
    from harness.measuring.supervise import below_us

    size = SHARED_BLOCK_SIZE
    watch, seen = MemoryWatch(), []
    with readers_of_a_shared_block(wait_for_go=True) as readers:
        before = watch.read(below_us(frozenset()))
        for r in readers:  # one at a time, read all the while
            r.stdin.write(b"go\n")
            r.stdin.flush()
            assert r.stdout.readline().strip() == b"ready"
            seen.append(watch.read(below_us(frozenset())))
        deadline = time.monotonic() + 10
        while seen[-1] < before + size and time.monotonic() < deadline:
            time.sleep(0.05)
            seen.append(watch.read(below_us(frozenset())))
    assert seen[-1] >= before + size, (before, seen)  # the block, once read
    assert max(seen) < before + 2 * size, (before, seen)  # never three times


def rounds_of(walls: dict[str, list[float]], spent: float = 0.0):
    """Paired rounds already timed (``Rounds`` with no workers: only its rule is asked)."""
    from harness.core.profiles import PROFILES
    from harness.core.records import Description, Placement, Variant
    from harness.measuring.rounds import Rounds, Row

    one_core = Placement(True, "declared", 1.0, "1 core")
    rows = []
    for name, samples in walls.items():
        variant = Variant(name=name, baseline=next(iter(walls)))
        rows.append(Row(variant, worker=None, placement=one_core, walls=list(samples)))
    description = Description(variants=tuple(r.variant for r in rows), size={})
    return Rounds(description, PROFILES["quick"], rows, workdir=None,
                  rounds=len(next(iter(walls.values()))), spent=spent)  # fmt: skip


def test_rounds_stop_when_every_interval_is_narrow_enough_or_the_budget_is_spent():
    steady = [1.0, 1.01, 0.99, 1.0, 1.005, 0.995]
    # Six rounds (quick's least), a ratio steady to 1 %: narrow enough (±2 %), stop.
    assert rounds_of({"base": steady, "half": [w / 2 for w in steady]}, spent=1).enough()
    # Fewer than six rounds: never enough while the budget lasts, however steady.
    assert not rounds_of({"base": steady[:5], "half": [w / 2 for w in steady[:5]]},
                         spent=1).enough()  # fmt: skip
    # A noisy ratio: more rounds, until the budget (8 s of samples) is spent.
    noisy = [0.5, 0.7, 0.45, 0.65, 0.5, 0.7]
    assert not rounds_of({"base": steady, "noisy": noisy}, spent=4).enough()
    assert rounds_of({"base": steady, "noisy": noisy}, spent=8.5).enough()
    # Rounds of seconds each: three are known well enough once twice the budget is spent.
    assert rounds_of({"base": [5.0] * 3, "noisy": [2.0, 3.5, 2.4]}, spent=17).enough()
    assert not rounds_of({"base": [5.0] * 2, "noisy": [2.0, 3.5]}, spent=17).enough()


def test_the_mkdocs_hooks_import_nothing_that_measures():
    """A site build reads results; it must not import rich, psutil or the process supervisor."""
    probe = (
        "import sys; sys.path.insert(0, 'hooks')\n"
        "import claims, downloads, generated\n"
        "print(sorted(m for m in ('rich', 'psutil', 'harness.measuring.supervise', "
        "'harness.measuring.run') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert done.stdout.strip() == "[]"


def test_an_interpreter_this_machine_lacks_is_skipped_and_said(tmp_path):
    run = harness("--out", tmp_path, "measure-pythons", "no-such-python3.99")
    assert run.returncode == 0, run.stderr
    assert "No interpreter no-such-python3.99 on this machine: skipped" in run.stderr
    assert not (tmp_path / "results.json").exists()


def test_a_jit_asked_of_an_interpreter_without_one_is_skipped_and_said(tmp_path):
    run = harness("--out", tmp_path, "measure-pythons", f"{sys.executable}+jit")
    assert run.returncode == 0, run.stderr
    assert "has no JIT to turn on" in run.stderr and "skipped" in run.stderr
    assert not (tmp_path / "results.json").exists()
