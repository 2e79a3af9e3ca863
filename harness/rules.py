"""The rules the examples follow themselves, from ``examples/side_by_side.py``.

A reader who runs ``python examples/io/threads.py`` gets the script's variants
timed, checked against their baselines and the ones this machine cannot run
listed, by ``side_by_side``. The harness reads the same ``BENCHMARK`` tables with
the very same functions (the variants of a table, what a requirement needs,
whether two results agree), loaded from that file: one implementation, so a
script run by hand and the published tables never disagree.

Standard library only, like the file it loads.
"""

import importlib.util
import sys

from harness.paths import EXAMPLES


def load():
    """``examples/side_by_side.py`` as the module ``side_by_side``, loaded once."""
    if "side_by_side" in sys.modules:
        return sys.modules["side_by_side"]
    spec = importlib.util.spec_from_file_location("side_by_side", EXAMPLES / "side_by_side.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["side_by_side"] = module
    spec.loader.exec_module(module)
    return module


side_by_side = load()
from side_by_side import (  # noqa: E402  (loaded above, from the examples' folder)
    DEFAULT_REL_TOL,
    UnknownRequirement,
    baselines,
    compares_results,
    difference,
    entered,
    entries,
    example_traceback,
    missing,
    relative_gap,
    unmet,
    unsendable,
)

__all__ = [
    "DEFAULT_REL_TOL",
    "UnknownRequirement",
    "baselines",
    "compares_results",
    "difference",
    "entered",
    "entries",
    "example_traceback",
    "missing",
    "relative_gap",
    "side_by_side",
    "unmet",
    "unsendable",
]
