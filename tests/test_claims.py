"""Sentences about measured results are checked against them when the site is built."""

import dataclasses
import sys

import pytest
from conftest import ROOT, build, page_config
from factories import record, row

from harness import results
from harness.records import Noise

sys.path.insert(0, str(ROOT / "hooks"))
import claims

NOISE = Noise(band=0.1, checks=5, reference_median=0.04)
ONE = "pure Python: one thread"
GIL = record(
    [
        row(ONE, 1.0, group="pure Python"),
        row("pure Python: 4 threads", 1.02, group="pure Python", baseline=ONE),
        row("pure Python: 4 processes", 0.3, group="pure Python", baseline=ONE, workers=4),
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
            row("pandas", 2.0, peak_rss=4 * 2**30),
            row("streaming", 1.0, baseline="pandas", peak_rss=2**30),
        ],
        noise=NOISE,
    )
    assert claims.evaluate(files, '"streaming" peak memory at most 0.25 × "pandas"')[0]
    held, _, measured = claims.evaluate(files, '"streaming" peak memory at most 0.2 × "pandas"')
    assert not held and measured == "0.25×"  # a 10 % noise band does not excuse memory


STREAMING = record(
    [
        row("pandas", 2.0, peak_rss=4 * 2**30),
        row("streaming", 1.0, baseline="pandas", peak_rss=2**30),
    ],
    id="files",
    profile="full",
    input_bytes={"CSV": 3 * 2**30},
)


def test_a_memory_claim_can_compare_peak_memory_with_the_size_of_a_file_read():
    held, expected, measured = claims.evaluate(
        STREAMING, '"streaming" peak memory at most 0.25 × file "CSV"'
    )
    assert not held and measured == "0.33×"
    assert expected == "'streaming' at most 0.25× the size of the file 'CSV'"
    assert claims.evaluate(STREAMING, '"streaming" peak memory at most 0.4 × file "CSV"')[0]
    assert not claims.evaluate(STREAMING, '"pandas" peak memory at most 1 × file "CSV"')[0]


def test_a_claim_about_a_file_the_record_does_not_know_names_the_files_it_has():
    with pytest.raises(claims.ClaimError, match=r"files records no file 'TSV' \(files: 'CSV'\)"):
        claims.evaluate(STREAMING, '"streaming" peak memory at most 0.25 × file "TSV"')
    with pytest.raises(claims.ClaimError, match="sets no BENCHMARK\\['input_bytes'\\]"):
        claims.evaluate(GIL, '"pure Python: one thread" peak memory at most 1 × file "CSV"')


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
    results.save(results.Results({"cpu/gil": GIL}), generated / "results.json")
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


FULL_SIZE_PAGE = (
    "# Page\n\n"
    '[[Streaming needs little.]]{claim files at full size: "streaming" '
    'peak memory at most {limit} × file "CSV"}\n'
)


def site_with_full_size_claim(tmp_path, profile: str, limit: float):
    generated = tmp_path / "generated"
    generated.mkdir(parents=True)
    examples = {"files": dataclasses.replace(STREAMING, profile=profile)}
    results.save(results.Results(examples), generated / "results.json")
    return page_config(tmp_path, FULL_SIZE_PAGE.replace("{limit}", str(limit))), generated


def test_a_full_size_claim_is_shown_unchecked_with_a_note_against_a_quick_table(tmp_path):
    config, generated = site_with_full_size_claim(tmp_path, "quick", 0.25)
    run = build(config, tmp_path / "site", generated)
    assert run.returncode == 0, run.stderr  # 0.33× would fail a full-size table
    page = (tmp_path / "site" / "index.html").read_text()
    assert "Streaming needs little. <small>(said of the full size; not checked against " in page
    assert "this quick profile&rsquo;s table)" in page or "this quick profile's table)" in page


def test_a_full_size_claim_is_checked_against_a_full_table(tmp_path):
    config, generated = site_with_full_size_claim(tmp_path, "full", 0.25)
    run = build(config, tmp_path / "site", generated)
    assert run.returncode != 0
    assert "expected 'streaming' at most 0.25× the size of the file 'CSV'; measured 0.33×" in (
        run.stderr
    )
    config, generated = site_with_full_size_claim(tmp_path / "holds", "full", 0.4)
    assert build(config, tmp_path / "holds" / "site", generated).returncode == 0
