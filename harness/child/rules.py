"""The rules the examples follow themselves, from ``examples/variants.py``.

A reader who runs ``python examples/io/threads.py`` gets the script's variants
timed, checked against their baselines and the ones this machine cannot run
listed, by ``side_by_side``, which follows ``variants``. The harness reads the
same ``BENCHMARK`` tables with that same module, imported by name from the
examples' folder (the variants of a table, what a requirement needs, whether
two results agree): one implementation, so a script run by hand and the
published tables never disagree.

Standard library only, like the module it imports.
"""

import sys
from pathlib import Path

from harness.core.paths import EXAMPLES

if str(EXAMPLES) not in sys.path:
    sys.path.append(str(EXAMPLES))

import variants

# The rules' files: an example's traceback leaves their frames out.
FILES = {Path(variants.__file__).resolve(), EXAMPLES / "side_by_side.py"}
