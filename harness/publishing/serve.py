"""Serve the site at once and measure in the background: ``python -m harness serve``.

A reader who types ``make serve`` sees the pages within moments. Every table,
plot and transcript a page includes that has not been measured yet is a
placeholder saying so ("being measured on this machine: 3 of 14 done"); the
placeholders live in their own folder, which only a served site reads, so a
strict build (``make site``, publishing) still fails on a missing table.
Examples whose code differs from ``main`` are measured first, so a
contributor's own page fills in first. MkDocs watches the generated folders
and reloads the browser as each example is rendered. Measuring starts once
the first build (which runs the notebooks) is served, and each example waits
for the rebuild the one before it set off: nothing is timed beside a build.
"""

import _thread
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import psutil
from rich.console import Console

from harness.core import results
from harness.core.paths import GENERATED_INCLUDE, ROOT, example_of
from harness.core.profiles import Profile
from harness.measuring.discover import Example
from harness.measuring.run import measure_all
from harness.reporting.render import render_all, render_example, write_if_changed

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
    if kind == "history":  # made by publishing, never by measuring here
        return (
            '!!! info "No publish recorded yet"\n'
            "    Steps appear here once the site has been published and measured again:\n"
            "    each publish keeps what the ones before it measured (`make history`). A\n"
            "    checkout served on your own machine has no publishes to compare.\n"
        )
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


def wait_until_idle(pid: int, quiet: float = 1.5, limit: float = 120.0) -> None:
    """Until the process tree ``pid`` (the site's server) has used next to no CPU for
    ``quiet`` seconds, or ``limit`` passed: the rebuild a rendered table sets off
    (a second after the file changes) would otherwise be timed as part of the next
    example's variants."""
    started = last = time.monotonic()
    used = tree_cpu(pid)
    while time.monotonic() - started < limit:
        time.sleep(0.25)
        now = tree_cpu(pid)
        if now - used > 0.05 * 0.25:  # busier than 5 % of a core
            last = time.monotonic()
        elif time.monotonic() - last >= quiet:
            return
        used = now


def tree_cpu(pid: int) -> float:
    """CPU seconds used by a process and every process below it."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0.0
    total = 0.0
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            times = proc.cpu_times()
            total += times.user + times.system
    return total


class Renderer:
    """After each example measured: render what changed, and the placeholders left;
    then let the site rebuild before the next example is measured."""

    def __init__(self, docs: Path, generated: Path, console: Console, site_pid: int | None = None):
        self.docs, self.generated, self.console = docs, generated, console
        self.site_pid = site_pid
        self.rendered: dict[str, str] = {}  # results key -> the date of the record rendered

    def __call__(self, data: results.Results, done: int, total: int) -> None:
        fresh = {
            key for key, r in data.examples.items() if self.rendered.get(key) != r.environment.date
        }
        # An example is rendered with all its records: tabs for other interpreters, its trend.
        for example_id in sorted({data.examples[key].id for key in fresh}):
            for refused in render_example(data, example_id, self.generated).refused:
                self.console.print(f"[red]Table not drawn: {refused}", markup=False)
        self.rendered.update({key: data.examples[key].environment.date for key in fresh})
        changed = write_placeholders(self.docs, self.generated, done, total)
        if self.site_pid is not None and (fresh or changed) and done < total:
            wait_until_idle(self.site_pid)


class SiteWatch(threading.Thread):
    """Waits on the MkDocs server; if it stops by itself, interrupts the main thread, so
    that a server that died never leaves examples being measured for nobody to see.

    A reader's Ctrl-C reaches the server too: ``stop`` (our SIGINT handler) says it
    was the reader's, and the server's exit is then expected.
    """

    def __init__(self, site: subprocess.Popen):
        super().__init__(daemon=True)
        self.site = site
        self.stopping = False  # we are stopping it ourselves (Ctrl-C, SIGTERM)
        self.died = False

    def run(self) -> None:
        self.site.wait()
        time.sleep(0.2)  # a Ctrl-C reaches both processes: let ours say so first
        if not self.stopping:
            self.died = True
            _thread.interrupt_main()  # runs ``stop`` in the main thread

    def stop(self, signum, frame) -> None:
        self.stopping = True
        raise KeyboardInterrupt


def first_build_done(site: subprocess.Popen, url: str) -> bool:
    """Wait until the site answers (``mkdocs serve`` serves once its first build,
    notebooks included, is done); False if the server exited first."""
    while site.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def serve(
    examples: list[Example],
    profile: Profile,
    generated: Path,
    config: Path,
    dev_addr: str,
    python: str = sys.executable,
    console: Console | None = None,
) -> int:
    """Start ``mkdocs serve``; once its first build is done, measure; keep serving until
    it is stopped (Ctrl-C). Returns non-zero if the server stopped by itself.

    Measuring waits for the first build because that build runs the notebooks:
    examples timed beside it would be timed on a busy machine.
    """
    console = console or Console(stderr=True)
    docs = docs_dir(config)
    results_path = generated / "results.json"
    examples = first_the_changed(examples)
    if results_path.exists():
        data = results.load_or_start(results_path, lambda msg: console.print(f"[yellow]{msg}"))
        for refused in render_all(data, generated).refused:  # what was measured shows at once
            console.print(f"[red]Table not drawn: {refused}", markup=False)
    write_placeholders(docs, generated, 0, len(examples))
    url = f"http://{dev_addr}/"
    site = start_site(config, generated, dev_addr, python)
    watch = SiteWatch(site)
    previous = signal.signal(signal.SIGINT, watch.stop)
    console.print(f"Building the site for {url} (the first build runs the notebooks)")
    try:
        if not first_build_done(site, url):
            console.print(
                f"[red]The MkDocs server stopped (exit code {site.returncode}) before serving "
                "a page: its error is above. Nothing was measured."
            )
            return site.returncode or 1
        watch.start()
        console.print(f"Serving on {url}; measuring {len(examples)} example(s) meanwhile")
        failed = measure_all(
            examples,
            profile,
            results_path,
            console=console,
            python=python,
            after_each=Renderer(docs, generated, console, site.pid),
        )
        console.print(
            f"Measured every example ({failed} failed); still serving on {url} (Ctrl-C to stop)"
        )
        while True:  # until Ctrl-C, or the watch says the server stopped
            time.sleep(1)
    except (KeyboardInterrupt, SystemExit):
        if watch.died:
            console.print(
                f"[red]The MkDocs server stopped (exit code {site.returncode}): its error is "
                f"above. Measuring stopped too; what was measured is kept in {results_path}."
            )
            return site.returncode or 1
        console.print(f"Stopped. What was measured is kept in {results_path}.")
        return 0
    finally:
        watch.stopping = True
        signal.signal(signal.SIGINT, previous)
        if site.poll() is None:
            site.terminate()
            site.wait(timeout=10)
