"""``python -m harness measure-pythons PYTHON…``: the examples whose answer depends on the
interpreter, measured with each interpreter named, beside the harness's own.

Each such example says so in its header (``takes-part-in = ["interpreters"]``
under ``[tool.faster-python]``); the publishing workflow names the
interpreters (3.14, 3.15 and free-threaded 3.14t and 3.15t, installed by
setup-python) and a
contributor names what their machine has (``make measure-pythons
PYTHONS="python3.12 python3.13"``; ``python3.14+jit`` is that interpreter with
CPython's JIT turned on, ``PYTHON_JIT=1``). For each interpreter: a virtual
environment of its own (``.venv-pythons/3.13``), the libraries those examples'
headers list, at the versions ``uv.lock`` pins (one that does not install for
that build, Numba on a free-threaded one say, is left out, and the rows that
need it say so), then the examples measured into the site's results under
"id@3.13", which the pages show as a tab beside the harness's own.
"""

import contextlib
import os
import shutil
import subprocess
from pathlib import Path

from harness.child.interpreter import label_of
from harness.core.paths import ROOT
from harness.measuring import machine
from harness.measuring.discover import discover, script_metadata, takes_part_in
from harness.measuring.run import measure_all

VENVS = ROOT / ".venv-pythons"


def locked_constraints(uv: str, folder: Path) -> Path:
    """Every locked version, as pip constraints: what an example needs is installed at
    the version the site's own environment has."""
    path = folder / "constraints.txt"
    export = [uv, "export", "--frozen", "--no-hashes", "--no-dev", "--no-emit-project"]
    path.write_text(subprocess.run(export, cwd=ROOT, capture_output=True, text=True,
                                   check=True).stdout)  # fmt: skip
    return path


def environment_for(python: str, label: str, needs: list[str], uv: str, console) -> str:
    """A virtual environment for ``python`` with what the examples need; its python."""
    venv = VENVS / label
    subprocess.run([python, "-m", "venv", "--clear", str(venv)], check=True)
    constraints = locked_constraints(uv, venv)
    left_out = []
    for requirement in needs:
        install = [uv, "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"),
                   "-c", str(constraints), requirement]  # fmt: skip
        if subprocess.run(install, capture_output=True, text=True).returncode != 0:
            left_out.append(requirement)
    if left_out:
        console.print(f"[yellow]Python {label}: {', '.join(left_out)} did not install for "
                      "this build; the rows that need it say so")  # fmt: skip
    return str(venv / "bin" / "python")


def measure_pythons(pythons: list[str], out: Path, profile, force: bool, console) -> int:
    """Each interpreter in turn; one that is not on this machine is skipped, said.
    Returns the number of examples that failed."""
    examples = [e for e in discover() if "interpreters" in takes_part_in(e.path)]
    needs = sorted({r for e in examples for r in script_metadata(e.path).get("dependencies", [])})
    uv = shutil.which("uv") or str(ROOT / ".tools" / "bin" / "uv")
    failed = 0
    for name in pythons:
        with jit_if_asked(name) as executable:
            failed += measure_with(executable, name, examples, needs, uv, out, profile, force,
                                   console)  # fmt: skip
    return failed


@contextlib.contextmanager
def jit_if_asked(name: str):
    """ "python3.14+jit": that interpreter with PYTHON_JIT=1 (its workers inherit it)."""
    if not name.endswith("+jit"):
        yield name
        return
    before = os.environ.get("PYTHON_JIT")
    os.environ["PYTHON_JIT"] = "1"
    try:
        yield name.removesuffix("+jit")
    finally:
        if before is None:
            del os.environ["PYTHON_JIT"]
        else:
            os.environ["PYTHON_JIT"] = before


def measure_with(executable, name, examples, needs, uv, out, profile, force, console) -> int:
    python = shutil.which(executable)
    if python is None:
        console.print(f"[yellow]No interpreter {executable} on this machine: skipped")
        return 0
    try:
        build = machine.python_build(python)
    except RuntimeError as error:  # it does not run
        console.print(f"[yellow]{error}: skipped")
        return 0
    if name.endswith("+jit") and not build.get("jit"):
        console.print(f"[yellow]{executable} has no JIT to turn on (CPython 3.14+ built with "
                      "--enable-experimental-jit): skipped")  # fmt: skip
        return 0
    label = label_of(build)
    console.print(f"Python {label} ({python}): {', '.join(e.id for e in examples)}")
    venv_python = environment_for(python, label, needs, uv, console)
    return measure_all(examples, profile, out / "results.json", force, console, venv_python,
                       label=label)  # fmt: skip
