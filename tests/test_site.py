"""The site builds strictly from measured tables, and refuses to build without them."""

import re
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import ROOT, build, harness, page_config, rows_of
from filelock import FileLock

from harness.child.rules import variants as rules
from harness.core import results
from harness.measuring.discover import discover

# The slow tests share one smoke run of every example and one build of the site:
# whichever asks first pays for both inside its own time limit, which on a fresh
# clone (examples' caches cold: data, Numba, the Cython and mypyc builds) takes
# longer than the suite's 300 s default.
SMOKE_RUN_LIMIT = 900


def on_the_smoke_run(test):
    """A slow test that reads the shared smoke run of every example (or the site
    built from it)."""
    return pytest.mark.slow(pytest.mark.timeout(SMOKE_RUN_LIMIT)(test))


def on_the_smoke_run_of(*examples: str):
    """A slow test that reads the smoke run of these examples only: where every test
    selected (``pytest -k distances``) names its examples so, only those run."""

    def marked(test):
        return on_the_smoke_run(pytest.mark.smoke_examples(*examples)(test))

    return marked


def examples_needed(session) -> list[str] | None:
    """The examples the selected tests read from the smoke run; None: all of them."""
    needed = set()
    for item in session.items:
        if "measured" not in item.fixturenames:
            continue
        marker = item.get_closest_marker("smoke_examples")
        if marker is None or "built" in item.fixturenames:
            return None
        needed.update(marker.args)
    return sorted(needed)


def once_per_session(name: str, tmp_path_factory, worker_id: str, make) -> Path:
    """``make(folder)`` run once in the test session, by whichever parallel worker
    asks first; the others wait for it and read the same folder (or its failure).

    Each worker would otherwise run it again for a test it took from the other.
    """
    base = tmp_path_factory.getbasetemp()
    shared = base if worker_id == "master" else base.parent  # one folder for all workers
    folder, failed = shared / name, shared / f"{name}.failed"
    with FileLock(shared / f"{name}.lock"):
        if not folder.exists() and not failed.exists():
            shutil.rmtree(shared / f"{name}.partial", ignore_errors=True)  # a killed try's
            try:
                make(shared / f"{name}.partial")
            except BaseException as error:
                failed.write_text(f"{type(error).__name__}: {error}")
                raise
            (shared / f"{name}.partial").rename(folder)
    if failed.exists():
        pytest.fail(f"{name} failed in another test: {failed.read_text()}")
    return folder


def measure_every_example(generated: Path, only: list[str] | None = None) -> None:
    """Every example (or those ``only`` names) measured with the smoke profile, and
    rendered, into ``generated``.

    The smoke profile runs each script as a reader does (``--size smoke``). Two
    examples at a time, each by a harness of its own, merged as the publishing
    workflow merges its shards: much of a smoke run is waiting (clusters starting,
    servers, time-outs shown on purpose), which two harnesses overlap, and taking
    the next example when one ends keeps both busy to the end (fixed shards left
    one idle for a minute). The parallel/ examples, which start clusters and are
    the slowest, start first.
    """
    generated.mkdir()
    listed = harness("list")
    assert listed.returncode == 0, listed.stderr
    ids = listed.stdout.split()  # sorted, as --shard counts them
    wanted = [k for k in range(len(ids)) if only is None or ids[k] in only]
    order = sorted(wanted, key=lambda k: (not ids[k].startswith("parallel/"), k))

    def measure(k: int):
        # Shard k+1 of len(ids): that one example (an id alone would also match
        # the ids it is part of: jit/pi, jit/pitfalls).
        out = generated / "one-example" / ids[k]
        shard = f"{k + 1}/{len(ids)}"
        return out, harness("--out", out, "measure", "--profile", "smoke", "--shard", shard)

    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(measure, order))
    for out, run in runs:
        assert run.returncode == 0, run.stderr
        results.merge(generated / "results.json", out / "results.json", [])
    assert harness("--out", generated, "render").returncode == 0


@pytest.fixture(scope="session")
def measured(request, tmp_path_factory, worker_id):
    only = examples_needed(request.session)
    name = "smoke-run" if only is None else "smoke-run-of-" + "-".join(only).replace("/", ".")
    return once_per_session(name, tmp_path_factory, worker_id,
                            lambda folder: measure_every_example(folder, only))  # fmt: skip


@pytest.fixture(scope="session")
def built(measured, tmp_path_factory, worker_id):
    """The whole site, built strictly from those tables."""

    def build_site(site: Path) -> None:
        run = build(ROOT / "mkdocs.yml", site, measured)
        assert run.returncode == 0, run.stderr

    return once_per_session("site", tmp_path_factory, worker_id, build_site)


def printed(measured: Path, example: str, title: str = "as-a-reader") -> str:
    """What an example printed in the smoke run: as a reader runs it, or a
    transcript its page shows (the arguments its BENCHMARK names, at smoke size)."""
    return results.load(measured / "results.json").examples[example].transcripts[title].output


@on_the_smoke_run
def test_the_site_builds_strictly_with_measured_tables(built):
    site = built
    page = (site / "io" / "threads" / "index.html").read_text()
    assert "sequential, one session" in page and "Median ÷ bound" in page
    assert "data:image/svg+xml;base64," in page
    assert "raise_for_status" in page  # code included from the example
    notebook = (site / "io" / "threads-notebook" / "index.html").read_text()
    assert "days arrived" in notebook  # the notebook ran and its output is on the page
    profiling = (site / "basics" / "profiling-notebook" / "index.html").read_text()
    # %timeit, %prun and %lprun ran at build: their reports are on the page.
    assert "per loop (mean" in profiling and "Timer unit" in profiling
    assert "intermediate result is being cached" in profiling
    profiled = (site / "basics" / "bottlenecks" / "index.html").read_text()
    assert "function calls" in profiled  # cProfile's report, printed by the example
    assert "Recorded:" in profiled  # pyinstrument's
    grouped = (site / "cpu" / "gil" / "index.html").read_text()
    assert "pure Python: one thread" in grouped and "NumPy: 2 threads" in grouped
    scaling = (site / "cpu" / "amdahl" / "index.html").read_text()
    assert "Karp–Flatt serial fraction" in scaling and "Gustafson, s = " in scaling
    assert "javascripts/amdahl.js" in scaling and "data-amdahl-serial" in scaling
    assert (site / "javascripts" / "amdahl.js").exists()
    # A reader can take the code home: every download link leads to a file in the site.
    notebook_dir = site / "io" / "threads-notebook"
    assert 'href="threads-notebook.ipynb" download' in notebook
    assert (notebook_dir / "threads-notebook.ipynb").exists()
    assert 'download href="../../examples/io/threads.py"' in page
    assert 'download href="../../examples/side_by_side.py"' in page
    links = 0
    for html in site.rglob("*.html"):
        for href in re.findall(r'<a download href="([^"]+)"', html.read_text()):
            assert (html.parent / href).resolve().is_file(), f"{html}: {href}"
            links += 1
    assert links >= 10


def reader_run(example_id: str):
    return pytest.param(example_id, id=example_id,
                        marks=pytest.mark.smoke_examples(example_id))  # fmt: skip


@on_the_smoke_run
@pytest.mark.parametrize("example_id", [reader_run(e.id) for e in discover()])
def test_run_as_a_reader_the_script_shows_every_row_of_its_table(measured, example_id):
    """`python examples/x.py --size smoke` runs every variant, checked against its
    baseline, and times (or names as not run here) every row its page's table
    shows: no second, hand-kept list that drifts."""
    record = results.load(measured / "results.json").examples[example_id]
    printed = record.transcripts["as-a-reader"].output
    rows = {line.split("  ")[0].strip() for line in printed.splitlines()}
    missing = [v.name for v in record.variants if v.name not in rows]
    assert not missing, f"{example_id} printed no row for {missing}:\n{printed}"


@on_the_smoke_run_of("parallel/faults")
def test_faults_transcript_shows_each_engine_meet_a_killed_worker_as_the_page_says(measured):
    """What the clusters page shows (faults.py --show all, run by the harness)."""
    shown = printed(measured, "parallel/faults", "faults")
    parts = re.split(r"^(\w+):$", shown, flags=re.M)[1:]  # name, output, name, output...
    shows = dict(zip(parts[::2], parts[1::2], strict=True))
    # How many results arrive before the pool breaks depends on timing; that some are lost does not.
    lost = int(shows["executor"].split("lost with the pool: ")[1].split()[0])
    assert lost >= 1 and "raised BrokenProcessPool" in shows["executor"]
    assert "no result and no error after 3 s" in shows["pool"]
    assert "TerminatedWorkerError" in shows["joblib"]
    assert "results: 24 of 24, all correct: True" in shows["resubmit"]
    assert "results: 24 of 24, all correct: True" in shows["dask"]
    # Ray ran the killed worker's task again (max_retries): nothing lost.
    assert "a worker was killed running input 5: True" in shows["ray"]
    assert "results: 24 of 24, all correct: True" in shows["ray"]


def build_page(tmp_path, markdown: str):
    """A strict build of a one-page site with nothing measured."""
    return build(page_config(tmp_path, markdown), tmp_path / "site", tmp_path / "empty")


@on_the_smoke_run
def test_no_code_block_or_page_table_scrolls_sideways_at_a_laptops_width(built):
    """What a reader sees at 1400 px: every code block and every table a page shows
    fits its column (the full tables under "All columns" may scroll: on demand)."""
    pytest.importorskip("playwright.sync_api")
    from harness.publishing.layout import browser, overflowing

    if browser() is None:
        pytest.skip("no Chromium or Chrome on this machine (apt-get install chromium)")
    wide = overflowing(built, width=1400)
    assert not wide, "\n".join(wide)


def test_every_table_a_site_lacks_is_named_at_once_with_the_command(tmp_path):
    run = build_page(
        tmp_path,
        '# Page\n\n--8<-- "tables/io/never_measured.md"\n\n--8<-- "plots/cpu/also_not.md"\n',
    )
    assert run.returncode != 0
    # One message: which page, every file it lacks, and the command that makes them.
    assert "2 generated file(s) that pages include are not measured yet:" in run.stderr
    assert "index.md: tables/io/never_measured.md, plots/cpu/also_not.md" in run.stderr
    assert "harness measure cpu/also_not io/never_measured`" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_missing_snippet_section_fails_the_build(tmp_path):
    page = '# Page\n\n```python title="x"\n--8<-- "examples/io/threads.py:no_such_part"\n```\n'
    run = build_page(tmp_path, page)
    assert run.returncode != 0
    assert "no_such_part" in run.stderr


PAGES = sorted(
    p.relative_to(ROOT / "docs").as_posix()
    for p in (ROOT / "docs").rglob("*")
    if p.suffix in {".md", ".ipynb"}
)


@pytest.mark.parametrize("page", PAGES)
def test_page_is_in_the_navigation(page):
    assert page in (ROOT / "mkdocs.yml").read_text(), f"add {page} to nav in mkdocs.yml"


# --- what the pages show an example print, as the smoke run printed it ---------
# The harness ran each with its BENCHMARK's transcript arguments at smoke size
# (a transcript that exits with an error fails the smoke run): the same output the page
# includes, so a test of it is a test of the page.


@on_the_smoke_run_of("jit/pitfalls")
def test_numba_pitfalls_show_the_typing_error_and_the_vanished_loop(measured):
    types = printed(measured, "jit/pitfalls", "types")
    assert "Cannot type list element type <class 'dict'>" in types
    assert "\x1b[" not in types  # no terminal colours in what the page shows
    dead = printed(measured, "jit/pitfalls", "dead-code")
    forgot = [line for line in dead.splitlines() if line.startswith("forgot_to_return")]
    assert forgot and all(line.endswith("result None") for line in forgot)


@on_the_smoke_run_of("jit/compile_cost")
def test_compile_cost_runs_the_kernel_in_a_new_process_with_and_without_cache(measured):
    shown = printed(measured, "jit/compile_cost")
    assert "without cache" in shown and "cache=True" in shown


@on_the_smoke_run_of("cpu/image_pipeline")
def test_image_pipeline_stages_add_up_to_decoding_and_clean_up(measured):
    rows = [line for line in printed(measured, "cpu/image_pipeline", "stages").splitlines()
            if "clean-up in" in line]  # fmt: skip
    assert [r.split("clean-up in")[1].split()[0] for r in rows] == ["Python", "NumPy", "Numba"]


@on_the_smoke_run_of("basics/bottlenecks")
def test_bottlenecks_cprofile_report_starts_with_the_pipeline(measured):
    # cProfile records every call, but the script prints only the 12 entries with the
    # most cumulative time, and which short steps make that cut depends on timing.
    # The pipeline holds every other call, so it is always first.
    shown = printed(measured, "basics/bottlenecks", "cprofile")
    assert "function calls in" in shown
    entries = [line for line in shown.splitlines() if "bottlenecks.py:" in line]
    assert entries and "(pipeline)" in entries[0], shown


@on_the_smoke_run_of("basics/bottlenecks")
def test_bottlenecks_line_profile_counts_each_line_of_the_steps_it_follows(measured):
    # Hits are counts, not times: the loop over the rows runs once per row, plus once
    # to end, whatever the machine.
    shown = printed(measured, "basics/bottlenecks", "line-profile")
    assert "Function: clean at line" in shown
    assert "Function: aggregate at line" in shown
    clean = shown.split("Function: clean")[1].split("Function: aggregate")[0]
    hits = {
        line.split(maxsplit=5)[-1].strip(): int(line.split()[1])
        for line in clean.splitlines()
        if line.strip().endswith(("for row in rows:", 'if row["temperature"] in ("", "NA"):'))
    }
    rows = hits['if row["temperature"] in ("", "NA"):']
    assert rows > 0 and hits["for row in rows:"] == rows + 1


@on_the_smoke_run_of("basics/bottlenecks")
def test_bottlenecks_pyinstrument_reports_the_pipeline(measured):
    # pyinstrument samples: a short step may fall between two samples, so only the
    # function every sample is inside of is certain to be named.
    shown = printed(measured, "basics/bottlenecks", "pyinstrument")
    assert "Recorded:" in shown and "pipeline" in shown, shown


@on_the_smoke_run_of("basics/bottlenecks")
def test_bottlenecks_tells_waiting_from_working(measured):
    pipeline, downloads = printed(measured, "basics/bottlenecks", "which-bound").splitlines()
    # 20 downloads of 50 ms each wait at least a second and use a few ms of CPU:
    # waiting whatever else the machine does. The pipeline's share of CPU depends on
    # the machine's load, so only its verdict's consistency with its numbers is checked.
    assert downloads.endswith("waiting (I/O-bound)"), downloads
    share = float(pipeline.split("CPU/wall")[1].split("%")[0]) / 100
    assert pipeline.endswith("CPU-bound") == (share > 0.8), pipeline


@on_the_smoke_run_of("cpu/gil")
def test_gil_example_names_the_build_and_skips_interpreters_before_3_14(measured):
    shown = printed(measured, "cpu/gil")
    assert shown.startswith(f"Python {sys.version.split()[0]}")
    interpreters = rows_of(shown)["pure Python: 2 interpreters"]
    skipped = interpreters == "not run here: needs Python 3.14 or later"
    assert skipped == (sys.version_info < (3, 14))


@on_the_smoke_run_of("parallel/sharing")
def test_sharing_global_set_before_the_pool_works_under_fork_and_breaks_under_spawn(measured):
    fork, spawn = printed(measured, "parallel/sharing", "global-under-spawn").split(
        "$ start method spawn:"
    )
    assert "[128044, 121122, 105506] ..." in fork  # counts above -2, -1.43, -0.86 of 1 MB
    assert "TypeError: '>' not supported between instances of 'NoneType' and 'float'" in spawn


@on_the_smoke_run_of("parallel/sharing")
def test_sharing_a_notebook_cells_function_fails_in_a_spawned_worker_and_both_fixes_work(
    measured,
):
    shown = printed(measured, "parallel/sharing", "notebook")
    cell, fixes = shown.split("The same function imported from squares.py:")
    module, rest = fixes.split("The cell's function through joblib:")
    joblib, cause = rest.split("The worker's stderr")
    # The cell itself says only that the pool broke; the worker's stderr says why.
    assert "[error] BrokenProcessPool" in cell
    assert "AttributeError: Can't get attribute 'square' on <module '__main__'" in cause
    assert "[stdout] [0, 1, 4, 9]" in module and "[stdout] [0, 1, 4, 9]" in joblib


@on_the_smoke_run_of("parallel/dask_cluster")
def test_dask_cluster_of_programs_loses_no_result_when_a_worker_program_is_killed(measured):
    shown = printed(measured, "parallel/dask_cluster", "kill")
    assert "killed worker program" in shown
    assert "400 tweets analysed" in shown and "same results as sequential: True" in shown


@on_the_smoke_run_of("parallel/debugging")
def test_debugging_shows_the_workers_traceback_and_the_same_error_without_a_pool(measured):
    pooled = printed(measured, "parallel/debugging", "map-error")
    # The worker's own traceback, naming the line in the task, comes first.
    assert "_RemoteTraceback" in pooled and "in parse_reading" in pooled
    alone = printed(measured, "parallel/debugging", "switch")
    assert "_RemoteTraceback" not in alone and "in parse_reading" in alone


@on_the_smoke_run_of("parallel/debugging")
def test_debugging_finds_the_input_that_kills_a_worker(measured):
    shown = printed(measured, "parallel/debugging", "killed")
    assert "BrokenProcessPool:" in shown
    assert "line(s) [2] kill a worker: ['crash 0 C']" in shown


@on_the_smoke_run_of("parallel/debugging")
def test_debugging_names_what_cannot_be_pickled(measured):
    shown = printed(measured, "parallel/debugging", "pickling")
    for what in ("a lambda", "an open file", "a lock"):
        assert what in shown
    assert "submit(lambda ...).result() raises" in shown


@on_the_smoke_run_of("parallel/debugging")
def test_debugging_times_out_a_hanging_task_and_stops_its_worker(measured):
    # It returned (the harness waits for it): the stuck worker was stopped.
    assert "line 1 'hang 19.0 C': timed out" in printed(measured, "parallel/debugging", "hang")


@on_the_smoke_run_of("parallel/debugging")
def test_debugging_recreates_a_dask_tasks_error_in_this_process(measured):
    shown = printed(measured, "parallel/debugging", "dask")
    assert "on the cluster: error, ValueError(\"unknown unit 'F' in '70.2 F'\")" in shown
    local = shown.split("recreate_error_locally raised it here:")[1]
    assert "in parse_reading" in local
    assert local.strip().endswith("ValueError: unknown unit 'F' in '70.2 F'")


@on_the_smoke_run_of("gpu/gpu_arrays")
@pytest.mark.skipif(not rules.missing("gpu"), reason="this machine has a GPU")
def test_gpu_example_runs_on_numpy_alone_where_there_is_no_gpu(measured):
    shown = printed(measured, "gpu/gpu_arrays")
    assert "array module: numpy" in shown
    rows = rows_of(shown)
    assert [name for name, rest in rows.items() if rest.endswith("baseline")] == [
        "small array: NumPy", "medium array: NumPy", "large array: NumPy",
    ]  # fmt: skip
    assert sum("not run here: needs an NVIDIA GPU" in rest for rest in rows.values()) == 15
