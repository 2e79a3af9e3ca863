"""Paired rounds: the interval of a speedup, where a variant runs, and what compare says."""

import math
import os
import random
import subprocess
import sys
import threading

import pytest
from factories import record, row

from harness.child import protocol
from harness.child.observe import Pinned, observe
from harness.core import intervals
from harness.core.records import Placement, Variant
from harness.measuring.rounds import placement_of
from harness.reporting import compare


def test_a_speedup_is_the_geometric_mean_of_its_round_by_round_ratios():
    base = [1.0, 2.0, 4.0]  # the machine slowed down: both slowed down with it
    variant = [0.5, 1.0, 2.0]
    found = intervals.paired(base, variant)
    assert found.value == pytest.approx(2.0)
    assert found.low == pytest.approx(2.0) and found.high == pytest.approx(2.0)


def test_the_interval_is_a_reruns_95_percent_range_from_the_rounds_spread():
    rng = random.Random(1)
    logs = [rng.gauss(0, 0.02) for _ in range(10)]
    found = intervals.paired([math.exp(x) for x in logs], [1.0] * 10)
    sd = math.sqrt(sum((x - sum(logs) / 10) ** 2 for x in logs) / 9)
    half = 2.262 * math.sqrt(2) * sd / math.sqrt(10)  # t(9), two runs' errors
    assert math.log(found.high / found.value) == pytest.approx(half)
    assert found.includes(1.0) and not found.includes(1.1)


def test_a_drift_shared_by_neighbouring_rounds_widens_the_interval():
    """Batch means: rounds that drift together count as fewer independent ones."""
    rng = random.Random(2)
    independent = [rng.gauss(0, 0.02) for _ in range(40)]
    drifting = [x + (0.04 if k // 10 % 2 else -0.04) for k, x in enumerate(independent)]
    steady = intervals.paired([math.exp(x) for x in independent], [1.0] * 40)
    drifted = intervals.paired([math.exp(x) for x in drifting], [1.0] * 40)
    assert drifted.half_width > 1.5 * steady.half_width


def test_a_round_far_from_the_others_is_left_out_and_few_rounds_give_no_interval():
    steady = [1.0, 1.01, 0.99, 1.0, 1.02, 0.98, 1.0, 1.01]
    disturbed = intervals.paired([*steady, 3.0], [1.0] * 9)  # another program took the core
    assert disturbed.pairs == 8 and disturbed.value == pytest.approx(1.0, abs=0.01)
    two = intervals.paired([2.0, 2.2], [1.0, 1.0])
    assert two.low is None and two.includes(0.1) and two.half_width is None


def seen(cpu=1.0, wall=1.0, threads=0, processes=0) -> protocol.Warmed:
    return protocol.Warmed(wall, cpu, threads, processes, loops=1, rise=None)


@pytest.mark.parametrize(
    ("facts", "watched", "pinned", "why"),
    [
        ({"cores": 1}, seen(cpu=1.9), True, "1 core, declared"),
        ({"cores": 2}, seen(), False, "2 cores, declared"),
        ({"workers": 4}, seen(), False, "4 workers, declared"),
        ({}, seen(threads=2), False, "starts threads"),
        ({}, seen(processes=1), False, "starts processes"),
        ({}, seen(cpu=1.9), False, "CPU 1.9× wall: several cores"),
        ({}, seen(cpu=0.98), True, "CPU 1.0× wall, no threads or processes started"),
    ],
)
def test_a_variant_is_pinned_only_where_it_keeps_one_core_busy(facts, watched, pinned, why):
    placed = placement_of(Variant("v", "v", **facts), watched)
    assert (placed.pinned, placed.why) == (pinned, why)


def test_watching_a_call_counts_the_threads_and_processes_it_starts():
    with observe() as watched:
        thread = threading.Thread(target=sum, args=([1, 2],))
        thread.start()
        thread.join()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
    assert (watched.threads, watched.processes) == (1, 1)
    assert watched.wall > 0 and watched.cpu >= 0


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="pins only on Linux")
def test_nothing_a_pinned_call_starts_stays_pinned():
    every = os.sched_getaffinity(0)
    core = max(every)
    affinities = {}

    def note():
        affinities["thread"] = os.sched_getaffinity(0)

    with Pinned(core) as pinned:
        assert os.sched_getaffinity(0) == {core}
        thread = threading.Thread(target=lambda: (threading.Event().wait(0.2), note()))
        thread.start()
        code = "import os, time; time.sleep(0.2); print(len(os.sched_getaffinity(0)))"
        child = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        thread.join()
    assert affinities["thread"] == every and int(child.stdout) == len(every)
    assert pinned.unpinned() >= 1 and os.sched_getaffinity(0) == every


def measured_pair(speedup: float, spread: float, rounds: int = 10, seed: int = 0):
    """A record whose one row is ``speedup`` × its baseline, round by round, ± ``spread``."""
    rng = random.Random(seed)
    base = [1.0 + 0.2 * rng.random() for _ in range(rounds)]  # the machine drifts
    faster = [b / speedup * math.exp(rng.gauss(0, spread)) for b in base]
    pinned = Placement(True, "seen", 1.0, "one core")
    rows = [
        row("base", runs=base, placement=pinned),
        row("fast", runs=faster, baseline="base", placement=pinned),
    ]
    return record(rows, rounds=rounds)


def test_compare_counts_rows_within_their_interval_and_ends_with_one_summary_line(capsys, tmp_path):
    from harness.core import results

    steady = measured_pair(2.0, 0.01)
    moved = measured_pair(2.6, 0.01, seed=1)  # 30 % faster than ±1 % can explain
    for name, made in (("a", steady), ("b", measured_pair(2.0, 0.01, seed=2)), ("c", moved)):
        results.save(results.Results({"x": made}), tmp_path / name / "results.json")
    assert (
        compare.compare(tmp_path / "a" / "results.json", tmp_path / "b" / "results.json", None) == 0
    )
    same = capsys.readouterr().out.splitlines()
    assert same[-1].startswith(
        "compared 1 rows: 1 within their stated interval (100 %); median interval ±"
    )
    assert same[-1].endswith("on one core, ±n/a on several")
    compare.compare(tmp_path / "a" / "results.json", tmp_path / "c" / "results.json", None)
    assert "compared 1 rows: 0 within their stated interval (0 %)" in capsys.readouterr().out
