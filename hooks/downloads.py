"""MkDocs hook: code a page shows from ``examples/`` runs as a reader pastes it, and
links the whole scripts.

A page includes sections of a script (``--8<-- "examples/io/threads.py:fetch_day"``).
A reader who copies the blocks in page order gets, at the first block from each
script, what the page's blocks of it use and do not define (its imports,
constants and helpers: ``harness.publishing.pasted``). A reader who wants the whole file
needs it and the sibling modules it imports (the local server, the data
generator): this hook copies every file of ``examples/`` into the built site,
puts a box under the page's title that links each script the page shows, with
what it imports (a download from the site itself and, when ``repo_url`` is
set, the file on the repository), and makes each block's title a link to its
script.
"""

import posixpath
import re
import subprocess
import sys
from pathlib import Path

from mkdocs.structure.files import File, Files

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from harness.core.paths import EXAMPLE_INCLUDE, EXAMPLES, ROOT
from harness.measuring.discover import Example
from harness.publishing import pasted

BRANCH = "main"  # the branch the published site is built from


def example_files() -> list[Path]:
    return [
        p
        for p in sorted(EXAMPLES.rglob("*"))
        if p.is_file() and p.suffix in {".py", ".pyx", ".c"} and "/." not in p.as_posix()
    ]


def origin_url() -> str:
    """The checkout's GitHub repository, from git's ``origin`` (https or ssh), or ""."""
    done = subprocess.run(["git", "remote", "get-url", "origin"], cwd=ROOT,
                          capture_output=True, text=True, check=False)  # fmt: skip
    url = done.stdout.strip().removesuffix(".git")
    if url.startswith("git@github.com:"):
        url = "https://github.com/" + url.removeprefix("git@github.com:")
    return url if url.startswith("https://github.com/") else ""


def on_config(config):
    """Link the repository (and each page's source, to edit it) where the checkout
    has one: REPO_URL when the publishing workflow sets it, else git's origin."""
    if not config.repo_url and origin_url():
        config.repo_url, config.repo_name = origin_url(), "GitHub"
    if config.repo_url:
        config.edit_uri = f"edit/{BRANCH}/docs/"
    return config


def on_files(files: Files, config) -> Files:
    """Serve and publish the example files at the same paths as in the repository."""
    for path in example_files():
        src_uri = path.relative_to(ROOT).as_posix()
        files.append(File.generated(config, src_uri, abs_src_path=str(path)))
    return files


def scripts_on(markdown: str) -> list[str]:
    """The scripts a page includes, in order, then the modules they import."""
    shown = list(dict.fromkeys(EXAMPLE_INCLUDE.findall(markdown)))
    needed = []
    for relative in shown:
        path = ROOT / relative
        if path.suffix == ".py" and path.exists():
            example = Example(path=path, id=relative)
            needed += [p.relative_to(ROOT).as_posix() for p in example.local_modules]
    return shown + [n for n in dict.fromkeys(needed) if n not in shown]


def link_line(relative: str, page_dir: str, repo_url: str, shown: bool) -> str:
    href = posixpath.relpath(relative, page_dir or ".")
    line = f"    - [`{relative}`]({href}){{ download }}"
    if repo_url:
        line += f" · [on GitHub]({repo_url.rstrip('/')}/blob/{BRANCH}/{relative})"
    return line + ("" if shown else " (imported by the scripts above)")


def on_page_markdown(markdown: str, page, config, files) -> str:
    markdown = pasted.with_what_they_need(markdown, ROOT)
    scripts = scripts_on(markdown)
    if not scripts:
        return markdown
    shown = set(EXAMPLE_INCLUDE.findall(markdown))
    page_dir = posixpath.dirname(page.file.src_uri)
    box = [
        '!!! example "Take the code home"',
        "    The code on this page comes from these scripts. Put them in one folder",
        "    and run one with `uv run <script>.py`, which installs the libraries its",
        "    header lists (or with `python` where they are installed). It times every",
        "    variant on generated data or a local server it starts; `--help` says how",
        "    to give it your own.",
        "",
        *(link_line(s, page_dir, config.repo_url or "", s in shown) for s in scripts),
        "",
    ]
    lines = markdown.splitlines()
    title = next((n for n, line in enumerate(lines) if line.startswith("# ")), -1)
    return "\n".join([*lines[: title + 1], "", *box, *lines[title + 1 :]])


# A titled block's title, as Material renders it: <span class="filename">examples/…</span>
TITLE = re.compile(r'<span class="filename">(examples/[^<\s]+\.(?:py|pyx|c))')


def on_page_content(html: str, page, config, files) -> str:
    """Each block's title (its script's path) links to the whole script."""

    def linked(match: re.Match) -> str:
        href = posixpath.relpath(match[1], page.url or ".")
        return f'<span class="filename"><a href="{href}" download>{match[1]}</a>'

    return TITLE.sub(linked, html)
