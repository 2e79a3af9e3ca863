"""A history across publishes: a folder served on localhost plays the live site, and three
publishes each read the history from it, add their own and publish it there again.

The second publish measures the same speedups as the first; the third makes one row
three times faster, with a newer library and a claim that now fails: one step, listed
with its commit, the library and the claim. Records are made for it (factories), so
nothing here depends on how fast this machine is.
"""

import dataclasses
import functools
import http.server
import shutil
import threading

import msgspec
import pytest
from conftest import ROOT, build, harness, page_config
from factories import record, row

from harness.core import results
from harness.reporting.history import History

CLAIM_PAGE = (
    "# Page\n\n"
    '[[Summing is at least twice as fast.]]{claim sums: "sum" speedup at most 2.5}\n\n'
    '--8<-- "tables/sums.md"\n\n--8<-- "history/changes.md"\n'
)


def measured(speedup: float, numpy: str):
    base = [1.0, 1.02, 0.98, 1.01, 0.99, 1.0]
    rows = [row("loop", runs=base), row("sum", runs=[b / speedup for b in base], baseline="loop")]
    made = record(rows, id="sums", rounds=len(base))
    environment = dataclasses.replace(made.environment, libraries={"numpy": numpy})
    return dataclasses.replace(made, environment=environment)


@pytest.fixture
def live_site(tmp_path):
    """A folder served on localhost, as GitHub Pages serves the published site."""
    folder = tmp_path / "live"
    folder.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield folder, f"http://127.0.0.1:{server.server_port}/history.json"
    server.shutdown()


@dataclasses.dataclass
class Said:
    stderr: str = ""


def publish(tmp_path, name, live, url, speedup, numpy, docs):
    """One publish, as `make history` then `make render` do it (in this process: the
    command line is tested below): the history from the live site plus its own."""
    from harness.reporting.history import record_publish
    from harness.reporting.render import render_all

    out = tmp_path / name
    out.mkdir(parents=True)
    results.save(results.Results({"sums": measured(speedup, numpy)}), out / "results.json")
    said = Said()
    warn = lambda text: setattr(said, "stderr", said.stderr + text + "\n")  # noqa: E731
    assert record_publish(out / "results.json", url, docs, out, warn, commit=name) == 0
    render_all(results.load(out / "results.json"), out)
    shutil.copy(out / "history.json", live / "history.json")
    return out, said


def test_the_history_command_adds_a_publish_and_render_draws_it(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    results.save(results.Results({"sums": measured(2.0, "2.3.0")}), out / "results.json")
    run = harness("--out", out, "history", "--docs", tmp_path, "--commit", "abc")
    assert run.returncode == 0, run.stderr
    assert "No previous history named (--previous): starting a new one" in run.stderr
    assert harness("--out", out, "render").returncode == 0
    assert "1 publish(es), from abc" in (out / "history" / "changes.md").read_text()


def test_three_publishes_keep_their_history_and_list_the_one_step(tmp_path, live_site):
    live, url = live_site
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(CLAIM_PAGE)
    _, first = publish(tmp_path, "aaaaaaa1", live, url, 2.0, "2.3.0", docs)
    assert "Could not read the previous history" in first.stderr  # none live yet: said
    assert "starting a new one" in first.stderr
    _, second = publish(tmp_path, "bbbbbbb2", live, url, 2.0, "2.3.0", docs)
    assert "History: 2 publish(es), 0 step(s)" in second.stderr
    out, third = publish(tmp_path, "ccccccc3", live, url, 6.0, "2.4.1", docs)
    assert "History: 3 publish(es), 1 step(s)" in third.stderr

    history = msgspec.json.decode((live / "history.json").read_bytes(), type=History)
    assert [p.commit for p in history.publishes] == ["aaaaaaa1", "bbbbbbb2", "ccccccc3"]
    claim = "index.md: Summing is at least twice as fast."
    assert [p.claims[claim] for p in history.publishes] == [True, True, False]

    changes = (out / "history" / "changes.md").read_text().replace("\u00a0", " ")
    assert "3 publish(es), from aaaaaaa (" in changes and "1 step(s)" in changes
    assert "**sums**, sum: 2.00× ± " in changes and "→ 6.00× ± " in changes
    assert "(faster), at ccccccc" in changes
    assert "libraries that changed with it: numpy 2.3.0 → 2.4.1" in changes
    assert f"claim no longer holds: {claim}" in changes
    table = (out / "tables" / "sums.md").read_text().replace("\u00a0", " ")
    assert '??? note "History: 3 publish(es)' in table and "6.00× ± 0.0 % ▲▼" in table


def test_a_rerun_of_the_same_commit_replaces_its_point(tmp_path, live_site):
    live, url = live_site
    docs = tmp_path / "docs"
    docs.mkdir()
    publish(tmp_path, "a1", live, url, 2.0, "2.3.0", docs)
    _, again = publish(tmp_path / "again", "a1", live, url, 2.1, "2.3.0", docs)
    assert "History: 1 publish(es)" in again.stderr


def test_an_unreadable_history_starts_a_new_one_and_says_why(tmp_path, live_site):
    live, url = live_site
    (live / "history.json").write_text("{not json")
    docs = tmp_path / "docs"
    docs.mkdir()
    _, run = publish(tmp_path, "a1", live, url, 2.0, "2.3.0", docs)
    assert f"Could not read the previous history at {url}" in run.stderr
    assert "History: 1 publish(es), 0 step(s)" in run.stderr


@pytest.mark.slow
def test_a_site_shows_each_interpreters_tab_the_trend_and_what_changed(tmp_path, live_site):
    """In Chromium: the tabs of two interpreters, the trend under the table, the step."""
    sync_api = pytest.importorskip("playwright.sync_api")
    from harness.publishing.layout import CHROMIUM_ARGS, browser, serving

    if browser() is None:
        pytest.skip("no Chromium or Chrome on this machine (apt-get install chromium)")
    live, url = live_site
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(CLAIM_PAGE.replace("at most 2.5", "at least 1.5"))
    for name, speedup in (("aaaaaaa1", 2.0), ("bbbbbbb2", 2.0)):
        publish(tmp_path, name, live, url, speedup, "2.3.0", docs)
    out, _ = publish(tmp_path, "ccccccc3", live, url, 6.0, "2.4.1", docs)
    data = results.load(out / "results.json")
    other = dataclasses.replace(data.examples["sums"], interpreter="3.14t")
    data.examples["sums@3.14t"] = other
    results.save(data, out / "results.json")
    assert harness("--out", out, "render").returncode == 0
    site = tmp_path / "site"
    (tmp_path / "config").mkdir()
    config = page_config(tmp_path / "config", (docs / "index.md").read_text())
    for linked in ("reading.md", "changes.md"):  # the pages a table's footer links
        shutil.copy(ROOT / "docs" / linked, tmp_path / "config" / "docs")
    run = build(config, site, out)
    assert run.returncode == 0, run.stderr

    server = serving(site)
    try:
        with sync_api.sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=browser(), args=CHROMIUM_ARGS)
            page = chromium.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"http://127.0.0.1:{server.server_port}/")
            labels = page.locator(".tabbed-labels label")
            assert labels.all_inner_texts() == ["Python 3.13 (GIL off)", "Python 3.14t (GIL off)"]
            labels.nth(1).click()
            shown = page.locator(".tabbed-block").nth(1)
            assert shown.is_visible() and "Measured with Python 3.14t" in shown.inner_text()
            page.get_by_text("History: 3 publish(es)").click()
            assert page.locator("img[alt='Speedups at each publish']").first.is_visible()
            assert page.locator("li", has_text="sums, sum: 2.00×").is_visible()
            chromium.close()
    finally:
        server.shutdown()
