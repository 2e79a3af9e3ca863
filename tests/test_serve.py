"""`make serve` shows the site at once, with placeholders that fill in as examples are measured.

The browser test drives a real Chromium (Debian's, or the runner's Chrome)
against ``python -m harness serve``. The example it serves waits for a gate
file before its workload is made, so the test sees the placeholder for
certain, opens the gate, and then sees the table arrive by live reload:
nothing depends on how fast this machine measures.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request

import layout
import pytest
from conftest import ROOT, page_config, write_example

from harness import serve

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
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
