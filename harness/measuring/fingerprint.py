"""Decide whether an example must be measured again.

A fingerprint covers everything that can change its numbers: its source and
the sibling modules it imports, the versions of the libraries it declares,
the Python build, this machine's hardware, and the harness's own timing code.
"""

import hashlib
import json
import sys

from harness.core.paths import EXAMPLES, ROOT
from harness.measuring import machine
from harness.measuring.discover import Example

# The code that takes the measurements: changing it invalidates every result.
TIMING_CODE = (
    "harness/child/worker.py",
    "harness/child/observe.py",
    "harness/child/protocol.py",
    "harness/child/rules.py",
    "harness/measuring/memory.py",
    "harness/measuring/rounds.py",
    "harness/measuring/jobs.py",
    "harness/measuring/supervise.py",
    "examples/variants.py",
)
# How a reader's run prints its table: a change to it re-runs no measurement
# (the transcripts it prints follow at the next re-measure).
PRINTING_ONLY = "side_by_side.py"


def fingerprint(example: Example, python: str = sys.executable) -> str:
    digest = hashlib.sha256()
    for path in [example.path, *example.local_modules]:
        if path.parent == EXAMPLES and path.name == PRINTING_ONLY:
            continue
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for name in TIMING_CODE:
        digest.update((ROOT / name).read_bytes())
    digest.update(json.dumps(machine.context(example, python), sort_keys=True).encode())
    return digest.hexdigest()[:16]
