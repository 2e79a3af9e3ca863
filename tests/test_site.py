"""The site builds strictly from measured tables, and refuses to build without them."""

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import ROOT, harness

MKDOCS = [sys.executable, "-m", "mkdocs", "build", "--strict"]
HOOKS = ("downloads.py", "generated.py", "claims.py")


def build(config: Path, site: Path, generated: Path, **extra_env):
    env = {
        **os.environ,
        "SITE_GENERATED": str(generated),
        "NO_MKDOCS_2_WARNING": "1",
        **extra_env,
    }
    return subprocess.run(
        [*MKDOCS, "-f", str(config), "-d", str(site)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    """Every example measured with the smoke profile, and rendered, into a private folder.

    In two shards at once, merged as the publishing workflow merges its shards:
    much of a smoke run is waiting (clusters starting, servers, time-outs shown
    on purpose), which two harnesses overlap.
    """
    generated = tmp_path_factory.mktemp("generated")
    other = tmp_path_factory.mktemp("generated-second-shard")
    with ThreadPoolExecutor(2) as pool:
        runs = list(
            pool.map(
                lambda shard, out: harness(
                    "--out", out, "measure", "--profile", "smoke", "--shard", shard
                ),
                ["1/2", "2/2"],
                [generated, other],
            )
        )
    for run in runs:
        assert run.returncode == 0, run.stderr
    merged = harness("--out", generated, "merge", other / "results.json")
    assert merged.returncode == 0, merged.stderr
    assert harness("--out", generated, "render").returncode == 0
    return generated


@pytest.mark.slow
def test_the_site_builds_strictly_with_measured_tables(measured, tmp_path):
    run = build(ROOT / "mkdocs.yml", tmp_path / "site", measured)
    assert run.returncode == 0, run.stderr
    page = (tmp_path / "site" / "io" / "threads" / "index.html").read_text()
    assert "sequential, one session" in page and "Median ÷ bound" in page
    assert "data:image/svg+xml;base64," in page
    assert "raise_for_status" in page  # code included from the example
    notebook = (tmp_path / "site" / "io" / "threads-notebook" / "index.html").read_text()
    assert "days arrived" in notebook  # the notebook ran and its output is on the page
    site = tmp_path / "site"
    profiled = (site / "basics" / "bottlenecks" / "index.html").read_text()
    assert "function calls" in profiled  # cProfile's report, printed by the example
    assert "Recorded:" in profiled  # pyinstrument's
    grouped = (site / "cpu" / "gil" / "index.html").read_text()
    assert "pure Python: one thread" in grouped and "NumPy: 2 threads" in grouped
    scaling = (site / "cpu" / "amdahl" / "index.html").read_text()
    assert "Karp–Flatt serial fraction" in scaling and "Gustafson, s = " in scaling
    assert "javascripts/amdahl.js" in scaling and "data-amdahl-serial" in scaling
    assert (site / "javascripts" / "amdahl.js").exists()
    # A reader can take the code home: every download link leads to a file in the site.
    notebook_dir = site / "io" / "threads-notebook"
    assert 'href="threads-notebook.ipynb" download' in notebook
    assert (notebook_dir / "threads-notebook.ipynb").exists()
    assert 'download href="../../examples/io/threads.py"' in page
    links = 0
    for html in site.rglob("*.html"):
        for href in re.findall(r'<a download href="([^"]+)"', html.read_text()):
            assert (html.parent / href).resolve().is_file(), f"{html}: {href}"
            links += 1
    assert links >= 10


def page_config(tmp_path: Path, markdown: str) -> Path:
    """A one-page site that inherits every setting of the real one."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(markdown)
    config = tmp_path / "mkdocs.yml"
    # Paths in a config are relative to its own file: give the inherited ones in full.
    config.write_text(
        f"INHERIT: {ROOT / 'mkdocs.yml'}\n"
        f"docs_dir: {docs}\n"
        f"theme:\n  custom_dir: {ROOT / 'overrides'}\n"
        "hooks:\n"
        + "".join(f"  - {ROOT / 'hooks' / name}\n" for name in HOOKS)
        + "nav:\n  - index.md\n"
    )
    return config


def test_a_table_that_was_never_measured_fails_the_build_and_is_named(tmp_path):
    config = page_config(tmp_path, '# Page\n\n--8<-- "tables/io/never_measured.md"\n')
    run = build(config, tmp_path / "site", tmp_path / "empty")
    assert run.returncode != 0
    # One line: which page, which file, and the command that makes it; no traceback.
    assert (
        "index.md includes tables/io/never_measured.md, which is not measured yet: "
        "run `.venv/bin/python -m harness measure io/never_measured`"
    ) in run.stderr
    assert "Traceback" not in run.stderr


def test_a_missing_snippet_section_fails_the_build(tmp_path):
    config = page_config(
        tmp_path,
        '# Page\n\n```python title="x"\n--8<-- "examples/io/threads.py:no_such_part"\n```\n',
    )
    run = build(config, tmp_path / "site", tmp_path / "empty")
    assert run.returncode != 0
    assert "no_such_part" in run.stderr


PAGES = sorted(
    p.relative_to(ROOT / "docs").as_posix()
    for p in (ROOT / "docs").rglob("*")
    if p.suffix in {".md", ".ipynb"}
)


@pytest.mark.parametrize("page", PAGES)
def test_page_is_in_the_navigation(page):
    assert page in (ROOT / "mkdocs.yml").read_text(), f"add {page} to nav in mkdocs.yml"
