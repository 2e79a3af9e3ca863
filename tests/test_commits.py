"""``compare-commits`` on a repository of its own: a copy of the harness and two commits
of a fixture example, the second made slower on purpose.

The examples sleep rather than compute: a sleep lasts as long on a busy machine as on
an idle one, so a threefold slowdown is beyond any interval and an unchanged row is
nowhere near the 10 % a change must pass to be flagged, whatever else the machine does.
"""

import shutil
import subprocess

from conftest import ROOT, copy_reader_runner, harness, write_example

SLEEPY = """
import time


def workload(ms: float = 20):
    return ms / 1000


def nap(seconds):
    time.sleep(seconds)
    return 1


def naps(seconds):
    time.sleep({naps} * seconds)
    return 1


BENCHMARK = {{
    "workload": workload,
    "sizes": {{"smoke": {{"ms": 5}}, "quick": {{"ms": 20}}}},
    "variants": {{"one nap": nap, "naps": naps}},
}}
"""


# Weak scaling: two workers do twice the work in the same time, so the site's table
# says 2× where the raw times say 1×.
WEAK = """
import time


def workload(ms: float = 20):
    return ms / 1000


def nap(seconds):
    time.sleep(seconds)
    return 1


def work_done(size, workers):
    return workers


BENCHMARK = {
    "workload": workload,
    "sizes": {"smoke": {"ms": 5}, "quick": {"ms": 20}},
    "work": work_done,
    "variants": {
        "one worker": {"run": nap, "workers": 1},
        "two workers": {"run": nap, "workers": 2},
    },
}
"""


def git(repo, *args):
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid", *args],
        cwd=repo, check=True, capture_output=True,
    )  # fmt: skip


def repository(tmp_path):
    """A repository with the harness, side_by_side and two sleeping examples; its
    second commit makes one variant of one of them three times slower."""
    repo = tmp_path / "repo"
    unbuilt = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "harness", repo / "harness", ignore=unbuilt)
    examples = repo / "examples"
    (examples / "fixture").mkdir(parents=True)
    copy_reader_runner(examples)
    write_example(examples / "fixture", "sleepy", SLEEPY.format(naps=1))
    write_example(examples / "fixture", "steady", SLEEPY.format(naps=2))
    write_example(examples / "fixture", "weak", WEAK)
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base")
    write_example(examples / "fixture", "sleepy", SLEEPY.format(naps=3))
    git(repo, "commit", "-q", "-am", "head: naps three times as long")
    return repo


def test_a_slowdown_is_beyond_the_interval_and_an_unchanged_row_within(tmp_path):
    repo = repository(tmp_path)
    summary = tmp_path / "summary.md"
    run = harness("compare-commits", "HEAD~1", "HEAD", "--summary", summary, cwd=repo)
    assert run.returncode == 0, run.stderr
    rows = {line.split(" | ")[1]: line for line in run.stdout.splitlines() if "fixture/" in line}
    # Only the example the change touched is measured, at both commits.
    assert set(rows) == {"one nap", "naps"}, run.stdout
    head_time = rows["naps"].split(" | ")[4]  # "2.99× slower ± 1 %"
    assert "slower" in head_time and 2.5 < float(head_time.split("×")[0]) < 3.5, head_time
    assert rows["naps"].endswith("| **slower** |"), rows["naps"]
    assert rows["one nap"].endswith("| within |"), rows["one nap"]
    assert run.stdout.strip().endswith(
        "compared 2 rows in 1 examples: 1 slower, 0 faster, the rest within"
    )
    assert summary.read_text().strip() == run.stdout.strip()  # the job summary: the same


def test_naming_an_example_compares_it_even_unchanged(tmp_path):
    repo = repository(tmp_path)
    run = harness("compare-commits", "HEAD~1", "HEAD", "steady", cwd=repo)
    assert run.returncode == 0, run.stderr
    assert "compared 2 rows in 1 examples: 0 slower, 0 faster" in run.stdout
    assert "| fixture/steady | naps |" in run.stdout


def test_a_commit_that_is_not_there_is_named(tmp_path):
    repo = repository(tmp_path)
    run = harness("compare-commits", "no-such-branch", "HEAD", cwd=repo)
    assert run.returncode == 2
    assert "'no-such-branch' is not a commit" in run.stderr
    assert "Traceback" not in run.stderr


def speedup_in(line: str, column: int) -> float:
    return float(line.split(" | ")[column].split("×")[0].replace(",", ""))


def test_a_weak_scaling_row_reads_as_the_sites_table_reads_it(tmp_path):
    repo = repository(tmp_path)
    run = harness("compare-commits", "HEAD~1", "HEAD", "weak", cwd=repo)
    assert run.returncode == 0, run.stderr
    (compared,) = [line for line in run.stdout.splitlines() if "| two workers |" in line]

    out = tmp_path / "site"
    examples = repo / "examples"
    for command in (["measure", "--profile", "quick", "weak"], ["render"]):
        done = harness("--examples", examples, "--out", out, *command, cwd=repo)
        assert done.returncode == 0, done.stderr
    table = (out / "tables" / "fixture" / "weak.md").read_text()
    (shown,) = [line for line in table.splitlines() if line.startswith("| two workers |")]

    # Both say what the work done says (2×), not the raw times (1×).
    speedups = [speedup_in(compared, 2), speedup_in(compared, 3), speedup_in(shown, 2)]
    assert all(1.9 < s < 2.1 for s in speedups), (compared, shown)


def test_a_commit_from_before_the_harness_layout_is_named(tmp_path):
    repo = repository(tmp_path)
    git(repo, "rm", "-q", "harness/child/worker.py")
    git(repo, "commit", "-q", "-m", "as an older harness was laid out")
    run = harness("compare-commits", "HEAD~1", "HEAD", "steady", cwd=repo)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "the head commit" in run.stderr and "has no harness/child/worker.py" in run.stderr
