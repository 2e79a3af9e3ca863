"""Serve the site at once and measure in the background: ``python -m harness serve``.

A reader who types ``make serve`` sees the pages within moments. Every table,
plot and transcript a page includes that has not been measured yet is a
placeholder saying so ("being measured on this machine: 3 of 14 done"); the
placeholders live in their own folder, which only a served site reads, so a
strict build (``make site``, publishing) still fails on a missing table.
Examples whose code differs from ``main`` are measured first, so a
contributor's own page fills in first. MkDocs watches the generated folders
and reloads the browser as each example is rendered.
"""

import os
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from harness import results
from harness.discover import Example
from harness.paths import GENERATED_INCLUDE, ROOT, example_of
from harness.profiles import Profile
from harness.render import render_all, render_record, write_if_changed
from harness.run import measure_all

PLACEHOLDERS = "placeholders"  # below the generated folder; see mkdocs.yml's snippets


def included_files(docs: Path) -> set[str]:
    """Every generated file the pages include, as a path below the generated folder."""
    found = set()
    for page in docs.rglob("*.md"):
        found.update(GENERATED_INCLUDE.findall(page.read_text()))
    return found


def placeholder(path: str, done: int, total: int) -> str:
    """What a page shows where a file is not measured yet."""
    kind = path.split("/")[0]
    what = {"tables": "table", "plots": "plot", "transcripts": "output", "reading": "summary"}[kind]
    example = example_of(path) or "*"
    progress = f"{done} of {total} examples done" if total else "starting"
    return (
        f'!!! info "Being measured on this machine: {progress}"\n'
        f"    The {what} for `examples/{example}.py` appears here once it is measured;\n"
        f"    this page reloads by itself. Measuring goes on in the terminal that runs\n"
        f"    `make serve`.\n"
    )


def write_placeholders(docs: Path, generated: Path, done: int, total: int) -> int:
    """A placeholder for each included file not rendered yet; stale ones are removed."""
    folder = generated / PLACEHOLDERS
    wanted = {p for p in included_files(docs) if not (generated / p).exists()}
    changed = 0
    for path in sorted(wanted):
        changed += write_if_changed(folder / path, placeholder(path, done, total))
    for old in folder.rglob("*.md") if folder.exists() else []:
        if old.relative_to(folder).as_posix() not in wanted:
            old.unlink()
            changed += 1
    return changed


def changed_against_main(examples: list[Example]) -> set[str]:
    """Ids of examples whose files differ from ``main`` (committed or not), or are new."""

    def git(*args: str) -> list[str]:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.split("\n") if done.returncode == 0 else []

    base = next(iter(git("merge-base", "HEAD", "main")), "").strip()
    touched = set(git("diff", "--name-only", base)) if base else set()
    touched |= {line[3:] for line in git("status", "--porcelain", "--untracked-files=all")}
    paths = {str((ROOT / p).resolve()) for p in touched if p}
    return {
        e.id for e in examples if any(str(f.resolve()) in paths for f in [e.path, *e.local_modules])
    }


def first_the_changed(examples: list[Example]) -> list[Example]:
    changed = changed_against_main(examples)
    return sorted(examples, key=lambda e: e.id not in changed)


def docs_dir(config: Path) -> Path:
    from mkdocs.config import load_config

    return Path(load_config(str(config)).docs_dir)


def start_site(config: Path, generated: Path, dev_addr: str, python: str) -> subprocess.Popen:
    """``mkdocs serve``, watching the generated folders, with placeholders for what is missing."""
    kinds = ("tables", "plots", "transcripts", "reading", PLACEHOLDERS)
    watched = [generated / kind for kind in kinds]
    command = [python, "-m", "mkdocs", "serve", "--strict", "-f", str(config)]
    command += ["--dev-addr", dev_addr]
    for folder in watched:
        folder.mkdir(parents=True, exist_ok=True)
        command += ["--watch", str(folder)]
    env = {
        **os.environ,
        "SITE_GENERATED": str(generated),
        "SITE_PLACEHOLDERS": str(generated / PLACEHOLDERS),
    }
    return subprocess.Popen(command, cwd=ROOT, env=env)


class Renderer:
    """After each example measured: render what changed, and the placeholders left."""

    def __init__(self, docs: Path, generated: Path):
        self.docs, self.generated = docs, generated
        self.rendered: dict[str, str] = {}  # example id -> the date of the record rendered

    def __call__(self, data: results.Results, done: int, total: int) -> None:
        for example_id, record in data.examples.items():
            if self.rendered.get(example_id) != record.environment.date:
                render_record(record, self.generated)
                self.rendered[example_id] = record.environment.date
        write_placeholders(self.docs, self.generated, done, total)


def serve(
    examples: list[Example],
    profile: Profile,
    generated: Path,
    config: Path,
    dev_addr: str,
    python: str = sys.executable,
    console: Console | None = None,
) -> int:
    """Start ``mkdocs serve``, then measure; keep serving until it is stopped (Ctrl-C)."""
    console = console or Console(stderr=True)
    docs = docs_dir(config)
    results_path = generated / "results.json"
    examples = first_the_changed(examples)
    if results_path.exists():
        data = results.load_or_start(results_path, lambda msg: console.print(f"[yellow]{msg}"))
        render_all(data, generated)  # what was measured before shows at once
    write_placeholders(docs, generated, 0, len(examples))
    site = start_site(config, generated, dev_addr, python)
    console.print(f"Serving on http://{dev_addr}/ while measuring {len(examples)} example(s)")
    try:
        failed = measure_all(
            examples,
            profile,
            results_path,
            console=console,
            python=python,
            after_each=Renderer(docs, generated),
        )
        console.print(
            f"Measured every example ({failed} failed); still serving on http://{dev_addr}/ "
            "(Ctrl-C to stop)"
        )
        return site.wait()
    except (KeyboardInterrupt, SystemExit):
        console.print(f"Stopped. What was measured is kept in {results_path}.")
        return 0
    finally:
        if site.poll() is None:
            site.terminate()
            site.wait(timeout=10)
