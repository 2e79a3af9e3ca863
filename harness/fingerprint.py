"""Decide whether an example must be measured again.

A fingerprint covers everything that can change its numbers: its source and
the sibling modules it imports, the versions of the libraries it declares,
the Python build, this machine's hardware, and the harness's own timing code.
"""

import hashlib
import json
import sys

from harness import machine
from harness.discover import Example
from harness.paths import ROOT

# The code that takes the measurements: changing it invalidates every result.
TIMING_CODE = (
    "harness/worker.py",
    "harness/observe.py",
    "harness/rounds.py",
    "harness/jobs.py",
    "harness/supervise.py",
    "examples/side_by_side.py",
)


def fingerprint(example: Example, python: str = sys.executable) -> str:
    digest = hashlib.sha256()
    for path in [example.path, *example.local_modules]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for name in TIMING_CODE:
        digest.update((ROOT / name).read_bytes())
    digest.update(json.dumps(machine.context(example, python), sort_keys=True).encode())
    return digest.hexdigest()[:16]
