"""Every script in examples/ runs as a reader would run it, in a fresh interpreter."""

import ast
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from harness import requirements
from harness.discover import declared_requirements, defines_benchmark

EXAMPLES = ROOT / "examples"

# Scripts that are not run with `--size smoke`: the arguments to use instead,
# or a reason to skip (every skip says why).
ARGUMENTS = {
    "cpu/sample_images.py": ["--count", "3", "--out", "{tmp}"],
    "cpu/primes.py": ["1000"],
    "cpu/cores.py": [],
    "parallel/tweets_data.py": ["--count", "20"],
    "dataframes/transactions.py": ["--rows", "3"],
    # Dask and IPyParallel start clusters of their own: the harness's smoke run covers them.
    "parallel/engines.py": ["--size", "smoke", "--engine", "joblib"],
    "parallel/tweets_analysis.py": ["--count", "40"],
    # Every engine's behaviour is its own test (test_curriculum_examples.py); here, the fix.
    "parallel/faults.py": ["--show", "resubmit"],
}
SKIP = {
    "parallel/running.py": "starts and stops a Dask and an IPyParallel cluster, as tweets.py "
    "and engines.py do in their own tests",
    "io/weather_server.py": "a server that runs until stopped: tests/test_weather_server.py "
    "starts it and talks to it",
}
# Examples that start processes and take --start-method: run them under every start
# method a reader may meet (the extra arguments make them show their workers).
START_METHODS = {
    "cpu/processes.py": ["--show-pids"],
    "cpu/amdahl.py": [],
    "cpu/gustafson.py": [],
    "cpu/image_pipeline.py": [],
    "parallel/tweets.py": ["--without-dask"],  # Dask starts its workers its own way
    "parallel/sharing.py": [],
    "parallel/faults.py": ["--show", "resubmit", "--show", "executor"],
    # The standard library's pools and joblib are what the start method changes.
    "parallel/engines.py": [
        "--engine",
        "ProcessPoolExecutor",
        "--engine",
        "Pool",
        "--engine",
        "joblib",
    ],
}


def scripts():
    for path in sorted(EXAMPLES.rglob("*.py")):
        if "/." not in path.as_posix() and not path.name.startswith("_"):
            yield path.relative_to(EXAMPLES).as_posix()


def run_script(relative, *args, timeout=180, env=None):
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, str(EXAMPLES / relative), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )


@pytest.mark.parametrize("relative", list(scripts()))
def test_example_runs_and_prints_what_it_measured(relative, tmp_path):
    if relative in SKIP:
        pytest.skip(SKIP[relative])
    # An example that needs what this machine lacks (a GPU) is skipped with the reason
    # its table gives: the same check, the same words.
    unmet = requirements.unmet(declared_requirements(EXAMPLES / relative))
    if unmet:
        pytest.skip(f"{relative} {'; '.join(unmet)}")
    if relative in ARGUMENTS:
        args = [a.replace("{tmp}", str(tmp_path)) for a in ARGUMENTS[relative]]
    else:
        assert defines_benchmark(EXAMPLES / relative), (
            f"{relative} has no BENCHMARK table and no entry in ARGUMENTS or SKIP"
        )
        args = ["--size", "smoke"]
    run = run_script(relative, *args)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip(), f"{relative} printed nothing"


@pytest.mark.parametrize("relative", list(scripts()))
def test_example_has_a_docstring_a_script_header_and_a_main_guard(relative):
    source = (EXAMPLES / relative).read_text()
    assert source.startswith("# /// script\n"), f"{relative}: no PEP 723 header"
    assert ast.get_docstring(ast.parse(source)), f"{relative}: no docstring on top"
    assert 'if __name__ == "__main__":' in source, f"{relative}: no main guard"


@pytest.mark.parametrize("method", ["spawn", "forkserver", "fork"])
@pytest.mark.parametrize("relative", sorted(START_METHODS))
def test_process_examples_work_under_every_start_method(relative, method):
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"{method} is not available on {sys.platform}")
    run = run_script(
        relative, "--size", "smoke", "--start-method", method, *START_METHODS[relative]
    )
    assert run.returncode == 0, run.stderr
    if "--show-pids" in START_METHODS[relative]:
        assert f"start method: {method}" in run.stdout
        # The pool really used other processes than the main one.
        pids = {line.split()[1] for line in run.stdout.splitlines() if line.startswith("process ")}
        assert pids and str(os.getpid()) not in pids


def test_io_example_fetches_every_day():
    run = run_script("io/threads.py", "--size", "smoke", "--days", "12")
    assert run.returncode == 0, run.stderr
    timed = [line for line in run.stdout.splitlines() if line.endswith(" s  12 days")]
    assert len(timed) == 3, run.stdout  # sequential, map, as_completed


def test_image_example_takes_a_real_folder(tmp_path):
    from PIL import Image

    for n, size in enumerate([(300, 200), (90, 400), (64, 64)]):
        Image.new("RGB", size, (n * 80, 10, 200)).save(tmp_path / f"photo{n}.png")
    run = run_script("cpu/processes.py", "--images", str(tmp_path))
    assert run.returncode == 0, run.stderr
    assert "Resizing 3 images" in run.stdout and "(3, 64, 64)" in run.stdout


def test_image_example_says_so_when_a_folder_has_no_images(tmp_path):
    run = run_script("cpu/processes.py", "--images", str(tmp_path))
    assert run.returncode != 0 and f"No images found in {tmp_path}" in run.stderr


def test_scripts_listed_here_exist():
    known = set(scripts())
    assert set(ARGUMENTS) | set(SKIP) | set(START_METHODS) <= known
    assert all(Path(EXAMPLES / r).exists() for r in known)


SOURCES = sorted(
    p.relative_to(EXAMPLES).as_posix()
    for p in EXAMPLES.rglob("*")
    if p.suffix in {".py", ".c"} and "/." not in p.as_posix()
)


@pytest.mark.parametrize("relative", SOURCES)
def test_example_snippet_sections_are_opened_and_closed_once(relative):
    """A section left open makes the page include the rest of the file; the build won't say."""
    import re
    from collections import Counter

    markers = re.findall(r"--8<-- \[(start|end):([\w-]+)\]", (EXAMPLES / relative).read_text())
    starts = Counter(name for kind, name in markers if kind == "start")
    ends = Counter(name for kind, name in markers if kind == "end")
    assert starts == ends and set(starts.values()) <= {1}, f"{relative}: {starts} {ends}"
