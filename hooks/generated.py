"""MkDocs hook: a build that includes tables, plots or outputs not measured yet fails once,
naming every one of them with the command that makes it.

Without it, pymdownx.snippets stops the build at the first missing file with a
long traceback ending in ``SnippetMissingError``, which names neither the page
nor the fix, and a contributor on a fresh clone finds the missing files one
build at a time.
"""

import sys
from pathlib import Path

from mkdocs.exceptions import PluginError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from harness.core.paths import GENERATED_INCLUDE, example_of

missing: dict[str, list[str]] = {}  # page -> the generated files it lacks


def on_pre_build(config) -> None:
    missing.clear()


def on_page_markdown(markdown: str, page, config, files) -> str:
    base_paths = config.mdx_configs.get("pymdownx.snippets", {}).get("base_path", [])

    def found(match) -> str:
        path = match[1]
        if any((Path(base) / path).exists() for base in base_paths):
            return match[0]
        missing.setdefault(page.file.src_uri, []).append(path)
        return f"*Not measured: {path}*"

    return GENERATED_INCLUDE.sub(found, markdown)


def on_post_build(config) -> None:
    if not missing:
        return
    lines = [f"  {page}: {', '.join(paths)}" for page, paths in sorted(missing.items())]
    # A summary of every example (reading/…) is made by measuring them all.
    named = {example_of(p) for paths in missing.values() for p in paths}
    examples = "" if None in named else " " + " ".join(sorted(named))
    raise PluginError(
        f"{sum(map(len, missing.values()))} generated file(s) that pages include are not "
        f"measured yet:\n" + "\n".join(lines) + "\nMeasure them with "
        f"`.venv/bin/python -m harness measure{examples}` and "
        "`.venv/bin/python -m harness render`; `make smoke-site` builds the site with smoke tables "
        "where nothing better is measured, and `make serve` shows placeholders meanwhile."
    )
