# /// script
# requires-python = ">=3.11"
# dependencies = ["cython>=3.1", "mypy>=1.15", "setuptools>=75"]
# [tool.faster-python]
# test = []
# ///
"""Build a kernel with Cython or mypyc the way a reader does from a shell
(``cythonize -i distances_cython.pyx``, ``mypyc distances_typed.py``), and
import what they built.

``compiled()`` builds once, in a folder of its own under .cache/ beside this
file, named by a hash of the source, the tool's version and the Python: a
changed source is built again, an unchanged one imported at once. A lock lets
one process build while the others (the harness starts every variant at the
same time) wait for it. ``build()`` builds afresh: build_time.py times it.
"""

import fcntl
import hashlib
import importlib.machinery
import importlib.util
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]  # .cpython-311-x86_64-….so

# --8<-- [start:commands]
# What a reader types in a shell, run with this Python.
COMMANDS = {
    "cython": ["-m", "Cython.Build.Cythonize", "-i", "-q"],  # cythonize -i -q
    "mypyc": ["-m", "mypyc"],  # mypyc
}
# --8<-- [end:commands]
DISTRIBUTIONS = {"cython": "cython", "mypyc": "mypy"}  # for the cache's key


class BuildFailed(RuntimeError):
    """The tool ran but built nothing: its output says why."""


def build(source: Path, tool: str, folder: Path) -> Path:
    """Run ``tool`` on a copy of ``source`` in ``folder``; the extension module
    it built."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, folder / source.name)
    done = subprocess.run(
        [sys.executable, *COMMANDS[tool], source.name],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    built = sorted(folder.glob(f"{source.stem}{SUFFIX}"))
    if done.returncode != 0 or not built:
        output = (done.stdout + done.stderr).strip()[-3000:]
        raise BuildFailed(f"{tool} could not build {source.name}:\n{output}")
    return built[0]


def load(path: Path, name: str) -> ModuleType:
    """Import the extension module at ``path`` (not from sys.path: the source
    of the same name beside this file would be found first)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def compiled(source: Path, tool: str) -> ModuleType | None:
    """``source`` built by ``tool`` ("cython" or "mypyc"), once; None, with the
    reason printed, where the build fails."""
    stamp = f"{tool} {version(DISTRIBUTIONS[tool])} {SUFFIX}"
    key = hashlib.sha256(source.read_bytes() + stamp.encode()).hexdigest()[:12]
    folder = CACHE / f"{source.stem}-{tool}-{key}"
    marker = folder / "built"  # written last: a build cut short is redone
    CACHE.mkdir(exist_ok=True)
    with open(CACHE / f"{folder.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not marker.exists():
            shutil.rmtree(folder, ignore_errors=True)
            try:
                path = build(source, tool, folder)
            except (BuildFailed, OSError) as error:
                print(f"{tool}: {error}")
                return None
            marker.write_text(path.name)
    return load(folder / marker.read_text(), source.stem)


if __name__ == "__main__":
    # Build (or find) the two kernels distances.py times, and say where.
    for source, tool in [
        (HERE / "distances_cython.pyx", "cython"),
        (HERE / "distances_typed.py", "mypyc"),
    ]:
        module = compiled(source, tool)
        if module is not None:
            print(f"{tool}: {source.name} -> {module.__file__}")
