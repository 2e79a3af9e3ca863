"""The cost calculator's JavaScript computes what the harness's cost model computes."""

import pytest
from conftest import ROOT
from py_mini_racer import MiniRacer

from harness.reporting.derived import run_cost

SCRIPT = ROOT / "docs" / "javascripts" / "cost.js"


@pytest.fixture(scope="module")
def js():
    context = MiniRacer()
    context.eval(SCRIPT.read_text())  # no document here: it only defines functions
    return context


@pytest.mark.parametrize("seconds", [0.5, 60.0, 3600.0])
@pytest.mark.parametrize(("workers", "efficiency"), [(1, 1.0), (2, 0.9), (16, 0.5), (64, 0.95)])
@pytest.mark.parametrize("price", [0.0408, 0.1632])
def test_calculator_agrees_with_the_harness_model(js, seconds, workers, efficiency, price):
    expected = run_cost(seconds, workers, efficiency, price, runs_per_day=24)
    got = js.call("runCost", seconds, workers, efficiency, price, 24)
    assert got["wall"] == pytest.approx(expected["wall"])
    assert got["vcpuSeconds"] == pytest.approx(expected["vcpu_seconds"])
    assert got["perRun"] == pytest.approx(expected["per_run"])
    assert got["perMonth"] == pytest.approx(expected["per_month"])


def test_idle_cores_are_paid_for_a_faster_run_costs_more_below_full_efficiency():
    alone = run_cost(100, 1, 1.0, 0.0408)
    four = run_cost(100, 4, 0.8, 0.0408)  # four vCPUs at the same price per vCPU
    assert four["wall"] == pytest.approx(31.25)  # 3.2× faster
    assert four["per_run"] == pytest.approx(alone["per_run"] / 0.8)  # and 1.25× the price


def test_the_sentence_compares_with_one_vcpu_and_asks_for_what_is_missing(js):
    sentence = js.call("costSentence", 100, 4, 0.8, 0.0408, 24)
    assert sentence.startswith("On 4 vCPUs: 31.25 s a run,")
    assert "On one vCPU: 100.00 s a run" in sentence
    assert sentence.endswith("The 4 vCPUs finish 3.20× sooner and cost 1.25× as much.")
    assert js.call("costSentence", None, 4, 0.8, 0.0408, 24).startswith("Enter a time")
    read = "(v, lo, hi) => readAmount({value: v}, lo, hi)"
    assert js.eval(f"({read})('', 0, 1)") is None
    assert js.eval(f"({read})('1.5', 0.01, 1)") == 1


def test_the_cost_page_loads_the_calculator():
    page = (ROOT / "docs" / "cost.md").read_text()
    assert "data-cost-seconds" in page and "data-cost-result" in page
    assert "javascripts/cost.js" in (ROOT / "mkdocs.yml").read_text()
