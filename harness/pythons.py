"""``python -m harness measure-pythons PYTHON…``: the examples whose answer depends on the
interpreter, measured with each interpreter named, beside the harness's own.

``EXAMPLES`` is the one list of them; the publishing workflow names the
interpreters (3.14 and free-threaded 3.14t, installed by setup-python) and a
contributor names what their machine has (``make measure-pythons
PYTHONS="python3.12 python3.13"``). For each interpreter: a virtual
environment of its own (``.venv-pythons/3.13``), the libraries those examples'
headers list, at the versions ``uv.lock`` pins (one that does not install for
that build, Numba on a free-threaded one say, is left out, and the rows that
need it say so), then the examples measured into the site's results under
"id@3.13", which the pages show as a tab beside the harness's own.
"""

import json
import shutil
import subprocess
from pathlib import Path

from harness.discover import discover, script_metadata
from harness.interpreter import label_of
from harness.paths import ROOT
from harness.run import measure_all

# Where the interpreter changes the answer: the GIL page's threads, processes and
# interpreters (InterpreterPoolExecutor, 3.14), on each build.
EXAMPLES = ("cpu/gil",)
VENVS = ROOT / ".venv-pythons"


class PythonsError(Exception):
    """An interpreter that cannot be used, in a sentence."""


def build_of(python: str) -> dict:
    said = subprocess.run(
        [python, str(ROOT / "harness" / "interpreter.py")], capture_output=True, text=True
    )
    if said.returncode != 0:
        raise PythonsError(f"{python} did not run: {said.stderr.strip()[-300:]}")
    return json.loads(said.stdout)["python"]


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
    examples = [e for e in discover() if e.id in EXAMPLES]
    needs = sorted({r for e in examples for r in script_metadata(e.path).get("dependencies", [])})
    uv = shutil.which("uv") or str(ROOT / ".tools" / "bin" / "uv")
    failed = 0
    for name in pythons:
        python = shutil.which(name)
        if python is None:
            console.print(f"[yellow]No interpreter {name} on this machine: skipped")
            continue
        try:
            label = label_of(build_of(python))
        except PythonsError as error:
            console.print(f"[yellow]{error}: skipped")
            continue
        console.print(f"Python {label} ({python}): {', '.join(e.id for e in examples)}")
        venv_python = environment_for(python, label, needs, uv, console)
        failed += measure_all(examples, profile, out / "results.json", force, console,
                              venv_python, label=label)  # fmt: skip
    return failed
