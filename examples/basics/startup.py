# /// script
# requires-python = ">=3.11"
# dependencies = ["pandas>=2.2", "pyarrow>=18", "polars>=1.20", "ray>=2.40"]
# [tool.faster-python]
# takes-part-in = ["interpreters"]
# ///
"""How long a tool takes to answer ``--version`` when it imports pandas,
Polars and Ray at the top, and what Python 3.15's lazy imports change.

Each variant starts a new Python, as a shell does, and runs
``report_tool.py`` (beside this file) with ``--version``: the imports at the
top are paid in full, though none of them is used. With ``-X
lazy_imports=all`` (Python 3.15, PEP 810) an import statement binds its name
at once and imports the module the first time the name is used, so the same
run imports nothing it does not use. Python's own start is the floor.
``--show importtime`` prints the imports that take longest, from ``-X
importtime``.
"""

import subprocess
import sys
from functools import partial
from pathlib import Path

TOOL = Path(__file__).resolve().parent / "report_tool.py"


# --8<-- [start:runs]
def start(options: list[str], tool: Path) -> None:
    """Run the tool as a shell would: a new Python, its imports, --version."""
    command = [sys.executable, *options, str(tool), "--version"]
    subprocess.run(command, capture_output=True, check=True)


def python_alone(tool: Path) -> None:
    """The floor: the interpreter starting and exiting, importing nothing."""
    subprocess.run([sys.executable, "-c", "pass"], check=True)


# --8<-- [end:runs]


# --8<-- [start:importtime]
def show_importtime(tool: Path) -> None:
    """The imports that took longest, as `python -X importtime` reports them."""
    command = [sys.executable, "-X", "importtime", str(tool), "--version"]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    rows = []  # "import time: self [us] | cumulative | imported package"
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            _, cumulative, name = line.removeprefix("import time:").split("|")
            if cumulative.strip().isdigit():
                rows.append((int(cumulative), name.rstrip()))
    total = sum(c for c, n in rows if not n.startswith("  "))  # top level
    print(f"all imports: {total / 1e6:.2f} s; the ten longest (with theirs):")
    for cumulative, name in sorted(rows, reverse=True)[:10]:
        print(f"{cumulative / 1e6:8.3f} s  {name.strip()}")


# --8<-- [end:importtime]


def workload(tool: str | None = None) -> Path:
    """The tool to start.

    tool: a script of your own to time instead (it is run with --version)
    """
    return Path(tool) if tool else TOOL


SIZES = {"smoke": {}, "quick": {}, "full": {}}

BENCHMARK = {
    "workload": workload,
    "sizes": SIZES,
    "variants": {
        "imports at the top: --version": partial(start, []),
        "-X lazy_imports=all: --version": {
            "run": partial(start, ["-X", "lazy_imports=all"]),
            "requires": ["python>=3.15"],
        },
        "Python alone: -c pass": python_alone,
    },
    "transcripts": {"importtime": ["--show", "importtime"]},
}


if __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parents[1]))  # side_by_side
    import side_by_side

    side_by_side.main(BENCHMARK, shows={"importtime": show_importtime})
