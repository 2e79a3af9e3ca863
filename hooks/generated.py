"""MkDocs hook: a page that includes a table, plot or output not measured yet fails in one line.

Without it, pymdownx.snippets stops the build with a long traceback ending in
``SnippetMissingError``, which names neither the page nor the fix.
"""

import re
from pathlib import Path

from mkdocs.exceptions import PluginError

INCLUDE = re.compile(r'--8<--\s+"((tables|plots|transcripts)/([^"]+)\.md)"')


def example_of(kind: str, rest: str) -> str:
    """The example id a generated file belongs to: transcripts/x/y/title.md -> x/y."""
    return rest.rsplit("/", 1)[0] if kind == "transcripts" else rest


def on_page_markdown(markdown: str, page, config, files) -> str:
    base_paths = config.mdx_configs.get("pymdownx.snippets", {}).get("base_path", [])
    for path, kind, rest in INCLUDE.findall(markdown):
        if not any((Path(base) / path).exists() for base in base_paths):
            example = example_of(kind, rest)
            raise PluginError(
                f"{page.file.src_uri} includes {path}, which is not measured yet: "
                f"run `.venv/bin/python -m harness measure {example}` and "
                "`.venv/bin/python -m harness render` (or `make serve`, which shows a placeholder)"
            )
    return markdown
