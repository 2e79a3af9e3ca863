"""Where things are: the repository, its examples, the generated folder, and the lines
with which a page includes what the harness made.

The harness, the site being served and the MkDocs hooks all read them from here.
"""

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"

# What a page includes from the generated folder: --8<-- "tables/io/threads.md"; the
# reading guide's summary (reading/) and the What changed page's steps (history/)
# belong to no one example.
GENERATED_KINDS = ("tables", "plots", "transcripts", "reading", "history")
# (A line escaped as ;--8<-- shows the include itself, as CONTRIBUTING's does.)
GENERATED_INCLUDE = re.compile(rf'(?<!;)--8<--\s+"((?:{"|".join(GENERATED_KINDS)})/[^"]+\.md)"')
# What it includes from examples/: --8<-- "examples/io/threads.py:session"
EXAMPLE_INCLUDE = re.compile(r'(?<!;)--8<--\s+"(examples/[^":]+)(?::[\w-]+)?"')


def generated() -> Path:
    """The folder of results.json, tables/, plots/ and transcripts/ (``SITE_GENERATED``).

    Outside docs/, so that `mkdocs serve` never watches them being written;
    pages include them by path (``snippets`` in mkdocs.yml).
    """
    return Path(os.environ.get("SITE_GENERATED") or ROOT / "generated")


def example_of(included: str) -> str | None:
    """The example a generated file belongs to: ``tables/io/threads.md`` is
    ``io/threads``, and ``transcripts/basics/bottlenecks/cprofile.md`` is
    ``basics/bottlenecks``; ``reading/…`` and ``history/…`` belong to every example
    (None)."""
    kind, rest = included.removesuffix(".md").split("/", 1)
    if kind in ("reading", "history"):
        return None
    return rest.rsplit("/", 1)[0] if kind == "transcripts" else rest
