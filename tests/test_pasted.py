"""Code a reader copies runs: the blocks a page shows from each script, copied in page
order (with what the page adds before the first of them), compile and use no
name they do not define; for a handful of pages the paste is run for real."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from harness.publishing import pasted

PAGES = sorted((ROOT / "docs").rglob("*.md"))
# The blocks that cannot run pasted on their own, one place, each with why.
CANNOT_RUN_PASTED = {
    ("io/threads.md", "examples/io/weather_server.py"): (
        "a method of the local server's request handler, shown for what it answers; "
        "its names are the server's settings (serve(latency=…)): run the script"
    ),
}


def undefined_names(code: str, tmp_path: Path) -> list[str]:
    """What ruff (F821, and any syntax error) finds in a paste: the independent judge."""
    paste = tmp_path / "paste.py"
    paste.write_text(code + "\n")
    done = subprocess.run(
        [ROOT / ".venv" / "bin" / "ruff", "check", "--isolated", "--select", "F821",
         "--output-format", "json", paste],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    return sorted({finding["message"] for finding in json.loads(done.stdout)})


def every_paste():
    for page in PAGES:
        for script, code in pasted.pastes(page.read_text(), ROOT).items():
            yield page.relative_to(ROOT / "docs").as_posix(), script, code


def test_almost_every_block_runs_when_its_pages_blocks_are_pasted_in_order(tmp_path):
    blocks = failing = 0
    failed = {}
    for page, script, code in every_paste():
        shown = sum(b.path == script for b in pasted.blocks_on((ROOT / "docs" / page)
                                                                .read_text(), ROOT))  # fmt: skip
        blocks += shown
        found = undefined_names(code, tmp_path)
        if found:
            failing += shown
            failed[(page, script)] = found
    assert blocks > 100  # every page's blocks, not a handful
    assert failing <= 0.05 * blocks, failed
    # The exceptions are listed, each with its reason, and nothing else fails.
    assert set(failed) == set(CANNOT_RUN_PASTED), failed


def test_what_a_page_adds_before_its_first_block_is_the_scripts_own_code():
    """The added lines are the script's (imports, constants, helpers), not invented."""
    page = (ROOT / "docs" / "cpu" / "processes.md").read_text()
    _, first = pasted.by_script(page, ROOT)["examples/cpu/processes.py"]
    source = (ROOT / "examples" / "cpu" / "processes.py").read_text()
    assert "import numpy as np" in first and "from PIL import Image" in first
    for line in first.splitlines():
        assert line.strip() in source or line.startswith(("import ", "from ")), line
    shown = pasted.with_what_they_need(page, ROOT)
    assert shown.index("from PIL import Image") < shown.index(
        '--8<-- "examples/cpu/processes.py:load_small"'
    )


# Run for real: the paste as a script, then its functions on the smoke size's input,
# each result checked against the script's own.
DRIVER = """

if __name__ == "__main__":
    import builtins
    import dis
    import functools
    import importlib
    import types

    import side_by_side

    # The script itself, under its own name (a pool's workers import it so).
    real = importlib.import_module({module!r})
    pasted = globals()

    def on_the_page(run):
        # The variant as the page's code would run it: its function, or the
        # lambda that adapts the input to it, looked up in the paste instead.
        if isinstance(run, functools.partial):
            inner = on_the_page(run.func)
            return inner and functools.partial(inner, *run.args, **run.keywords)
        if not isinstance(run, types.FunctionType):
            return None
        if run.__name__ != "<lambda>":
            ours = pasted.get(run.__name__)
            return ours if isinstance(ours, types.FunctionType) else None
        code = dis.get_instructions(run.__code__)
        names = {{i.argval for i in code if i.opname == "LOAD_GLOBAL"}} - set(dir(builtins))
        shown = names & {{n for n, v in pasted.items() if isinstance(v, types.FunctionType)}}
        if not shown or not names <= set(pasted):
            return None
        return types.FunctionType(run.__code__, pasted, None, run.__defaults__)

    benchmark = real.BENCHMARK
    size = benchmark["sizes"]["smoke"]
    ran = []
    with side_by_side.entered(benchmark["workload"](**size)) as data:
        for entry in side_by_side.entries(benchmark):
            ours = on_the_page(entry.run)
            if ours is None or side_by_side.unmet(entry.facts.get("requires", ())):
                continue
            gap = side_by_side.difference(ours(data), entry.run(data), 1e-9)
            assert gap is None, (entry.name, gap)
            ran.append(entry.name)
    print("ran:", ran)
"""
RUN_FOR_REAL = [
    ("basics/bottlenecks.md", "examples/basics/bottlenecks.py"),
    ("cpu/processes.md", "examples/cpu/processes.py"),
    ("dataframes/vectorise.md", "examples/dataframes/vectorise.py"),
    ("jit/numba.md", "examples/jit/pi.py"),
    ("parallel/sharing.md", "examples/parallel/sharing.py"),
]


@pytest.mark.parametrize(("page", "script"), RUN_FOR_REAL)
def test_a_pages_paste_runs_and_gives_the_scripts_results(page, script, tmp_path):
    code = pasted.pastes((ROOT / "docs" / page).read_text(), ROOT)[script]
    paste = tmp_path / "paste.py"
    paste.write_text(code + DRIVER.format(module=Path(script).stem))
    # As a reader runs it: in a folder of its own, with the script's sibling modules
    # (linked on the page) and side_by_side beside it.
    path = os.pathsep.join([str((ROOT / script).parent), str(ROOT / "examples")])
    done = subprocess.run(
        [sys.executable, paste], cwd=tmp_path, capture_output=True, text=True,
        timeout=300, env={**os.environ, "PYTHONPATH": path}, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    ran = done.stdout.rsplit("ran:", 1)[1]
    assert ran.strip() not in ("", "[]"), "no function of the page was run"
