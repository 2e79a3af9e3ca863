"""Sentences about measured results are checked against their rows' intervals at build time."""

import dataclasses

import pytest
from conftest import ROOT, build, page_config
from factories import record, row

from harness.core import results
from harness.core.records import Placement
from harness.reporting import claimed, claims, derived

# Real records, measured here with the quick profile (python -m harness measure
# cpu/gil basics/bottlenecks), transcripts left out: claims are judged by them.
MEASURED = results.load(ROOT / "tests" / "data" / "measured.json").examples
LOOPS = MEASURED["basics/bottlenecks"]
GIL = MEASURED["cpu/gil"]


def speedup(found, name: str) -> float:
    return derived.speedup(found, found.description.variant(name))


def holds(found, check: str) -> bool:
    return claims.evaluate(found, check).holds


def test_a_true_claim_about_a_real_row_holds_and_one_false_by_a_fifth_fails():
    name = '"NumPy, converting the list first"'
    value = speedup(LOOPS, name.strip('"'))
    assert holds(LOOPS, f"{name} speedup at least {0.8 * value:.3g}")
    assert holds(LOOPS, f"{name} speedup at most {1.2 * value:.3g}")
    # False by about 20 %: beyond the row's own interval, so the build must fail.
    assert not holds(LOOPS, f"{name} speedup at least {1.2 * value:.3g}")
    assert not holds(LOOPS, f"{name} speedup at most {0.8 * value:.3g}")


def test_no_variant_is_claimed_faster_than_its_workers_allow():
    two_processes = '"pure Python: * processes"'
    assert holds(GIL, f"{two_processes} speedup at least 1.2")
    assert not holds(GIL, f"{two_processes} speedup at least 3")  # 2 workers: never 3×
    assert not holds(GIL, '"NumPy: * threads" efficiency at least 1.5')


def test_orders_hold_where_the_intervals_say_so_on_real_rows():
    assert holds(LOOPS, '"NumPy, on an array" fastest')
    assert not holds(LOOPS, '"map with a lambda" fastest')
    assert holds(LOOPS, '"NumPy, on an array" faster than "list comprehension"')
    assert not holds(LOOPS, '"map with a lambda" faster than "list comprehension"')
    assert holds(GIL, '"waiting (sleep): * threads" faster than "waiting (sleep): one thread"')


ONE = Placement(True, "seen", 1.0, "one core")
BASE = [1.0, 1.1, 0.9, 1.0, 1.05, 0.95, 1.0, 1.1]
STEADY = record(
    [
        row("one thread", runs=BASE, placement=ONE),
        row("4 threads", runs=[b * 0.98 for b in BASE], baseline="one thread", placement=ONE),
        row("4 processes", runs=[b / 3.3 for b in BASE], baseline="one thread", workers=4),
    ],
    id="cpu/gil",
    rounds=len(BASE),
)


@pytest.mark.parametrize(
    ("check", "holds"),
    [
        ('"* threads" speedup at most 1.1', True),
        ('"* processes" speedup at least 3', True),
        # 3.3× with no spread at all: 3.5 is simply not what was measured.
        ('"* processes" speedup at least 3.5', False),
        ('"* processes" speedup at least 3 over "* threads"', True),  # 3.3 / 0.98
        ('"* processes" speedup at least 3.5 over "* threads"', False),
        ('"* threads" speedup at most 0.5 over "* processes"', True),
        ('"* processes" efficiency at least 0.8', True),
        ('"* processes" efficiency at least 0.9', False),
        ('"* processes" efficiency at most 0.9', True),
        ('"* processes" efficiency at most 0.8', False),
        ('"* threads" within noise of "one thread"', False),  # 1.02×, every round
        ('"* processes" faster than "one thread"', True),
        ('"one thread" faster than "* processes"', False),
        ('"* processes" fastest', True),
        ('"one thread" fastest', False),
    ],
)
def test_each_kind_of_claim_is_checked_against_the_rows_interval(check, holds):
    assert claims.evaluate(STEADY, check).holds is holds


def test_a_memory_claim_compares_peak_memory_and_file_sizes():
    files = record(
        [
            row("pandas", 2.0, peak_rss=4 * 2**30),
            row("streaming", 1.0, baseline="pandas", peak_rss=2**30),
        ],
        id="files",
        input_bytes={"CSV": 3 * 2**30},
    )
    assert holds(files, '"streaming" peak memory at most 0.25 × "pandas"')
    judged = claims.evaluate(files, '"streaming" peak memory at most 0.2 × "pandas"')
    assert not judged.holds and judged.measured == "0.25× (1024 MiB against 4096 MiB)"
    judged = claims.evaluate(files, '"streaming" peak memory at most 0.25 × file "CSV"')
    assert not judged.holds and judged.measured == "0.33× (1024 MiB against a 3072 MiB file)"
    assert judged.expected == "at most 0.25× the size of the file 'CSV'"
    with pytest.raises(claims.ClaimError, match=r"files records no file 'TSV' \(files: 'CSV'\)"):
        claims.evaluate(files, '"streaming" peak memory at most 0.25 × file "TSV"')


def test_a_claim_about_a_variant_that_is_not_there_says_which_exist():
    with pytest.raises(claims.ClaimError, match="must name one variant of cpu/gil"):
        claims.evaluate(STEADY, '"* fibres" speedup at least 2')


PAGE = (
    "# Page\n\n"
    '[[Threads do not help pure Python.]]{claim cpu/gil: "* threads" '
    "speedup at most {limit}}\n"
)


def site_with_claim(tmp_path, limit: float, found=STEADY):
    generated = tmp_path / "generated"
    generated.mkdir()
    results.save(results.Results({"cpu/gil": found}), generated / "results.json")
    return page_config(tmp_path, PAGE.replace("{limit}", str(limit))), generated


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
        'claim about cpu/gil ("* threads" speedup at most 0.8) does not hold: '
        "'4 threads' expected at most 0.8× the speed of 'one thread'; "
        "measured 1.02× (1.02× to 1.02×)"
    ) in run.stderr


def test_a_failed_claim_keeps_its_words_and_says_what_was_measured_while_serving(tmp_path):
    config, generated = site_with_claim(tmp_path, 0.8)
    run = build(config, tmp_path / "site", generated, SITE_PLACEHOLDERS=str(generated))
    assert run.returncode == 0, run.stderr
    page = (tmp_path / "site" / "index.html").read_text()
    assert '<mark class="claim-failed">Threads do not help pure Python.</mark>' in page
    assert (
        '<span class="claim-note">On this machine &#x27;4 threads&#x27; measured 1.02× '
        "(1.02× to 1.02×), where the sentence expects at most 0.8× the speed of "
        "&#x27;one thread&#x27;: this table was measured at the quick size on 2 cores; the "
        "published site measures the full size.</span>"
    ) in page
    assert "*" not in page.split("claim-note")[1].split("</span>")[0]  # no wildcard
    # and the terminal that serves it says so
    assert 'Claim not holding here, index.md: "Threads do not help pure Python."' in run.stderr


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        # a clause: the note goes after the sentence it is part of, not inside it
        ("A [[pool helps]]{claim x: C}, in the end. Next.", "A [pool helps], in the end. N Next."),
        # a whole sentence: right after it
        ("[[It helps.]]{claim x: C} Next one.", "[It helps.] N Next one."),
        # the end of a list item, without a full stop
        ("- [[it helps]]{claim x: C} a lot\n- other", "- [it helps] a lot N\n- other"),
        # two claims in one sentence: both notes after it, in order
        ("[[A]]{claim x: C} and [[B]]{claim x: C}.\n\nP", "[A] and [B]. N N\n\nP"),
    ],
)
def test_a_failed_claims_note_follows_the_sentence_it_belongs_to(markdown, expected):
    def judge(match):
        return claimed.Shown(f"[{match['sentence']}]", "failed", "N")

    assert (
        claimed.checked_page(markdown, judge).replace(' <span class="claim-note">N</span>', " N")
        == expected
    )


FULL_SIZE_PAGE = (
    "# Page\n\n"
    '[[Streaming needs little.]]{claim files at full size: "streaming" '
    'peak memory at most {limit} × file "CSV"}\n'
)
STREAMING = record(
    [row("pandas", 2.0, peak_rss=4 * 2**30), row("streaming", 1.0, baseline="pandas",
                                                  peak_rss=2**30)],
    id="files",
    input_bytes={"CSV": 3 * 2**30},
)  # fmt: skip


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
    assert "Streaming needs little." in page
    assert "sentences about the full size are not checked here" in page


def test_a_full_size_claim_is_checked_against_a_full_table(tmp_path):
    config, generated = site_with_full_size_claim(tmp_path, "full", 0.25)
    run = build(config, tmp_path / "site", generated)
    assert run.returncode != 0
    assert "'streaming' expected at most 0.25× the size of the file 'CSV'; measured 0.33×" in (
        run.stderr
    )
    config, generated = site_with_full_size_claim(tmp_path / "holds", "full", 0.4)
    assert build(config, tmp_path / "holds" / "site", generated).returncode == 0


FREE_THREADED_CLAIM = (
    '[[Threads help pure Python on 3.14t.]]{claim cpu/gil@3.14t: "* threads" '
    "speedup at least {limit}}"
)


def measured_by_3_14t(gil_enabled: bool):
    from harness.core.records import PythonBuild

    python = PythonBuild("3.14.0", free_threaded=True, gil_enabled=gil_enabled)
    environment = dataclasses.replace(STEADY.environment, python=python)
    return dataclasses.replace(STEADY, interpreter="3.14t", environment=environment)


def shown(limit: float, found) -> tuple[str, list[str]]:
    """What a strict build shows for the claim, and the failures it would end with."""
    match = claims.CLAIM.search(FREE_THREADED_CLAIM.replace("{limit}", str(limit)))
    said = claimed.shown_claim(match, found, "index.md", serving=False)
    return said.text, [said.failure] if said.failure else []


def test_a_claim_about_another_interpreter_is_checked_against_its_own_table():
    said, failures = shown(1.5, measured_by_3_14t(gil_enabled=False))
    assert said == "Threads help pure Python on 3.14t." and len(failures) == 1
    assert "does not hold: '4 threads' expected at least 1.5× the speed of" in failures[0]
    assert shown(0.9, measured_by_3_14t(gil_enabled=False)) == (
        "Threads help pure Python on 3.14t.",
        [],
    )


def test_a_claim_about_an_interpreter_not_measured_or_with_the_gil_back_on_is_unchecked():
    said, failures = shown(1.5, None)  # a reader's machine without 3.14t
    assert failures == []
    assert "Python 3.14t: not measured here; `make measure-pythons` measures it" in said
    said, failures = shown(1.5, measured_by_3_14t(gil_enabled=True))
    assert failures == []
    assert "not checked: an import turned the GIL back on in Python 3.14t's run" in said
