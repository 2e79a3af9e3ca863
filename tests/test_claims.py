"""Sentences about measured results are checked against them when the site is built."""

import json
import sys

import pytest
from conftest import ROOT
from factories import record, variant
from test_site import build, page_config

sys.path.insert(0, str(ROOT / "hooks"))
import claims

NOISE = {"band": 0.1, "checks": 5, "reference_median": 0.04}
GIL = record(
    [
        variant("pure Python: one thread", 1.0, group="pure Python"),
        variant(
            "pure Python: 4 threads", 1.02, group="pure Python", baseline="pure Python: one thread"
        ),
        variant(
            "pure Python: 4 processes",
            0.3,
            group="pure Python",
            baseline="pure Python: one thread",
            workers=4,
        ),
    ],
    id="cpu/gil",
    noise=NOISE,
)


@pytest.mark.parametrize(
    ("check", "holds"),
    [
        ('"pure Python: * threads" speedup at most 1.2', True),
        ('"pure Python: * processes" speedup at least 3', True),
        ('"pure Python: * processes" speedup at least 4', False),
        # 3.33× misses 3.5 by less than the ±10 % noise: the table cannot contradict it.
        ('"pure Python: * processes" speedup at least 3.5', True),
        ('"pure Python: * processes" efficiency at least 0.8', True),
        ('"pure Python: * threads" within noise of "pure Python: one thread"', True),
        ('"pure Python: * processes" faster than "pure Python: one thread"', True),
        # 1.02 s against 1.0 s: slower, but by less than the noise: not a contradiction.
        ('"pure Python: * threads" faster than "pure Python: one thread"', True),
        ('"pure Python: one thread" faster than "pure Python: * processes"', False),
        ('"pure Python: * processes" fastest', True),
        ('"pure Python: one thread" fastest', False),
    ],
)
def test_each_kind_of_claim_is_checked_against_the_record(check, holds):
    assert claims.evaluate(GIL, check)[0] is holds


def test_a_memory_claim_compares_peak_memory_without_the_timing_noise():
    files = record(
        [
            variant("pandas", 2.0, peak_rss=4 * 2**30),
            variant("streaming", 1.0, baseline="pandas", peak_rss=2**30),
        ],
        noise=NOISE,
    )
    assert claims.evaluate(files, '"streaming" peak memory at most 0.25 × "pandas"')[0]
    held, _, measured = claims.evaluate(files, '"streaming" peak memory at most 0.2 × "pandas"')
    assert not held and measured == "0.25×"  # a 10 % noise band does not excuse memory


def test_a_claim_about_a_variant_that_is_not_there_says_which_exist():
    with pytest.raises(claims.ClaimError, match="must name one variant of cpu/gil"):
        claims.evaluate(GIL, '"pure Python: * fibres" speedup at least 2')


PAGE = (
    "# Page\n\n"
    '[[Threads do not help pure Python.]]{claim cpu/gil: "pure Python: * threads" '
    "speedup at most {limit}}\n"
)


def site_with_claim(tmp_path, limit: float):
    generated = tmp_path / "generated"
    generated.mkdir()
    (generated / "results.json").write_text(json.dumps({"schema": 2, "examples": {"cpu/gil": GIL}}))
    config = page_config(tmp_path, PAGE.replace("{limit}", str(limit)))
    return config, generated


def test_a_claim_that_holds_shows_its_sentence_as_written(tmp_path):
    config, generated = site_with_claim(tmp_path, 1.2)
    run = build(config, tmp_path / "site", generated)
    assert run.returncode == 0, run.stderr
    page = (tmp_path / "site" / "index.html").read_text()
    assert "Threads do not help pure Python." in page and "{claim" not in page


def test_a_failed_claim_fails_a_strict_build_and_names_what_was_measured(tmp_path):
    config, generated = site_with_claim(tmp_path, 0.8)
    run = build(config, tmp_path / "site", generated)
    assert run.returncode != 0
    assert (
        'claim about cpu/gil ("pure Python: * threads" speedup at most 0.8) does not hold: '
        "expected 'pure Python: * threads' at most 0.8× faster than its baseline; "
        "measured 0.98× (noise ±10 %)"
    ) in run.stderr


def test_a_failed_claim_shows_a_note_instead_of_the_sentence_while_serving(tmp_path):
    config, generated = site_with_claim(tmp_path, 0.8)
    run = build(config, tmp_path / "site", generated, SITE_PLACEHOLDERS=str(generated))
    assert run.returncode == 0, run.stderr
    page = (tmp_path / "site" / "index.html").read_text()
    assert "Not on the machine that measured this page" in page
    assert "measured 0.98×" not in page and "the table shows 0.98× (noise ±10 %)" in page
