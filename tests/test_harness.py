"""The harness: statistics, discovery, agreement checks, the cache, rendering, and bad input."""

import json
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import psutil
import pytest
from conftest import FIXTURES, ROOT, harness
from factories import not_measured, record, variant
from filelock import FileLock

from harness import results, stats
from harness.discover import discover
from harness.table import render_table
from harness.worker import difference

# --- statistics -------------------------------------------------------------


def test_summary_reports_median_min_spread_and_count():
    summary = stats.summarise([5.0, 1.0, 3.0, 2.0, 4.0])
    assert summary == {"median": 3.0, "min": 1.0, "iqr": 2.0, "runs": 5}


def test_a_single_sample_has_no_spread():
    assert stats.summarise([0.5]) == {"median": 0.5, "min": 0.5, "iqr": 0.0, "runs": 1}


def test_large_spread_is_flagged_unstable_and_tiny_runs_too_small():
    assert stats.flags(stats.summarise([1.0, 1.0, 1.5, 2.0])) == ["unstable"]
    assert stats.flags(stats.summarise([1.0, 1.01, 0.99])) == []
    assert "too small to measure" in stats.flags(stats.summarise([0.001, 0.001, 0.001]))


# --- discovery --------------------------------------------------------------


def test_discovery_finds_scripts_with_a_benchmark_table_and_skips_helpers():
    ids = [example.id for example in discover()]
    assert "io/threads" in ids and "cpu/processes" in ids
    assert "io/weather_server" not in ids  # a helper module: no BENCHMARK
    assert "cpu/sample_images" not in ids


def test_discovery_filters_by_id_and_finds_local_modules():
    (threads,) = discover(only=["io/threads"])
    assert [p.name for p in threads.local_modules] == ["weather_server.py"]


# --- agreement --------------------------------------------------------------


def test_equal_results_agree_and_floats_agree_within_tolerance():
    assert difference({"a": [1, 2.0]}, {"a": [1, 2.0 + 1e-12]}, 1e-9) is None


def test_difference_names_where_results_differ():
    assert difference({"a": [1, 2]}, {"a": [1, 3]}, 1e-9) == "result['a'][1]: 2 != 3"
    assert "keys differ" in difference({"a": 1}, {"b": 1}, 1e-9)
    assert "length" in difference([1], [1, 2], 1e-9)


def test_arrays_are_compared_by_shape_and_value():
    np = pytest.importorskip("numpy")
    assert difference(np.zeros((2, 2)), np.zeros((2, 2)), 1e-9) is None
    assert "shape" in difference(np.zeros((2, 2)), np.zeros((4,)), 1e-9)
    assert difference(np.arange(4), np.arange(1, 5), 1e-9) == "result: arrays differ"


# --- every bad input in one run --------------------------------------------


@pytest.fixture(scope="session")
def fixture_run(tmp_path_factory):
    """Measure all fixture examples (good and broken) once, with a short time limit.

    Short, but long enough for a trivial variant on a loaded machine: the hanging
    fixture is the only one that may reach it. Once per test session, whichever
    parallel worker asks first (the others wait for it and read what it found).
    """
    shared = tmp_path_factory.getbasetemp().parent
    with FileLock(shared / "fixture_run.lock"):
        saved = shared / "fixture_run.json"
        if not saved.exists():
            out = shared / "fixture_generated"
            # This run's own name for the processes its fixtures start: another test
            # run on the same machine may be measuring the same fixtures.
            run_id = uuid.uuid4().hex[:12]
            run = harness(
                "--examples", FIXTURES, "--out", out, "measure", "--profile", "smoke",
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
    assert "11 example(s) failed" in run.stderr


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


def test_examples_after_a_broken_one_are_still_measured(fixture_run):
    run, _ = fixture_run
    # bad_syntax sorts first: every example after it is still measured or reported.
    assert run.stderr.index("] bad_syntax: FAILED") < run.stderr.index("] good: measured")
    assert "[12/12] raises: FAILED" in run.stderr


def test_good_results_are_kept_when_others_fail(fixture_run):
    _, out = fixture_run
    data = results.load(out / "results.json")
    assert list(data["examples"]) == ["good"]
    assert [v["name"] for v in data["examples"]["good"]["variants"]] == ["loop", "sum"]


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
        still_there = "harness.worker" in " ".join(psutil.Process(hung_pid).cmdline())
    except psutil.Error:  # gone, as it should be
        still_there = False
    assert not still_there


# --- records, cache and rendering -------------------------------------------


def measure_good(examples, out, *extra):
    return harness(
        "--examples", examples, "--out", out, "measure", "--profile", "smoke", *extra, "good"
    )


def test_a_record_says_where_and_how_it_was_measured(fixture_examples, tmp_path):
    assert measure_good(fixture_examples, tmp_path).returncode == 0
    record = results.load(tmp_path / "results.json")["examples"]["good"]
    env = record["environment"]
    assert {"cpu", "logical_cores", "usable_cores", "memory_bytes", "os"} <= env["hardware"].keys()
    assert {"version", "free_threaded", "gil_enabled"} <= env["python"].keys()
    assert env["commit"] and env["date"] and record["profile"] == "smoke"
    wall = record["variants"][0]["wall"]
    assert wall["runs"] == 1 and wall["median"] > 0 and record["variants"][0]["cpu"]["median"] >= 0


def test_unchanged_examples_are_not_measured_again(fixture_examples, tmp_path):
    measure_good(fixture_examples, tmp_path)
    first = results.load(tmp_path / "results.json")["examples"]["good"]
    again = measure_good(fixture_examples, tmp_path)
    assert "unchanged since" in again.stderr
    assert results.load(tmp_path / "results.json")["examples"]["good"] == first


def test_an_edited_example_or_a_more_thorough_profile_is_measured_again(fixture_examples, tmp_path):
    measure_good(fixture_examples, tmp_path)
    first = results.load(tmp_path / "results.json")["examples"]["good"]
    with (fixture_examples / "good.py").open("a") as f:
        f.write("\n# an edit\n")
    edited = measure_good(fixture_examples, tmp_path)
    assert "measured 2 variants" in edited.stderr
    second = results.load(tmp_path / "results.json")["examples"]["good"]
    assert second["fingerprint"] != first["fingerprint"]
    quick = harness("--examples", fixture_examples, "--out", tmp_path, "measure", "good")
    assert "measured 2 variants" in quick.stderr
    assert results.load(tmp_path / "results.json")["examples"]["good"]["profile"] == "quick"


def test_rendered_table_has_a_row_per_variant_speedups_and_a_footer(fixture_examples, tmp_path):
    measure_good(fixture_examples, tmp_path)
    assert harness("--out", tmp_path, "render").returncode == 0
    table = (tmp_path / "tables" / "good.md").read_text()
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    assert rows[0] == "| Variant | Median ± spread | Speedup | CPU time |"
    assert rows[1].startswith("| loop") and "| 1.00× |" in rows[1]
    assert rows[2].startswith("| sum")
    assert "Smoke profile, n=1000" in table and "Python " in table and "commit " in table
    plot = (tmp_path / "plots" / "good.md").read_text()
    assert "#only-light)" in plot and "#only-dark)" in plot


def test_bound_and_efficiency_columns_appear_when_an_example_asks():
    one = variant("one", 2.0, 0.5, bound=1.0, workers=1)
    four = variant("four", 1.0, 0.5, baseline="one", bound=0.25, workers=2, flags=["unstable"])
    table = render_table(record([one, four], efficiency=True)).replace("\u00a0", " ")
    main, every = table.split("??? note")
    assert "| CPU time | Speedup ÷ workers | Median ÷ bound |" in main
    # The second variant's floor (0.25 s) is below the baseline's CPU time (0.5 s): the GIL wins.
    assert "| four ⚠ *unstable* | 1.00 s ± 0.0 % | 2.00× | 500 ms | 1.00 | 2.00 |" in main
    # Every column, on demand: the bound itself, runs, the fastest run and peak memory.
    assert "| Bound | Median ÷ bound | Runs | Fastest run | Peak memory |" in every
    assert "| 500 ms | 2.00 | 1 | 1.00 s | 1 MiB |" in every
    assert "Python 3.13.0 (free-threaded); commit abc1234, 2026-01-01." in table


def test_a_speedup_within_the_noise_is_marked_and_the_footer_states_the_noise():
    noise = {"band": 0.08, "checks": 15, "reference_median": 0.04}
    rows = [
        variant("base", 1.0),
        variant("same", 0.95, baseline="base"),  # 1.05×: within ±8 %
        variant("faster", 0.5, baseline="base"),  # 2×: beyond it
    ]
    table = render_table(record(rows, noise=noise)).replace("\u00a0", " ")
    assert "| same | 950 ms ± 0.0 % | 1.05× *(not significant here)* |" in table
    assert "| faster | 500 ms ± 0.0 % | 2.00× |" in table
    assert "| base | 1.00 s ± 0.0 % | 1.00× |" in table  # the baseline is not marked
    assert "Noise on this machine during this run: ±8 % (a reference workload timed 15 times" in (
        table
    )


def test_a_variant_this_machine_cannot_run_gets_a_row_that_says_why():
    rows = [variant("NumPy", 1.0), not_measured("CuPy", "needs an NVIDIA GPU", "NumPy")]
    table = render_table(record(rows)).replace("\u00a0", " ")
    assert "| CuPy | not measured here: needs an NVIDIA GPU | – | – |" in table


def test_cost_columns_price_the_cores_a_variant_used():
    rows = [
        variant("loop", 2.0, workers=1),
        variant("2 processes", 1.25, 2.4, baseline="loop", workers=2),
    ]
    table = render_table(record(rows, cost=True)).replace("\u00a0", " ")
    main = table.split("??? note")[0]
    assert "| CPU-seconds per 1,000 runs | Cost per 1,000 runs |" in main
    # 2 s on 1 vCPU at $0.0408/h, and 1.25 s on 2 vCPUs at $0.0816/h, per 1,000 runs:
    # parallel efficiency below 1 (2 / 1.25 / 2 = 0.8) is 25 % more money for the same work.
    assert "| 2,000 | $0.023 (m7g.medium) |" in main
    assert "| 2,400 | $0.028 (m7g.large) |" in main
    assert "on-demand prices of 2026-06-17" in table


# --- the results file: missing, corrupt, other schema -------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no results file at"),
        ("{not json", "is not valid JSON"),
        ('{"schema": 999, "examples": {}}', "has schema 999; this harness reads schema 2"),
        ("[1, 2, 3]", "not a results file"),
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
    run = measure_good(fixture_examples, tmp_path)
    assert run.returncode == 0
    assert "is not valid JSON" in run.stderr and "Moved it to" in run.stderr
    (aside,) = tmp_path.glob("results.json.unreadable-*")
    assert aside.read_text() == "{not json"
    assert "good" in json.loads((tmp_path / "results.json").read_text())["examples"]


def test_measuring_nothing_that_matches_is_an_error(tmp_path):
    run = harness("--out", tmp_path, "measure", "no-such-example")
    assert run.returncode == 2 and "No example in" in run.stderr


def test_stopping_the_harness_stops_the_variant_it_was_measuring(tmp_path):
    """CI cancelling a job sends SIGTERM: no measured process may outlive the harness."""
    harness_run = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "harness",
            "--examples",
            FIXTURES,
            "--out",
            tmp_path,
            "measure",
            "--profile",
            "smoke",
            "hangs",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def measuring() -> list[psutil.Process]:
        """The interpreter timing the hanging variant, below the harness."""
        try:
            below = psutil.Process(harness_run.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        found = []
        for proc in below:
            try:
                if "harness.worker" in " ".join(proc.cmdline()):
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
    from harness.measure import descendants, leftovers

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


def test_the_noise_band_is_how_far_a_speedup_can_move_between_two_runs():
    from harness.noise import band_of

    assert band_of([0.04] * 5) == 0  # a quiet machine: the same time every check
    # Checks 10 % apart around their median: a robust σ of 0.148, and a speedup (two
    # medians) measured twice (two speedups) moves within 1.96 × 2 × σ, 95 % of the time.
    assert band_of([0.9, 1.0, 1.1]) == pytest.approx(1.96 * 2 * 1.4826 * 0.1)
    assert band_of([1.0, 1.2]) == pytest.approx(1.96 * 2 * 0.2 / 2**0.5 / 1.1)


def test_a_variant_on_workers_that_outlive_its_calls_has_no_cpu_time_the_others_keep_theirs():
    rows = [
        variant("sequential", 2.0, 1.9),
        variant("pool started in the call", 1.1, 2.2, baseline="sequential", workers=2),
        variant("running cluster", 1.0, 0.01, baseline="sequential", workers=2, cpu_time=False),
    ]
    table = render_table(record(rows, cost=True)).replace("\u00a0", " ")
    main = table.split("??? note")[0]
    assert "| pool started in the call | 1.10 s ± 0.0 % | 1.82× | 2.20 s |" in main
    # The client's 10 ms is not what the cluster spent: shown as unknown, not as 0.01 s.
    assert "| running cluster | 1.00 s ± 0.0 % | 2.00× | – | – | $" in main
    assert "| 1.90 s | 1,900 |" in main  # the baseline keeps its CPU time and CPU-seconds


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PSS is a Linux measure")
def test_tree_memory_counts_a_block_shared_by_three_processes_once():
    from multiprocessing import shared_memory

    from harness.measure import tree_memory

    size = 64 * 2**20
    block = shared_memory.SharedMemory(create=True, size=size)
    # Each reader maps the whole block, touches every page, says so, and waits.
    # (mmap of /dev/shm directly: the readers must not register the block for cleanup.)
    reader = (
        f"import mmap, sys; f = open('/dev/shm/{block.name}', 'rb')\n"
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
        assert all(r.stdout.readline().strip() == b"ready" for r in readers)
        measured = tree_memory(frozenset())
    finally:
        for r in readers:
            r.communicate(b"")
        block.close()
        block.unlink()
    # RSS would count the block three times (192 MiB and more); once, it is 64 MiB
    # plus three small interpreters.
    assert size <= measured < 2 * size, measured


def test_peak_memory_joins_the_pages_table_when_an_example_is_about_memory():
    rows = [variant("pickled", 2.0, peak_rss=3 * 2**30), variant("shared", 0.5, baseline="pickled")]
    plain = render_table(record(rows)).split("??? note")[0]
    about_memory = render_table(record(rows, memory=True)).replace("\u00a0", " ")
    about_memory = about_memory.split("??? note")[0]
    assert "Peak memory" not in plain
    assert "| Variant | Median ± spread | Speedup | CPU time | Peak memory |" in about_memory
    assert "| 3.00 GiB |" in about_memory and "| 1 MiB |" in about_memory


def test_crossover_names_the_first_group_where_each_variant_reaches_the_efficiency():
    def group(name, pool_seconds, cluster_seconds):
        base = f"{name}: sequential"
        return [
            variant(base, 1.0, group=name, workers=None),
            variant(f"{name}: pool", pool_seconds, group=name, baseline=base, workers=2),
            variant(f"{name}: cluster", cluster_seconds, group=name, baseline=base, workers=2),
        ]

    rows = group("1 ms tasks", 0.8, 4.0) + group("10 ms tasks", 0.54, 0.7)
    rows += group("100 ms tasks", 0.52, 0.6)  # the cluster: 0.83, still short of 0.9
    table = render_table(record(rows, efficiency=True, crossover=0.9)).replace("\u00a0", " ")
    line = table.split("??? note")[0].strip().splitlines()[-1]
    assert line == (
        "**Where speedup ÷ workers first reaches 0.9:** pool: 10 ms tasks; "
        "cluster: not in any group measured here."
    )


def test_a_slow_variant_stops_after_three_calls_a_fast_one_keeps_its_minimum():
    from harness.worker import enough

    full = {"min_runs": 5, "max_runs": 500, "max_seconds": 10, "precision": 0.01}
    assert not enough([4.0, 4.2], full)
    assert enough([4.0, 4.2, 4.1], full)  # 12 s in three calls: enough
    assert not enough([0.5, 0.9, 0.6], full)  # fast and noisy: the minimum of five holds
    assert not enough([0.5, 0.9, 0.6, 3.0], full)


def test_merge_copies_another_machines_results_and_names_a_missing_one(tmp_path):
    from harness import results

    gpu = {"schema": results.SCHEMA, "examples": {"gpu/gpu_arrays": {"id": "gpu/gpu_arrays"}}}
    results.save(gpu, tmp_path / "gpu" / "results.json")
    ours = {"schema": results.SCHEMA, "examples": {"io/threads": {"id": "io/threads"}}}
    results.save(ours, tmp_path / "results.json")
    run = harness("--out", tmp_path, "merge", tmp_path / "gpu" / "results.json", "gpu/")
    assert run.returncode == 0, run.stderr
    merged = results.load(tmp_path / "results.json")["examples"]
    assert set(merged) == {"io/threads", "gpu/gpu_arrays"}  # nothing of ours lost
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
        return run, set(results.load(saved)["examples"]) if saved.exists() else set()

    (first, first_ids), (second, second_ids) = measured_by("1/2"), measured_by("2/2")
    # Sorted by id, "disagrees" is the first shard's (it fails), "good" the second's.
    assert first.returncode == 1 and "disagrees" in first.stderr and not first_ids
    assert second.returncode == 0 and second_ids == {"good"}
    bad = harness("--examples", fixture_examples, "measure", "--shard", "3/2")
    assert bad.returncode == 2 and "I must be between 1 and N" in bad.stderr
