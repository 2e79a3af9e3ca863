"""The site builds strictly from measured tables, and refuses to build without them."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import ROOT, build, harness, page_config

from harness import results

# The slow tests share one smoke run of every example and one build of the site:
# whichever asks first pays for both inside its own time limit, which on a fresh
# clone (examples' caches cold: data, Numba, the Cython and mypyc builds) takes
# longer than the suite's 300 s default.
SMOKE_RUN_LIMIT = 900


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    """Every example measured with the smoke profile, and rendered, into a private folder.

    The smoke profile runs each script as a reader does (``--size smoke``). Two
    examples at a time, each by a harness of its own, merged as the publishing
    workflow merges its shards: much of a smoke run is waiting (clusters starting,
    servers, time-outs shown on purpose), which two harnesses overlap, and taking
    the next example when one ends keeps both busy to the end (fixed shards left
    one idle for a minute). The parallel/ examples, which start clusters and are
    the slowest, start first.
    """
    generated = tmp_path_factory.mktemp("generated")
    listed = harness("list")
    assert listed.returncode == 0, listed.stderr
    ids = listed.stdout.split()  # sorted, as --shard counts them
    order = sorted(range(len(ids)), key=lambda k: (not ids[k].startswith("parallel/"), k))

    def measure(k: int):
        # Shard k+1 of len(ids): that one example (an id alone would also match
        # the ids it is part of: jit/pi, jit/pitfalls).
        out = tmp_path_factory.mktemp("one-example")
        shard = f"{k + 1}/{len(ids)}"
        return out, harness("--out", out, "measure", "--profile", "smoke", "--shard", shard)

    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(measure, order))
    for out, run in runs:
        assert run.returncode == 0, run.stderr
        results.merge(generated / "results.json", out / "results.json", [])
    assert harness("--out", generated, "render").returncode == 0
    return generated


@pytest.fixture(scope="module")
def built(measured, tmp_path_factory):
    """The whole site, built strictly from those tables."""
    site = tmp_path_factory.mktemp("site")
    run = build(ROOT / "mkdocs.yml", site, measured)
    assert run.returncode == 0, run.stderr
    return site


@pytest.mark.slow
@pytest.mark.timeout(SMOKE_RUN_LIMIT)
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


@pytest.mark.slow
@pytest.mark.timeout(SMOKE_RUN_LIMIT)
def test_run_as_a_reader_runs_it_every_script_shows_every_row_of_its_table(measured):
    """`python examples/x.py --size smoke` times (or names as not run here) every
    variant its page's table shows: no second, hand-kept list that drifts."""
    for example_id, record in results.load(measured / "results.json").examples.items():
        printed = record.transcripts["as-a-reader"].output
        rows = {line.split("  ")[0].strip() for line in printed.splitlines()}
        missing = [v.name for v in record.variants if v.name not in rows]
        assert not missing, f"{example_id} printed no row for {missing}:\n{printed}"


@pytest.mark.slow
@pytest.mark.timeout(SMOKE_RUN_LIMIT)
def test_faults_transcript_shows_each_engine_meet_a_killed_worker_as_the_page_says(measured):
    """What the clusters page shows (faults.py --show all, run by the harness)."""
    record = results.load(measured / "results.json").examples["parallel/faults"]
    printed = record.transcripts["faults"].output
    parts = re.split(r"^(\w+):$", printed, flags=re.M)[1:]  # name, output, name, output...
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


@pytest.mark.slow
@pytest.mark.timeout(SMOKE_RUN_LIMIT)
def test_no_code_block_or_page_table_scrolls_sideways_at_a_laptops_width(built):
    """What a reader sees at 1400 px: every code block and every table a page shows
    fits its column (the full tables under "All columns" may scroll: on demand)."""
    pytest.importorskip("playwright.sync_api")
    from layout import browser, overflowing

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
