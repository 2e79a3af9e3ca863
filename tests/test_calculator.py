"""The Amdahl calculator's JavaScript computes what the harness's laws compute."""

from pathlib import Path

import pytest
from conftest import ROOT
from py_mini_racer import MiniRacer

from harness.core import laws

SCRIPT = ROOT / "docs" / "javascripts" / "amdahl.js"


@pytest.fixture(scope="module")
def js():
    context = MiniRacer()
    context.eval(Path(SCRIPT).read_text())  # no document here: it only defines functions
    return context


@pytest.mark.parametrize("serial", [0.0, 0.05, 0.1, 0.5, 1.0])
@pytest.mark.parametrize("workers", [1, 2, 4, 16, 256])
def test_calculator_agrees_with_the_laws(js, serial, workers):
    assert js.call("amdahlSpeedup", serial, workers) == pytest.approx(laws.amdahl(serial, workers))
    assert js.call("gustafsonSpeedup", serial, workers) == pytest.approx(
        laws.gustafson(serial, workers)
    )


def test_curve_starts_at_one_and_ends_at_the_top_of_the_box(js):
    points = js.call("curvePoints", 0.1, 16, 300, 120).split()
    first, last = points[0].split(","), points[-1].split(",")
    assert float(first[0]) == 0 and float(first[1]) == pytest.approx(120 - 120 / 6.4, abs=0.1)
    assert float(last[0]) == 300 and float(last[1]) == 0


def test_bad_input_is_read_as_nothing_and_out_of_range_is_clamped(js):
    read = "(v, lo, hi) => readNumber({value: v}, lo, hi)"
    assert js.eval(f"({read})('', 0, 1)") is None
    assert js.eval(f"({read})('abc', 0, 1)") is None
    assert js.eval(f"({read})('1.5', 0, 1)") == 1
    assert js.eval(f"({read})('-3', 1, 100)") == 1


def test_the_amdahl_page_loads_the_calculator():
    page = (ROOT / "docs" / "cpu" / "amdahl.md").read_text()
    assert "data-amdahl-serial" in page and "data-amdahl-workers" in page
    config = (ROOT / "mkdocs.yml").read_text()
    assert "javascripts/amdahl.js" in config
