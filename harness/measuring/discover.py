"""Find the examples the harness measures: scripts that define ``BENCHMARK``.

Discovery reads the source (it never imports an example), so a broken
example cannot break the listing of the others.
"""

import ast
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from harness.core.paths import EXAMPLES


@dataclass(frozen=True)
class Example:
    path: Path
    id: str  # path below examples/ without ".py": "io/threads"

    @property
    def local_modules(self) -> list[Path]:
        """Sibling files this example depends on, so a change to one re-measures it.

        The modules it imports from its folder (a local server, a data
        generator) or from the examples' own folder (``side_by_side.py``), the
        ones those import in turn, and files of the same name with another
        suffix or a longer name (the C and Cython sources of ``distances.py``:
        distances.c, distances_cython.pyx).
        """
        found, todo = set(), [self.path]
        while todo:
            path = todo.pop()
            for sibling in [*imported_siblings(path), *companions(path)]:
                if sibling != self.path and sibling not in found:
                    found.add(sibling)
                    if sibling.suffix == ".py":
                        todo.append(sibling)
        # By name, then path: the same order wherever the checkout lives.
        return sorted(found, key=lambda p: (p.name, str(p)))


def imported_siblings(path: Path) -> list[Path]:
    tree = ast.parse(path.read_text(), str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    places = [path.parent, EXAMPLES]
    found = [folder / f"{n}.py" for n in sorted(names) for folder in places]
    return list(dict.fromkeys(p for p in found if p.exists()))


def companions(path: Path) -> list[Path]:
    named = [*path.parent.glob(f"{path.stem}.*"), *path.parent.glob(f"{path.stem}_*")]
    return [p for p in named if p.suffix != ".py" and p.is_file()]


def defines_benchmark(path: Path) -> bool:
    try:
        tree = ast.parse(path.read_text(), str(path))
    except (SyntaxError, ValueError, UnicodeDecodeError, OSError):
        return True  # let the measurement report the problem against this example
    return any(
        isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "BENCHMARK" for t in node.targets)
        for node in tree.body
    )


def runs_its_table(path: Path) -> bool:
    """Whether ``python example.py`` times the example's table: a main guard that calls
    ``side_by_side.main(BENCHMARK…)``. Without it the script ran to its end timing
    nothing, which the harness would only see as an interpreter that said nothing."""
    try:
        tree = ast.parse(path.read_text(), str(path))
    except (SyntaxError, ValueError, UnicodeDecodeError, OSError):
        return True  # the measurement reports the problem itself
    for node in tree.body:
        if isinstance(node, ast.If) and "__main__" in ast.unparse(node.test):
            for call in ast.walk(node):
                if (
                    isinstance(call, ast.Call)
                    and ast.unparse(call.func).split(".")[-1] == "main"
                    and call.args
                    and ast.unparse(call.args[0]) == "BENCHMARK"
                ):
                    return True
    return False


MAIN_GUARD = """if __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parents[1]))  # side_by_side
    import side_by_side

    side_by_side.main(BENCHMARK)"""


HEADER = re.compile(r"(?m)^# /// script\s*$\n((?:^#(?:| .*)$\n)+)^# ///\s*$")


def script_metadata(path: Path) -> dict:
    """A script's PEP 723 ``# /// script`` header: its dependencies, and what the tests
    need to know of it under ``[tool.faster-python]`` (CONTRIBUTING.md says what)."""
    match = HEADER.search(path.read_text())
    if not match:
        return {}
    return tomllib.loads("\n".join(line[2:] for line in match.group(1).splitlines()))


def facts(path: Path) -> dict:
    """What a script's header says for this project, under ``[tool.faster-python]``."""
    return script_metadata(path).get("tool", {}).get("faster-python", {})


# Where an example is measured beyond the site's own run, declared with it:
# ``takes-part-in = ["interpreters"]`` under ``[tool.faster-python]``.
TAKES_PART = {
    "interpreters": "measured with each interpreter `make measure-pythons` names, a tab each",
    "large-runner": "measured on a larger runner too (`make bench-large`), a tab per machine",
    "compare-commits": "compared by `make compare-commits` whenever the harness changes",
}


class UnknownPart(ValueError):
    """A header names something an example cannot take part in."""


def takes_part_in(path: Path) -> list[str]:
    declared = facts(path).get("takes-part-in", [])
    unknown = [d for d in declared if d not in TAKES_PART]
    if unknown:
        known = ", ".join(repr(k) for k in TAKES_PART)
        raise UnknownPart(f"{path.name}: takes-part-in {unknown} is not one of {known}")
    return list(declared)


def taking_part(part: str, root: Path = EXAMPLES) -> list[str]:
    """The ids of the examples that declare ``part``, sorted."""
    if part not in TAKES_PART:
        raise UnknownPart(f"{part!r} is not one of {', '.join(map(repr, TAKES_PART))}")
    return [e.id for e in discover(root) if part in takes_part_in(e.path)]


def discover(root: Path = EXAMPLES, only: list[str] | None = None) -> list[Example]:
    """Every example under ``root`` with a ``BENCHMARK`` table, sorted by id.

    ``only`` keeps examples whose id contains one of the given strings.
    """
    found = []
    for path in sorted(root.rglob("*.py")):
        if path.name.startswith("_") or not defines_benchmark(path):
            continue
        example = Example(path=path, id=path.relative_to(root).with_suffix("").as_posix())
        if not only or any(part in example.id for part in only):
            found.append(example)
    return found
