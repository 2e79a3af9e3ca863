"""What the pages' examples promise their readers, checked by running them as readers do."""

import re
import sys

import pytest
from conftest import ROOT, rows_of, run_script

from harness.child.rules import variants as rules


def agreeing(stdout: str) -> list[str]:
    """The variants a script found to agree with their baselines."""
    return [name for name, rest in rows_of(stdout).items() if rest.endswith("same")]


def test_asyncio_fetch_gets_every_day_through_failures():
    run = run_script(
        "io/asyncio_fetch.py", "--size", "smoke", "--days", "12", "--failure-rate", "0.3"
    )
    assert run.returncode == 0, run.stderr
    assert "Fetching 12 days" in run.stdout
    # Every variant returned the same 12 summaries as the sequential one: none lost a day.
    assert len(agreeing(run.stdout)) == 5, run.stdout


def test_asyncio_fetch_names_the_status_when_the_server_always_fails():
    run = run_script("io/asyncio_fetch.py", "--size", "smoke", "--days", "2", "--failure-rate", "1")
    assert run.returncode != 0
    assert "503" in run.stderr


def test_asyncio_cpu_work_inline_and_in_a_process_pool_both_finish_every_day():
    # How long the loop stalls is a measurement (the page shows it); that both ways
    # analyse every day and report a stall is what the script must always do.
    run = run_script("io/asyncio_fetch.py", "--size", "smoke", "--show", "blocking", "--days", "6")
    assert run.returncode == 0, run.stderr
    lines = [line for line in run.stdout.splitlines() if line.startswith("CPU work")]
    assert [line.split()[2] for line in lines] == ["inline", "in"]  # "in a process pool"
    for line in lines:
        assert "for 6 days" in line
        assert float(line.split("stalled up to")[1].split("ms")[0]) >= 0


def test_asyncio_latest_counts_every_response():
    run = run_script("io/asyncio_latest.py", "--size", "smoke", "--requests-count", "20")
    assert run.returncode == 0, run.stderr
    assert "20 requests" in run.stdout and len(agreeing(run.stdout)) == 4, run.stdout


NO_C_COMPILER = rules.missing("c-compiler")


@pytest.mark.skipif(bool(NO_C_COMPILER), reason=str(NO_C_COMPILER))
def test_distances_in_c_cython_and_mypyc_agree_with_numba():
    run = run_script("jit/distances.py", "--size", "smoke", "--n", "300")
    assert run.returncode == 0, run.stderr
    # Within rel_tol (1e-9) of @njit's sum: the C one's, the two Cython ones' and
    # the mypyc one's, each built from its own source; and every other row's.
    rows = rows_of(run.stdout)
    for built in (
        "C, -O3 -march=native",
        "typed Python, compiled with mypyc",
        "Cython, typed memoryview",
        "Cython prange",
    ):
        row = next(value for name, value in rows.items() if name.startswith(f"compiled: {built}"))
        assert row.endswith("same"), (built, row)
    assert len(agreeing(run.stdout)) == 9


def test_distances_without_a_c_compiler_skips_c_and_says_so():
    run = run_script(
        "jit/distances.py", "--size", "smoke", "--n", "100", env={"CC": "/nonexistent/cc"}
    )
    assert run.returncode == 0, run.stderr
    assert "C: skipped, no C compiler found" in run.stdout
    c_row = rows_of(run.stdout)["compiled: C, -O3 -march=native"]
    assert c_row == "not run here: needs a working C compiler (set CC)"


def test_gil_example_runs_without_numba_as_on_a_python_numba_does_not_support_yet():
    import subprocess

    code = (
        "import runpy, sys; sys.modules['numba'] = None; sys.path.insert(0, 'examples/cpu'); "
        "sys.argv = ['gil.py', '--size', 'smoke']; "
        "runpy.run_path('examples/cpu/gil.py', run_name='__main__')"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    rows = rows_of(run.stdout)
    assert (
        rows["Numba, nogil=True: one thread"]
        == "not run here: needs numba installed for this Python"
    )
    assert rows["pure Python: 2 threads"].endswith("same") and rows["NumPy: 2 threads"].endswith(
        "same"
    )


# --- debugging parallel code: what each failure looks like, and that each fix works ---------


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_debugging_collects_every_error_with_its_input(method):
    run = run_script("parallel/debugging.py", "--show", "collect", "--start-method", method)
    assert run.returncode == 0, run.stderr
    assert "4 readings parsed; 2 lines failed:" in run.stdout
    assert "line 2 '70.2 F': ValueError: unknown unit 'F'" in run.stdout
    assert "line 4 'oops': ValueError: not enough values to unpack" in run.stdout


@pytest.mark.parametrize("method", ["spawn", "fork"])
def test_debugging_logs_every_worker_record_in_the_parent(method):
    run = run_script("parallel/debugging.py", "--show", "logging", "--start-method", method)
    assert run.returncode == 0, run.stderr
    records = [line for line in run.stdout.splitlines() if " parse: parsing " in line]
    assert len(records) == 4 and all("Process-" in line for line in records)


def write_tweets_csv(path, rows):
    import csv

    with path.open("w", newline="") as file:
        csv.writer(file).writerows(rows)
    return path


def test_tweets_analyses_a_real_csv_with_the_pools_and_dask_and_they_agree(tmp_path):
    rows = [("company", "date", "text")]
    loved = "I love the new rockets, great!"
    rows += [("acme", f"2024-02-{day:02d}T10:00:00", loved) for day in (3, 9)]
    rows += [("acme", "2024-02-05T11:00:00", "Worst delivery ever @acme #fail")]
    rows += [("globex", "2024-01-20T08:30:00", "Using the globex app again today")]
    csv_file = write_tweets_csv(tmp_path / "tweets.csv", rows)
    # IPyParallel, Ray and a second Dask cluster are left out: their start-up
    # would be most of the test.
    skip = ["--skip", "IPyParallel", "--skip", "Ray", "--skip", "Dask: start"]
    run = run_script("parallel/tweets.py", "--csv", str(csv_file), *skip)
    assert run.returncode == 0, run.stderr
    assert "Tweets: acme 3, globex 1;" in run.stdout
    assert len(agreeing(run.stdout)) == 7  # the pools', joblib's and Dask's on a running cluster
    shown = run_script("parallel/tweets.py", "--csv", str(csv_file), "--show", "summary")
    acme = next(line for line in shown.stdout.splitlines() if line.startswith("acme "))
    # Two of three acme tweets are positive, by VADER's lexicon; lemmas: "rockets" -> "rocket".
    assert "3 tweets" in acme and "67% positive" in acme
    assert "2024-02-03 to 2024-02-09" in acme
    assert "rocket" in acme.split("top words: ")[1].split(", ")


def test_tweets_names_the_missing_column_of_a_real_csv(tmp_path):
    csv_file = write_tweets_csv(tmp_path / "tweets.csv", [("company", "text"), ("acme", "hi")])
    run = run_script("parallel/tweets.py", "--csv", str(csv_file))
    assert run.returncode != 0
    assert f"{csv_file}: no column date" in run.stderr


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_sharing_every_way_gives_the_same_results_under_spawn_and_forkserver(method):
    # test_examples.py's run under every start method, for this script: with the
    # variants' agreement counted, not only the exit code.
    run = run_script("parallel/sharing.py", "--megabytes", "4", "--start-method", method)
    assert run.returncode == 0, run.stderr  # the script checks every variant against sequential
    expected = 5 if method == "spawn" or "fork" not in method else 6
    assert len(agreeing(run.stdout)) >= expected, run.stdout


def test_vectorise_reads_a_real_csv_and_every_way_gives_the_same_amounts(tmp_path):
    rows = [
        "id,time,store,country,category,product,quantity,unit_price,discount",
        "0,2025-01-02 10:00:00,store-001,DE,books,SKU-00001,2,10.0,0.0",
        "1,2025-01-03 11:00:00,store-002,FR,toys,SKU-00002,10,5.0,0.1",
    ]
    (tmp_path / "sales.csv").write_text("\n".join(rows) + "\n")
    run = run_script("dataframes/vectorise.py", "--file", str(tmp_path / "sales.csv"))
    assert run.returncode == 0, run.stderr
    assert "2 sales" in run.stdout and len(agreeing(run.stdout)) == 9  # all, with iterrows


def test_vectorise_names_the_columns_a_real_file_lacks(tmp_path):
    (tmp_path / "sales.csv").write_text("id,quantity\n1,2\n")
    run = run_script("dataframes/vectorise.py", "--file", str(tmp_path / "sales.csv"))
    assert run.returncode != 0
    assert "no column category, country, discount, product, store, time, unit_price" in run.stderr


def test_oversubscription_pools_have_the_threads_they_say():
    import ast

    run = run_script("dataframes/oversubscription.py", "--size", "smoke", "--show", "threads")
    assert run.returncode == 0, run.stderr
    line = next(x for x in run.stdout.splitlines() if x.startswith("Polars threads here: "))
    here = int(line.split("here: ")[1].split(";")[0])
    default, single = (ast.literal_eval(x) for x in line.split("workers: ")[1].split(" and "))
    assert default == [here] * len(default)  # every worker as many threads as cores
    assert single == [1] * len(default)  # POLARS_MAX_THREADS=1 reached every worker


def test_gpu_kernel_on_numbas_simulator_agrees_with_numpy():
    # The simulator runs each GPU thread as a Python thread: small arrays, none a
    # whole number of 256-thread blocks, so the last block's bounds check runs too.
    run = run_script(
        "gpu/gpu_arrays.py", "--small", "100", "--medium", "1000", "--large", "3000",
        "--show", "simulated", env={"NUMBA_ENABLE_CUDASIM": "1"}, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr  # the script checks the kernel's sum against NumPy's
    assert "Numba kernel: simulated" in run.stdout
    sums = re.findall(r"NumPy sum ([\d.]+), kernel sum ([\d.]+)", run.stdout)
    assert len(sums) == 3 and all(numpy == kernel for numpy, kernel in sums)


# --- a reader's own data, when it is not what the script expects ---------------


def garbage(tmp_path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(b"\x00\x01 this is not the file you are looking for \xff")
    return str(path)


BAD_INPUT = [
    ("dataframes/vectorise.py", ["--file", "{tmp}/no.parquet"], "no.parquet: no such file"),
    ("dataframes/vectorise.py", ["--file", "{garbage.parquet}"], "cannot read it as Parquet"),
    ("dataframes/groupby.py", ["--file", "{garbage.csv}"], "cannot read it as CSV"),
    ("dataframes/larger_than_memory.py", ["--file", "{tmp}/none.csv"], "none.csv: no such file"),
    ("dataframes/reading.py", ["--file", "{tmp}/none.csv"], "none.csv: no such file"),
    ("dataframes/reading.py", ["--file", "{garbage.csv}"], "cannot read it as CSV"),
    ("parallel/tweets.py", ["--csv", "{tmp}/none.csv", "--show", "summary"],
     "none.csv: no such file"),
    ("cpu/processes.py", ["--images", "{tmp}/nowhere"], "nowhere: no such folder"),
    ("io/threads.py", ["--url", "http://127.0.0.1:9"],
     "http://127.0.0.1:9: no day of readings from it"),
    ("parallel/dask_cluster.py", ["--address", "tcp://127.0.0.1:9", "--size", "smoke"],
     "tcp://127.0.0.1:9: no Dask scheduler answers"),
]  # fmt: skip


@pytest.mark.parametrize(("relative", "args", "said"), BAD_INPUT)
def test_a_readers_bad_input_gets_one_sentence_naming_it(relative, args, said, tmp_path):
    names = {"{tmp}": str(tmp_path), "{garbage.parquet}": garbage(tmp_path, "x.parquet"),
             "{garbage.csv}": garbage(tmp_path, "x.csv")}  # fmt: skip
    for key, value in names.items():
        args = [a.replace(key, value) for a in args]
    said = said.replace("{tmp}", str(tmp_path))
    run = run_script(relative, *args, timeout=120)
    assert run.returncode != 0
    assert said in run.stderr, run.stderr
    assert "Traceback" not in run.stderr, run.stderr


def test_a_tweet_with_a_malformed_date_is_named_with_its_file_and_line(tmp_path):
    rows = [("company", "date", "text"), ("acme", "2024-02-03T10:00:00", "fine")]
    rows += [("acme", "not-a-date", "broken"), ("acme", "9999", "also broken")]
    csv_file = write_tweets_csv(tmp_path / "tweets.csv", rows)
    run = run_script("parallel/tweets.py", "--csv", str(csv_file), "--show", "summary")
    assert run.returncode != 0 and "Traceback" not in run.stderr
    assert f"{csv_file}, line 3: date 'not-a-date' is not a date" in run.stderr


def test_memray_names_the_line_that_holds_most_at_the_peak():
    """Allocation tracking, not sampling: the same line every run. With the
    system's malloc, the largest holder at the peak is the copy made after
    assign() (every column and the revenue), not the read or the first copy."""
    source = (ROOT / "examples" / "dataframes" / "memory_steps.py").read_text()
    copies = [n for n, line in enumerate(source.splitlines(), 1) if "= sales.copy()" in line]
    assert len(copies) == 2, copies
    # 200,000 rows: in a smaller file the parser's own buffers are the peak.
    run = run_script("dataframes/memory_steps.py", "--rows", "200000", "--show", "memray")
    assert run.returncode == 0, run.stderr
    with_system_malloc = run.stdout.split("with the system's malloc")[1].splitlines()
    largest = with_system_malloc[2]  # after the heading and the peak
    assert f"line {copies[1]}: sales = sales.copy()" in largest, run.stdout


def test_memrays_flame_graph_draws_the_copy_after_assign_as_the_pipelines_widest_line():
    """The same peak drawn: a well-formed SVG, last in the output, whose boxes
    under revenue_by_country are its two copies, the one after assign() the
    widest."""
    from xml.etree import ElementTree

    from harness.reporting.transcripts import split_picture

    SVG = "http://www.w3.org/2000/svg"
    source = (ROOT / "examples" / "dataframes" / "memory_steps.py").read_text()
    copies = [n for n, line in enumerate(source.splitlines(), 1) if "= sales.copy()" in line]
    run = run_script("dataframes/memory_steps.py", "--rows", "200000", "--show", "flamegraph")
    assert run.returncode == 0, run.stderr
    printed, svg = split_picture(run.stdout.rstrip())
    assert svg is not None and "200,000 sales" in printed, run.stdout[:500]
    texts = [t.text or "" for t in ElementTree.fromstring(svg).iter(f"{{{SVG}}}text")]
    # "revenue_by_country memory_steps.py:52  20 MiB"; a narrow box has no size.
    boxes = [
        re.match(r"revenue_by_country memory_steps\.py:(\d+)(?:  (\d+) MiB)?", t) for t in texts
    ]
    held = {int(box[1]): int(box[2] or 0) for box in boxes if box}
    assert sorted(held) == copies, texts
    assert max(held, key=held.get) == copies[1], held


def test_a_flame_graphs_boxes_hold_what_their_callees_hold():
    import importlib.util

    path = ROOT / "examples" / "dataframes" / "flame_graph.py"
    spec = importlib.util.spec_from_file_location("flame_graph", path)
    flame_graph = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(flame_graph)
    stacks_to_tree = flame_graph.stacks_to_tree
    main, load, read = ("main", "a.py", 1), ("load", "a.py", 2), ("read", "b.py", 3)
    tree = stacks_to_tree([([main, load, read], 60), ([main, load], 10), ([main], 5)], depth=2)
    assert tree["size"] == 75 and tree["children"][main]["size"] == 75
    assert tree["children"][main]["children"][load] == {"size": 70, "children": {}}
