"""What a variant or an example may need that a machine can lack, and how to tell.

Standard library only: the worker checks requirements inside the interpreter
that runs the examples, and the tests skip by the same checks, with the same
reason, so a table and a test never disagree about what this machine can do.

A requirement is a short string in ``BENCHMARK`` (``"requires": ["gpu"]`` on
the table or on one variant):

- ``"gpu"``: an NVIDIA GPU with a working driver (``nvidia-smi`` answers);
- ``"c-compiler"``: a C compiler that builds a shared library (``$CC``, Python's own, ``cc``);
- ``"free-threaded"``: a free-threaded CPython build (3.13t, 3.14t);
- ``"python>=3.14"``: at least that Python version (any ``major.minor``);
- ``"module:NAME"``: the module ``NAME`` can be imported (``module:dask``).
"""

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from functools import cache
from pathlib import Path


class UnknownRequirement(ValueError):
    """A requirement string this module does not know."""


@cache
def has_gpu() -> bool:
    smi = shutil.which("nvidia-smi")
    if smi is None:
        return False
    try:
        done = subprocess.run([smi, "-L"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and "GPU" in done.stdout


@cache
def has_c_compiler() -> bool:
    """A C compiler that builds a shared library: ``$CC``, else Python's own, else ``cc``.

    The same order the examples use to find one; a compiler that is present
    but cannot build (no headers, a broken toolchain) counts as missing.
    """
    if os.environ.get("CC"):
        candidates = [os.environ["CC"]]
    else:
        candidates = [sysconfig.get_config_var("CC") or "", "cc"]
    compiler = next((c.split()[0] for c in candidates if c and shutil.which(c.split()[0])), None)
    if compiler is None:
        return False
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "probe.c"
        source.write_text("int probe(void) { return 0; }\n")
        try:
            built = subprocess.run(
                [compiler, "-shared", "-fPIC", str(source), "-o", str(Path(tmp) / "probe.so")],
                capture_output=True,
                timeout=60,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return False
    return built.returncode == 0


def is_free_threaded() -> bool:
    return bool(sysconfig.get_config_var("Py_GIL_DISABLED"))


def has_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


VERSION = re.compile(r"python>=(\d+)\.(\d+)")


def missing(requirement: str) -> str | None:
    """Why this machine lacks ``requirement`` ("needs a GPU"), or None if it has it."""
    if requirement == "gpu":
        return None if has_gpu() else "needs an NVIDIA GPU"
    if requirement == "c-compiler":
        return None if has_c_compiler() else "needs a working C compiler (set CC)"
    if requirement == "free-threaded":
        return None if is_free_threaded() else "needs a free-threaded Python build (3.13t or later)"
    if match := VERSION.fullmatch(requirement):
        wanted = (int(match[1]), int(match[2]))
        return (
            None if sys.version_info >= wanted else f"needs Python {wanted[0]}.{wanted[1]} or later"
        )
    if requirement.startswith("module:"):
        name = requirement.removeprefix("module:")
        return None if has_module(name) else f"needs {name} installed for this Python"
    raise UnknownRequirement(
        f"unknown requirement {requirement!r}: use 'gpu', 'c-compiler', 'free-threaded', "
        "'python>=3.14' or 'module:NAME'"
    )


def unmet(requirements) -> list[str]:
    """The reasons for every requirement this machine lacks, in order."""
    return [reason for r in requirements if (reason := missing(r)) is not None]
