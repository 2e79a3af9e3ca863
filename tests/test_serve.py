"""`make serve` shows the site at once, with placeholders that fill in as examples are measured.

The browser test drives a real Chromium (Debian's, or the runner's Chrome)
against ``python -m harness serve``. The example it serves waits for a gate
file before its workload is made, so the test sees the placeholder for
certain, opens the gate, and then sees the table arrive by live reload:
nothing depends on how fast this machine measures.
"""

import dataclasses
import html
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import msgspec
import psutil
import pytest
from conftest import HOOKS, ROOT, page_config, write_example

from harness.publishing import layout, serve

GATED = '''
"""Waits for a gate file before measuring, so a test can look at the page meanwhile."""
import os
import time
from pathlib import Path


def workload(n):
    gate = Path(os.environ["HARNESS_TEST_GATE"])
    while not gate.exists():
        time.sleep(0.05)
    return n


def loop(n):
    return sum(i * i for i in range(n))


BENCHMARK = {"workload": workload, "variants": {"gated loop": loop}, "sizes": {"smoke": {"n": 10}}}
'''


# The gated example, once more, telling the test when its workload started and whether
# the site answered at that moment: measuring must wait for the site's first build.
GATED_AND_TOLD = GATED.replace(
    '    gate = Path(os.environ["HARNESS_TEST_GATE"])\n',
    """    import urllib.request
    try:
        with urllib.request.urlopen(os.environ["HARNESS_TEST_SITE"], timeout=5):
            answered = "the site answered"
    except OSError as error:
        answered = f"the site did not answer: {error}"
    Path(os.environ["HARNESS_TEST_STARTED"]).write_text(answered)
    gate = Path(os.environ["HARNESS_TEST_GATE"])
""",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, seconds: float, serving=None, said=None) -> None:
    """Until ``url`` answers; fails at once if the process ``serving`` it exits."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if serving is not None and serving.poll() is not None:
            raise AssertionError(f"it exited with {serving.returncode}:\n{said.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing served at {url} after {seconds:.0f} s")


def test_placeholders_name_every_generated_file_a_page_includes(tmp_path):
    docs = tmp_path / "docs"
    (docs / "io").mkdir(parents=True)
    (docs / "io" / "page.md").write_text(
        '--8<-- "tables/io/threads.md"\n--8<-- "plots/io/threads.md"\n'
        '--8<-- "transcripts/basics/bottlenecks/cprofile.md"\n'
        '```python\n--8<-- "examples/io/threads.py:session"\n```\n'
    )
    generated = tmp_path / "generated"
    (generated / "plots" / "io").mkdir(parents=True)
    (generated / "plots" / "io" / "threads.md").write_text("measured")
    serve.write_placeholders(docs, generated, 3, 14)
    made = sorted(
        p.relative_to(generated / "placeholders").as_posix()
        for p in (generated / "placeholders").rglob("*.md")
    )
    assert made == ["tables/io/threads.md", "transcripts/basics/bottlenecks/cprofile.md"]
    table = (generated / "placeholders" / "tables" / "io" / "threads.md").read_text()
    assert "3 of 14 examples done" in table and "examples/io/threads.py" in table
    # Once the table is measured, its placeholder goes.
    (generated / "tables" / "io").mkdir(parents=True)
    (generated / "tables" / "io" / "threads.md").write_text("measured")
    serve.write_placeholders(docs, generated, 4, 14)
    assert not (generated / "placeholders" / "tables" / "io" / "threads.md").exists()


@pytest.mark.slow
def test_a_reader_sees_a_placeholder_then_the_table_appears(tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    browser_path = layout.browser()
    if browser_path is None:
        pytest.skip("no Chromium or Chrome on this machine (apt-get install chromium)")
    examples = tmp_path / "examples"
    write_example(examples, "gated", GATED)
    config = page_config(tmp_path, '# Gated\n\n--8<-- "tables/gated.md"\n')
    gate = tmp_path / "gate"
    address = f"127.0.0.1:{free_port()}"
    harness = subprocess.Popen(
        [sys.executable, "-m", "harness", "--examples", examples, "--out", tmp_path / "generated",
         "serve", "--profile", "smoke", "--config", config, "--dev-addr", address],
        cwd=ROOT,
        env={**os.environ, "HARNESS_TEST_GATE": str(gate), "NO_MKDOCS_2_WARNING": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for_http(f"http://{address}/", 120)
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=browser_path, args=layout.CHROMIUM_ARGS
            )
            page = browser.new_page()
            page.goto(f"http://{address}/")
            waiting = page.get_by_text("Being measured on this machine: 0 of 1 examples done")
            sync_api.expect(waiting).to_be_visible(timeout=60_000)
            gate.touch()  # now let the harness measure
            row = page.locator("td", has_text="gated loop").first
            sync_api.expect(row).to_be_visible(timeout=120_000)  # the page reloaded by itself
            sync_api.expect(page.get_by_text("Being measured on this machine")).to_have_count(0)
            browser.close()
    finally:
        harness.terminate()
        harness.wait(timeout=30)


def start_serving(tmp_path, config, example_source=GATED_AND_TOLD):
    """``python -m harness serve`` of ``config`` with one gated example, and where to look."""
    examples = tmp_path / "measured"
    write_example(examples, "gated", example_source)
    address = f"127.0.0.1:{free_port()}"
    told = {"gate": tmp_path / "gate", "started": tmp_path / "started"}
    env = {
        **os.environ,
        "HARNESS_TEST_GATE": str(told["gate"]),
        "HARNESS_TEST_STARTED": str(told["started"]),
        "HARNESS_TEST_SITE": f"http://{address}/",
        "NO_MKDOCS_2_WARNING": "1",
    }
    # What it and MkDocs say goes to a file: a pipe nobody reads would fill and stop them.
    told["said"] = tmp_path / "said.txt"
    with told["said"].open("w") as said:
        harness = subprocess.Popen(
            [sys.executable, "-m", "harness", "--examples", examples, "--out",
             tmp_path / "generated", "serve", "--profile", "smoke", "--config", config,
             "--dev-addr", address],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=said,
        )  # fmt: skip
    return harness, address, told


def copy_of_the_real_site(tmp_path):
    """The real pages and settings, in a folder of their own: nothing is generated yet.
    The notebooks find the examples they import beside the pages, as in a checkout."""
    docs = shutil.copytree(ROOT / "docs", tmp_path / "docs")
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        f"INHERIT: {ROOT / 'mkdocs.yml'}\n"
        f"docs_dir: {docs}\n"
        f"theme:\n  custom_dir: {ROOT / 'overrides'}\n"
        "hooks:\n" + "".join(f"  - {ROOT / 'hooks' / name}\n" for name in HOOKS)
    )
    return config


def nav_urls(config) -> list[str]:
    """The address of every page in the site's navigation, as MkDocs serves it."""
    from mkdocs.config import load_config

    def files(items):
        for item in items:
            value = next(iter(item.values())) if isinstance(item, dict) else item
            yield from files(value) if isinstance(value, list) else [value]

    pages = files(load_config(str(config)).nav)
    return ["" if p == "index.md" else p.rsplit(".", 1)[0] + "/" for p in pages]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def stop_with_ctrl_c(harness: subprocess.Popen) -> None:
    """Stop it as a reader's Ctrl-C does."""
    harness.send_signal(signal.SIGINT)
    harness.wait(timeout=60)


@pytest.mark.slow
def test_a_fresh_clone_serves_every_page_before_measuring_anything(tmp_path):
    """The README's first command, as a new user runs it: nothing generated yet."""
    config = copy_of_the_real_site(tmp_path)
    harness, address, told = start_serving(tmp_path, config)
    try:
        wait_for_http(f"http://{address}/", 240, harness, told["said"])
        site = psutil.Process(harness.pid).children()
        statuses = {url: fetch(f"http://{address}/{url}") for url in nav_urls(config)}
        assert len(statuses) > 20  # every page of the nav, not a one-page stand-in
        assert {url: status for url, (status, _) in statuses.items() if status != 200} == {}
        assert "No publish recorded yet" in statuses["changes/"][1]
        assert "Being measured on this machine" in statuses["cpu/gil/"][1]
        assert not (tmp_path / "generated" / "results.json").exists()  # nothing measured yet
        told["gate"].touch()
        deadline = time.monotonic() + 120
        while not (tmp_path / "generated" / "tables" / "gated.md").exists():
            assert harness.poll() is None and time.monotonic() < deadline, told["said"].read_text()
            time.sleep(0.2)
        # Measuring started only once the first build was served.
        assert told["started"].read_text() == "the site answered"
    finally:
        stop_with_ctrl_c(harness)
    said = told["said"].read_text()
    assert harness.returncode == 0, said
    assert "Stopped. What was measured is kept" in said
    assert not [p for p in site if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    with pytest.raises(OSError):  # nothing listens any more
        urllib.request.urlopen(f"http://{address}/", timeout=5)


def test_a_site_that_fails_its_first_build_stops_the_command_and_measures_nothing(tmp_path):
    config = page_config(tmp_path, '# Broken\n\n--8<-- "examples/no_such_file.py:part"\n')
    harness, _, told = start_serving(tmp_path, config)
    harness.wait(timeout=120)
    said = told["said"].read_text()
    assert harness.returncode != 0
    assert "The MkDocs server stopped (exit code 1) before serving a page" in said
    assert "no_such_file.py" in said  # MkDocs' own error is shown above it
    assert not told["started"].exists() and not (tmp_path / "generated" / "results.json").exists()


@pytest.mark.slow
def test_a_server_that_dies_while_measuring_stops_the_measuring_and_says_so(tmp_path):
    config = page_config(tmp_path, '# Gated\n\n--8<-- "tables/gated.md"\n')
    harness, address, told = start_serving(tmp_path, config)
    try:
        wait_for_http(f"http://{address}/", 120, harness, told["said"])
        deadline = time.monotonic() + 60
        while not told["started"].exists():  # the gated example is being measured
            assert time.monotonic() < deadline, "the example never started"
            time.sleep(0.1)
        below = psutil.Process(harness.pid).children(recursive=True)
        (server,) = [p for p in below if "mkdocs" in " ".join(p.cmdline())]
        server.kill()
        harness.wait(timeout=60)
    finally:
        if harness.poll() is None:
            harness.kill()
    said = told["said"].read_text()
    assert harness.returncode != 0
    assert "The MkDocs server stopped (exit code -9)" in said
    assert "Measuring stopped too" in said
    _, still_running = psutil.wait_procs(below, timeout=10)  # the worker measuring it too
    assert not still_running, still_running


def gated_with_history(generated):
    """What ``make measure-pythons`` and a publish left: the gated example's records for
    this interpreter (stale) and for Python 3.13, and a history of it."""
    from factories import record, row

    from harness.core import results
    from harness.core.intervals import Ratio
    from harness.reporting.history import History, Publish

    rows = [row("gated loop", runs=[1.0] * 6), row("gated again", runs=[1.0] * 6,
                                                    baseline="gated loop")]  # fmt: skip
    ours = record(rows, id="gated", rounds=6)
    other = dataclasses.replace(ours, interpreter="3.13")
    generated.mkdir()
    results.save(results.Results({"gated": ours, "gated@3.13": other}), generated / "results.json")
    publish = Publish("aaaaaaa1", "2026-11-01", speedups={"gated": {"gated again": Ratio(1.0)}})
    (generated / "history.json").write_bytes(msgspec.json.encode(History(publishes=[publish])))


@pytest.mark.slow
def test_a_measured_example_keeps_its_other_interpreters_tab_and_its_trend(tmp_path):
    config = page_config(tmp_path, '# Gated\n\n--8<-- "tables/gated.md"\n')
    for linked in ("reading.md", "changes.md"):  # the pages a table's footer links
        shutil.copy(ROOT / "docs" / linked, tmp_path / "docs")
    generated = tmp_path / "generated"
    gated_with_history(generated)
    source = GATED_AND_TOLD.replace(
        '{"gated loop": loop}', '{"gated loop": loop, "gated again": loop}'
    )
    harness, address, told = start_serving(tmp_path, config, source)
    table = generated / "tables" / "gated.md"
    try:
        wait_for_http(f"http://{address}/", 240, harness, told["said"])
        before = table.read_text()
        assert "Python 3.13" in before and "History: 1 publish(es)" in before  # as rendered
        told["gate"].touch()
        deadline = time.monotonic() + 120
        while table.read_text() == before:  # until the example, measured, is rendered
            assert harness.poll() is None and time.monotonic() < deadline, told["said"].read_text()
            time.sleep(0.2)
        after = table.read_text()
        page = ""
        while after.split("| gated again |")[1].split("|")[1].strip() not in page:
            assert time.monotonic() < deadline, told["said"].read_text()
            page = fetch(f"http://{address}/")[1]  # until the site rebuilt with it
            time.sleep(0.2)
    finally:
        stop_with_ctrl_c(harness)
    assert "Python 3.13" in after and "History: 1 publish(es)" in after
    assert html.unescape(page).count("Python 3.13") >= 1 and "History: 1 publish(es)" in page
