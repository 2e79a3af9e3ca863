"""The GitHub workflows are valid, have no security findings, and run the Makefile's targets."""

import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

BIN = Path(sys.executable).parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def test_actionlint_finds_nothing():
    run = subprocess.run(
        [BIN / "actionlint"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_zizmor_finds_nothing():
    run = subprocess.run(
        [BIN / "zizmor", "--offline", "--min-severity", "low", ".github/workflows"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_workflows_run_only_makefile_targets():
    targets = set(re.findall(r"^([a-z-]+):", (ROOT / "Makefile").read_text(), re.M))
    used = {t for w in WORKFLOWS for t in re.findall(r"run: make ([a-z-]+)", w.read_text())}
    assert {"test", "site", "bench-shard", "merge-shards"} <= used <= targets


def test_every_action_is_pinned_to_a_commit():
    uses = [u for w in WORKFLOWS for u in re.findall(r"uses: (\S+)", w.read_text())]
    assert uses and all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", u) for u in uses)


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / "README.md").read_text()
    assert re.search(r"^make test$", (ROOT / ".ci" / "run").read_text(), re.M)


def test_the_larger_runner_measures_the_examples_that_declare_it():
    from harness.measuring.discover import taking_part

    planned = subprocess.run(
        ["make", "-n", "bench-large"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    (measure,) = [line for line in planned.splitlines() if "--out generated/large" in line]
    declared = taking_part("large-runner")
    assert "cpu/gil" in declared and measure.split('-cores" ')[1].split() == declared
