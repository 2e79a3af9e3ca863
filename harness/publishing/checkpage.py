"""``python -m harness check-page PAGE`` (``make check-page PAGE=…``): one page checked
the way the strict build and the tests check the whole site, in seconds.

For a contributor's page: its examples measured (quick, kept where unchanged),
its tables rendered, the code a reader copies checked for names it never
defines (ruff's F821 on each script's blocks pasted in page order), the page
built alone and strictly (a missing table or a claim that does not hold fails),
and, where Chromium is installed, every code block and table checked against
the page's column at 1400 px. Other pages are not built at all: nothing of
theirs is needed.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from harness.core.paths import EXAMPLE_INCLUDE, GENERATED_INCLUDE, ROOT, example_of
from harness.measuring.discover import discover
from harness.publishing import pasted

HOOKS = ("downloads.py", "generated.py", "claims.py")


def page_file(docs: Path, name: str) -> Path | None:
    """``dataframes/vectorise``, ``vectorise``, or a path to the Markdown file."""
    given = Path(name)
    if given.suffix == ".md" and given.exists():
        return given.resolve()
    wanted = name.removeprefix("docs/").removesuffix(".md")
    found = [p for p in docs.rglob("*.md") if p.relative_to(docs).with_suffix("").as_posix()
             in (wanted,) or p.stem == wanted]  # fmt: skip
    return found[0] if len(found) == 1 else None


def examples_of(markdown: str) -> list[str]:
    """The examples a page shows: their tables, plots and outputs, and their code."""
    ids = {example_of(path) for path in GENERATED_INCLUDE.findall(markdown)} - {None}
    measured = {e.id for e in discover()}
    for script in EXAMPLE_INCLUDE.findall(markdown):
        example = script.removeprefix("examples/").removesuffix(".py")
        if example in measured:
            ids.add(example)
    return sorted(ids)


def undefined_in_pastes(markdown: str) -> list[str]:
    """``script: names`` for each script whose blocks, pasted in order, use a name
    they never define."""
    problems = []
    ruff = ROOT / ".venv" / "bin" / "ruff"
    with tempfile.TemporaryDirectory() as tmp:
        for script, code in pasted.pastes(markdown, ROOT).items():
            paste = Path(tmp) / "paste.py"
            paste.write_text(code + "\n")
            done = subprocess.run(
                [ruff, "check", "--isolated", "--select", "F821", "--output-format", "json",
                 paste], capture_output=True, text=True, check=False,
            )  # fmt: skip
            names = sorted({f["message"] for f in json.loads(done.stdout or "[]")})
            if names:
                problems.append(f"{script}: {'; '.join(names)}")
    return problems


def one_page_site(page: Path, docs: Path, folder: Path) -> Path:
    """A site of this page alone, with every setting of the real one; links to the
    pages left out are not checked."""
    relative = page.relative_to(docs)
    copy = folder / "docs"
    (copy / relative).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(page, copy / relative)
    for assets in ("stylesheets", "javascripts"):
        shutil.copytree(docs / assets, copy / assets)
    config = folder / "mkdocs.yml"
    config.write_text(
        f"INHERIT: {ROOT / 'mkdocs.yml'}\n"
        f"docs_dir: {copy}\n"
        f"theme:\n  custom_dir: {ROOT / 'overrides'}\n"
        "hooks:\n"
        + "".join(f"  - {ROOT / 'hooks' / name}\n" for name in HOOKS)
        + "validation:\n  links:\n    not_found: ignore\n    anchors: ignore\n"
        f"nav:\n  - {relative.as_posix()}\n"
    )
    return config


def check_page(name: str, generated: Path, console) -> int:
    """Measure, render, check and build one page; 0 when everything holds."""
    from harness.core.profiles import PROFILES
    from harness.core.results import load
    from harness.measuring.run import measure_all
    from harness.reporting.render import render_all

    docs = ROOT / "docs"
    page = page_file(docs, name)
    if page is None:
        console.print(f"[red]No single page under docs/ is called {name!r}")
        return 2
    markdown = page.read_text()
    wanted = examples_of(markdown)
    console.print(f"{page.relative_to(ROOT)}: examples {', '.join(wanted) or 'none'}")
    examples = [e for e in discover() if e.id in wanted]
    failed = measure_all(examples, PROFILES["quick"], generated / "results.json",
                         console=console) if examples else 0  # fmt: skip
    problems = [f"{failed} example(s) could not be measured"] if failed else []
    if (generated / "results.json").exists():
        problems += render_all(load(generated / "results.json"), generated).refused
    problems += [f"a reader's paste of {p}" for p in undefined_in_pastes(markdown)]
    with tempfile.TemporaryDirectory() as tmp:
        config = one_page_site(page, docs, Path(tmp))
        site = Path(tmp) / "site"
        env = {**os.environ, "SITE_GENERATED": str(generated), "NO_MKDOCS_2_WARNING": "1"}
        build = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", config, "-d", site],
            cwd=ROOT, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if build.returncode != 0:
            problems.append("the strict build failed:\n" + tail_of(build.stderr))
        else:
            problems += too_wide(site)
    for problem in problems:
        console.print(f"[red]{problem}", markup=False)
    console.print("[green]The page holds." if not problems else f"{len(problems)} problem(s).")
    return 1 if problems else 0


def tail_of(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if not line.startswith("INFO")]
    return "\n".join(lines[-15:])


def too_wide(site: Path) -> list[str]:
    from harness.publishing import layout

    if layout.browser() is None:
        return []  # no Chromium here: the tests check widths where there is one
    try:
        return [f"too wide at 1400 px: {box}" for box in layout.overflowing(site)]
    except ImportError:
        return []
