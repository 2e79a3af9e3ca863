"""What examples can ask of the harness: groups, scaling laws, transcripts of their output."""

import math
import textwrap
from pathlib import Path

import pytest
from conftest import harness
from factories import record, variant

from harness import laws, results
from harness.table import render_table

GROUPED = '''
"""Two kinds of work, each with its own baseline."""
import sys


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


def workload(n):
    return n


BENCHMARK = {
    "workload": workload,
    "variants": {
        "squares": {"loop": squares_loop, "formula": squares_formula},
        "cubes": {"loop": cubes_loop, "formula": cubes_formula},
    },
    "sizes": {"smoke": {"n": 3000}},
    "transcripts": {"summary": ["--say", "hello"]},
}


def main():
    if "--fail" in sys.argv:
        sys.exit("cannot do that")
    print("said", sys.argv[sys.argv.index("--say") + 1], "at size", sys.argv[-1])


if __name__ == "__main__":
    main()
'''

GROWING = '''
"""Weak scaling: every variant does more work, so the results differ."""


def run(n, workers):
    return [sum(range(n)) for _ in range(workers)]


def one(n):
    return run(n, 1)


def two(n):
    return run(n, 2)


def workload(n):
    return n


BENCHMARK = {
    "workload": workload,
    "variants": {
        "1 worker": {"run": one, "workers": 1},
        "2 workers": {"run": two, "workers": 2},
    },
    "sizes": {"smoke": {"n": 1000}},
    "same_result": False,
    "work": lambda size, workers: workers,
    "scaling": {"law": "gustafson", "serial_fraction": lambda size: 0.1},
}
'''


def measure(folder, out, *only):
    return harness("--examples", folder, "--out", out, "measure", "--profile", "smoke", *only)


@pytest.fixture
def examples(tmp_path):
    folder = tmp_path / "examples"
    folder.mkdir()
    (folder / "grouped.py").write_text(textwrap.dedent(GROUPED))
    (folder / "growing.py").write_text(textwrap.dedent(GROWING))
    return folder


def test_each_group_is_compared_with_its_own_first_variant(examples, tmp_path):
    run = measure(examples, tmp_path, "grouped")
    assert run.returncode == 0, run.stderr
    record = results.load(tmp_path / "results.json")["examples"]["grouped"]
    names = [v["name"] for v in record["variants"]]
    assert names == ["squares: loop", "squares: formula", "cubes: loop", "cubes: formula"]
    assert harness("--out", tmp_path, "render").returncode == 0
    rows = (tmp_path / "tables" / "grouped.md").read_text().splitlines()
    baselines = [row for row in rows if row.startswith("| ") and ": loop" in row]
    assert len(baselines) == 2 and all("| 1.00× |" in row for row in baselines)


def test_a_variant_that_disagrees_with_its_group_baseline_is_named(examples, tmp_path):
    source = (examples / "grouped.py").read_text()
    source = source.replace('"formula": cubes_formula}', '"wrong": cubes_wrong}')
    (examples / "grouped.py").write_text(source)
    run = measure(examples, tmp_path, "grouped")
    assert run.returncode == 1
    assert "'cubes: wrong' returned something other than the baseline 'cubes: loop'" in run.stderr


def test_what_an_example_prints_is_kept_and_rendered_with_its_command(examples, tmp_path):
    assert measure(examples, tmp_path, "grouped").returncode == 0
    harness("--out", tmp_path, "render")
    shown = (tmp_path / "transcripts" / "grouped" / "summary.md").read_text()
    assert 'title="python examples/grouped.py --say hello --size smoke"' in shown
    assert "said hello at size smoke" in shown and "Python " in shown


def test_a_transcript_that_fails_fails_the_example_and_says_why(examples, tmp_path):
    source = (examples / "grouped.py").read_text().replace('["--say", "hello"]', '["--fail"]')
    (examples / "grouped.py").write_text(source)
    run = measure(examples, tmp_path, "grouped")
    assert run.returncode == 1
    assert "running it with --fail --size smoke exited with code 1" in run.stderr
    assert "cannot do that" in run.stderr


def test_weak_scaling_accepts_growing_results_and_counts_work_done(examples, tmp_path):
    run = measure(examples, tmp_path, "growing")
    assert run.returncode == 0, run.stderr
    record = results.load(tmp_path / "results.json")["examples"]["growing"]
    assert [(v["workers"], v["work"]) for v in record["variants"]] == [(1, 1.0), (2, 2.0)]
    assert record["scaling"] == {"law": "gustafson", "serial_fraction": 0.1}
    assert harness("--out", tmp_path, "render").returncode == 0
    table = (tmp_path / "tables" / "growing.md").read_text()
    assert "| Scaled speedup | Gustafson, s = 0.10 |" in table
    assert "| 1.90× |" in table  # Gustafson's law for 2 workers: 0.1 + 0.9 × 2


def test_amdahl_at_its_limits():
    assert laws.amdahl(1.0, 64) == 1  # all serial: no speedup, not zero
    assert laws.amdahl(0.0, 8) == 8  # all parallel: the number of workers
    assert math.isclose(laws.amdahl(0.1, 10**9), 10, rel_tol=1e-6)  # never past 1 / s
    assert laws.gustafson(0.1, 4) == pytest.approx(3.7)


def test_karp_flatt_recovers_the_serial_fraction_of_an_amdahl_speedup():
    for serial in (0.02, 0.1, 0.5):
        for workers in (2, 4, 16):
            measured = laws.amdahl(serial, workers)
            assert laws.karp_flatt(measured, workers) == pytest.approx(serial)
    assert laws.karp_flatt(1.0, 1) is None


def test_scaling_table_shows_the_law_and_the_implied_serial_fraction():
    rows = [
        variant("loop", 10.0),
        variant("1 worker", 10.0, baseline="loop", workers=1),
        variant("2 workers", 6.0, baseline="loop", workers=2),
    ]
    table = render_table(record(rows, scaling={"law": "amdahl", "serial_fraction": 0.1}))
    last = next(line for line in table.splitlines() if line.startswith("| 2 workers"))
    # Measured 10 s / 6 s = 1.67×; Amdahl with s = 0.1 allows 1.82×; 1.67× implies s = 0.2.
    assert "| 1.67× | 1.82× | 0.200 |" in last


def test_a_change_to_any_file_an_example_depends_on_is_noticed(tmp_path):
    from harness.discover import discover

    (tmp_path / "kernel.py").write_text("import helper\nBENCHMARK = {}\n")
    (tmp_path / "kernel.c").write_text("double f(void) { return 1; }\n")
    (tmp_path / "helper.py").write_text("from data import make\n")
    (tmp_path / "data.py").write_text("def make(): return 1\n")
    (example,) = discover(tmp_path)
    assert [p.name for p in example.local_modules] == ["data.py", "helper.py", "kernel.c"]


def test_bound_counts_the_cpu_work_a_cheaper_library_needs_not_the_baselines():
    from harness.derived import effective_bound

    def row(cpu, bound):
        return variant("v", 1.0, cpu, bound=bound)

    requests_baseline = row(cpu=0.4, bound=5.0)
    # aiohttp spends less CPU than requests did: its own CPU time is the floor.
    assert effective_bound(row(cpu=0.25, bound=0.05), requests_baseline) == 0.25
    # A busy thread pool spends more than the work needs: the baseline's is the floor.
    assert effective_bound(row(cpu=0.6, bound=0.05), requests_baseline) == 0.4
    # Enough waiting left: the waiting is the floor.
    assert effective_bound(row(cpu=0.25, bound=1.0), requests_baseline) == 1.0


def test_cpu_time_column_is_left_blank_when_an_example_says_it_cannot_be_counted(
    examples, tmp_path
):
    source = (examples / "grouped.py").read_text()
    (examples / "grouped.py").write_text(
        source.replace('"transcripts"', '"cpu_time": False,\n    "transcripts"')
    )
    assert measure(examples, tmp_path, "grouped").returncode == 0
    assert harness("--out", tmp_path, "render").returncode == 0
    rows = (tmp_path / "tables" / "grouped.md").read_text().splitlines()
    body = [row for row in rows if row.startswith("| squares") or row.startswith("| cubes")]
    assert rows[0].split(" | ")[3].startswith("CPU time")
    assert body and all(row.split(" | ")[3].rstrip(" |") == "–" for row in body)


def other_python() -> str:
    """Another Python version than this one, where the machine has one, else this one."""
    import shutil
    import subprocess
    import sys

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


def test_examples_can_be_measured_with_another_interpreter(examples, tmp_path):
    """Say a free-threaded build: the worker needs nothing but the standard library there."""
    import subprocess

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
        "--examples", examples, "--out", tmp_path, "measure", "--profile", "smoke",
        "--python", python, "grouped",
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    record = results.load(tmp_path / "results.json")["examples"]["grouped"]
    assert record["environment"]["python"]["version"] == version
    harness("--out", tmp_path, "render")
    assert f"Python {version} (with the GIL)" in (tmp_path / "tables" / "grouped.md").read_text()
    shown = (tmp_path / "transcripts" / "grouped" / "summary.md").read_text()
    assert "said hello" in shown  # the transcript ran under that interpreter too


def test_measuring_with_a_missing_interpreter_says_so(examples, tmp_path):
    run = harness("--examples", examples, "--out", tmp_path, "measure", "--python", "nope3.99t")
    assert run.returncode == 2 and "No Python interpreter at nope3.99t" in run.stderr


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


def example_folder(tmp_path: Path, name: str, source: str) -> Path:
    """A folder of examples holding one, ``name``.py, for the harness to measure."""
    folder = tmp_path / "examples"
    folder.mkdir()
    (folder / f"{name}.py").write_text(textwrap.dedent(source))
    return folder


def test_a_variant_whose_requirement_is_unmet_is_listed_with_the_reason(tmp_path):
    examples = example_folder(tmp_path, "needs", NEEDS)
    run = measure(examples, tmp_path, "needs")
    assert run.returncode == 0, run.stderr
    assert "from the future: not measured here, needs Python 99.0 or later" in run.stderr
    harness("--out", tmp_path, "render")
    table = (tmp_path / "tables" / "needs.md").read_text()
    assert "| from the future | not measured here: needs Python 99.0 or later |" in table
    assert "| plain ⚠ *too small to measure* |" in table  # the rest is measured as usual


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
    ],
)
def test_a_malformed_variant_is_named_with_the_fix(tmp_path, declaration, message):
    source = NEEDS.replace('{"run": plain, "requires": ["python>=99.0"]}', declaration)
    examples = example_folder(tmp_path, "needs", source.replace('"from the future"', '"two"'))
    run = measure(examples, tmp_path, "needs")
    assert run.returncode == 1
    assert message in run.stderr and "Traceback" not in run.stderr


def test_the_tests_skip_an_example_by_the_requirement_its_table_declares(tmp_path):
    from harness.discover import declared_requirements

    path = tmp_path / "gpu_example.py"
    path.write_text('BENCHMARK = {"workload": int, "variants": {}, "requires": ["gpu"]}\n')
    assert declared_requirements(path) == ["gpu"]


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
    "sizes": {"smoke": {"n": 10_000}},
}
'''


def test_the_largest_difference_accepted_within_rel_tol_is_reported_and_kept(tmp_path):
    examples = example_folder(tmp_path, "floats", FLOATS)
    run = measure(examples, tmp_path, "floats")
    assert run.returncode == 0, run.stderr
    row = results.load(tmp_path / "results.json")["examples"]["floats"]["variants"][1]
    assert 0 < row["largest_difference"] < 1e-12  # another order: the last bits differ
    assert f"result within {row['largest_difference']:.2g} of the baseline's" in run.stderr


def test_a_result_beyond_rel_tol_names_the_difference_and_how_to_set_it(tmp_path):
    examples = example_folder(
        tmp_path, "floats", FLOATS.replace('"backwards": backwards', '"off": off')
    )
    run = measure(examples, tmp_path, "floats")
    assert run.returncode == 1
    assert "a relative difference of 0.001, beyond rel_tol = 1e-09" in run.stderr
    assert "set BENCHMARK['rel_tol']" in run.stderr


def test_cpu_time_of_a_call_of_a_few_milliseconds_is_measured_not_rounded_to_zero(tmp_path):
    """os.times() counts 10 ms ticks: it gave 0 ms of CPU for a 4.6 ms CPU-bound call."""
    examples = example_folder(
        tmp_path,
        "floats",
        FLOATS.replace('"backwards": backwards', '"busy": busy').replace(
            '"sizes": {"smoke": {"n": 10_000}}',
            '"same_result": False,\n    "sizes": {"smoke": {"n": 10_000}, "quick": {"n": 10_000}}',
        ),
    )
    # The quick profile repeats the call until its median is known: one busy moment
    # of the machine cannot move it.
    run = harness("--examples", examples, "--out", tmp_path, "measure", "--profile", "quick")
    assert run.returncode == 0, run.stderr
    busy_row = results.load(tmp_path / "results.json")["examples"]["floats"]["variants"][1]
    wall, cpu = busy_row["wall"]["median"], busy_row["cpu"]["median"]
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
    "memory": True,
    "input_bytes": lambda size: {"numbers": os.path.getsize(workload(**size))},
}
'''


def test_the_size_of_a_file_the_variants_read_is_recorded_and_shown_under_the_table(tmp_path):
    examples = example_folder(tmp_path, "reads", READS_A_FILE)
    run = measure(examples, tmp_path, "reads")
    assert run.returncode == 0, run.stderr
    record = results.load(tmp_path / "results.json")["examples"]["reads"]
    assert record["input_bytes"] == {"numbers": 6 * 350_000}  # 2.0 MiB
    harness("--out", tmp_path, "render")
    table = (tmp_path / "tables" / "reads.md").read_text().replace("\u00a0", " ")
    assert "**Files read:** numbers, 2 MiB." in table


def test_input_bytes_that_are_not_sizes_get_a_sentence_naming_the_key(tmp_path):
    source = READS_A_FILE.replace('{"numbers": os.path.getsize(workload(**size))}', '"1 MB"')
    examples = example_folder(tmp_path, "reads", source)
    run = measure(examples, tmp_path, "reads")
    assert run.returncode == 1
    assert "BENCHMARK['input_bytes'] must return a dict of names to sizes in bytes" in run.stderr
    assert "Traceback" not in run.stderr
