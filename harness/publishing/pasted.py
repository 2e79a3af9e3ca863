"""What a reader's paste needs: the code blocks a page shows from one example, copied
in page order, must run as pasted.

A page shows named sections of a script (``--8<-- "examples/cpu/processes.py:
processes"``), and a section seldom holds the imports, constants and helpers
its code uses. For each script, the first block a page shows from it gets
what the page's blocks of that script use and do not define themselves: the
script's own statements that define those names (its imports, its constants,
its helper functions, and in turn what they use), in the script's order. What
a script imports from a sibling module stays an import: the page links that
module (``hooks/downloads.py``). Only the standard library: the MkDocs hooks
run it.
"""

import ast
import builtins
import contextlib
import re
import symtable
import textwrap
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SECTION = re.compile(r"#\s*--8<--\s*\[(?P<kind>start|end):(?P<name>[\w-]+)\]")
# A block a page shows: a fenced Python block whose first line includes a section.
BLOCK = re.compile(
    r"^(?P<indent>[ \t]*)(?P<fence>```+|~~~+)python(?P<options>[^\n]*)\n"
    r'(?P=indent)--8<--\s+"(?P<path>examples/[^":]+\.py)(?::(?P<section>[\w-]+))?"\n',
    re.M,
)
BUILTINS = frozenset(dir(builtins)) | {"__file__", "__name__", "__doc__"}


def section(source: str, name: str | None) -> str:
    """A named section of a script, dedented, without its markers (as the pages'
    snippets extension includes it); the whole script without markers for None."""
    lines = source.splitlines()
    if name is None:
        return "\n".join(line for line in lines if not SECTION.search(line))
    inside, found = False, []
    for line in lines:
        marker = SECTION.search(line)
        if marker and marker["name"] == name:
            inside = marker["kind"] == "start"
            continue
        if marker:
            continue
        if inside:
            found.append(line)
    return textwrap.dedent("\n".join(found))


def in_string_annotations(code: str) -> set[str]:
    """Names in annotations written as strings (``work: "Work"``), which a checker
    and ``typing.get_type_hints`` resolve too."""
    found = set()
    for node in ast.walk(ast.parse(code)):
        hints = []
        if isinstance(node, ast.arg | ast.AnnAssign):
            hints.append(node.annotation)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            hints.append(node.returns)
        for hint in hints:
            if isinstance(hint, ast.Constant) and isinstance(hint.value, str):
                with contextlib.suppress(SyntaxError):
                    tree = ast.parse(hint.value, mode="eval")
                    found |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    return found


def undefined(code: str) -> set[str]:
    """Names the code uses that it neither defines nor imports, and that are not
    built in: what must come before it for it to run (ruff's F821, roughly)."""
    top = symtable.symtable(code, "<paste>", "exec")
    defined = {s.get_name() for s in top.get_symbols() if s.is_assigned() or s.is_imported()}
    used = in_string_annotations(code)
    tables = [top]
    while tables:
        table = tables.pop()
        tables += table.get_children()
        for symbol in table.get_symbols():
            if not symbol.is_referenced():
                continue
            module_level = table is top and not symbol.is_assigned()
            if module_level or symbol.is_global() or (table.get_type() == "class"
                                                      and symbol.is_free()):  # fmt: skip
                used.add(symbol.get_name())
    return used - defined - BUILTINS


@dataclass(frozen=True)
class Definition:
    """A top-level statement of a script that defines names a paste may need."""

    line: int  # where it starts in the script: pastes keep the script's order
    text: str  # its source (an import narrowed to the names needed is rebuilt)
    needs: frozenset[str]  # what it uses in turn


@cache
def definitions(path: Path) -> dict[str, tuple[ast.stmt, Definition]]:
    """Every name a script defines at its top level, and the statement that does."""
    source = path.read_text()
    found = {}
    lines = source.splitlines()
    for node in ast.parse(source).body:
        if isinstance(node, ast.Expr) or (
            isinstance(node, ast.If) and "__main__" in ast.unparse(node.test)
        ):
            continue  # the docstring, the main guard
        start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        text = section("\n".join(lines[start - 1 : node.end_lineno]), None)
        names = defined_by(text) if isinstance(node, ast.Try | ast.If) else top_names(node)
        if not names:
            continue
        made = Definition(node.lineno, text, frozenset(undefined(text)))
        for name in names:
            found[name] = (node, made)
    return found


def top_names(node: ast.stmt) -> list[str]:
    """The names one top-level statement defines."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    if isinstance(node, ast.Import | ast.ImportFrom):
        return [(a.asname or a.name).split(".")[0] for a in node.names]
    if isinstance(node, ast.Assign | ast.AnnAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    return []


def statement_for(node: ast.stmt, made: Definition, names: set[str]) -> str:
    """The statement to paste: an import of only the names needed, within the 80
    columns a page shows (one name a line, as ruff formats it, where longer)."""
    if isinstance(node, ast.Import | ast.ImportFrom):
        kept = [a for a in node.names if (a.asname or a.name).split(".")[0] in names]
        line = ast.unparse(type(node)(**{**node.__dict__, "names": kept}))
        if len(line) <= 80 or isinstance(node, ast.Import):
            return line
        head = line[: line.index(" import ") + len(" import ")]
        return head + "(\n" + "".join(f"    {ast.unparse(a)},\n" for a in kept) + ")"
    return made.text


def needed_first(path: Path, code: str, shown: set[str] = frozenset()) -> str:
    """What must be pasted before ``code`` (the page's blocks of one script, in page
    order) for it to run: the script's own statements defining what it uses, and
    what those use in turn, in the script's order; "" where nothing is missing.
    ``shown``: names defined elsewhere on the page, not to be pasted again."""
    known = definitions(path)
    wanted = {n for n in undefined(code) if n in known} - set(shown)
    todo, chosen = list(wanted), {}
    while todo:
        name = todo.pop()
        node, made = known[name]
        chosen.setdefault(made.line, (node, made, set()))[2].add(name)
        for more in made.needs - wanted - defined_by(code):
            if more in known:
                wanted.add(more)
                todo.append(more)
    parts = [statement_for(node, made, names) for _, (node, made, names) in sorted(chosen.items())]
    imports = [p for p in parts if p.startswith(("import ", "from "))]
    rest = [p for p in parts if not p.startswith(("import ", "from "))]
    blocks = ["\n".join(imports)] if imports else []
    return "\n\n\n".join(blocks + rest)


def defined_by(code: str) -> set[str]:
    top = symtable.symtable(code, "<paste>", "exec")
    return {s.get_name() for s in top.get_symbols() if s.is_assigned() or s.is_imported()}


@dataclass(frozen=True)
class Block:
    """One Python block a page shows from a script."""

    start: int  # where its fence starts in the page's Markdown
    indent: str
    path: str  # examples/…/x.py
    section: str | None
    code: str  # what it shows (the section's text)


def blocks_on(markdown: str, root: Path) -> list[Block]:
    """The Python blocks a page includes from ``examples/``, in page order."""
    found = []
    for match in BLOCK.finditer(markdown):
        path = root / match["path"]
        if not path.exists():
            continue  # the build names a missing file
        code = section(path.read_text(), match["section"])
        found.append(Block(match.start(), match["indent"], match["path"], match["section"], code))
    return found


def by_script(markdown: str, root: Path) -> dict[str, tuple[list[Block], str]]:
    """Per script a page shows: its blocks, in page order, and what must be pasted
    before the first of them (``needed_first``)."""
    found: dict[str, list[Block]] = {}
    for block in blocks_on(markdown, root):
        found.setdefault(block.path, []).append(block)
    return {
        script: (blocks, needed_first(root / script, "\n\n\n".join(b.code for b in blocks)))
        for script, blocks in found.items()
    }


def pastes(markdown: str, root: Path) -> dict[str, str]:
    """Per script: everything the page's blocks of it give a reader who copies them
    in page order."""
    return {
        script: "\n\n\n".join(filter(None, [first, *(b.code for b in blocks)]))
        for script, (blocks, first) in by_script(markdown, root).items()
    }


def with_what_they_need(markdown: str, root: Path) -> str:
    """The page with what each script's blocks need first (``needed_first``) as the
    first lines of the first block it shows from that script."""
    inserts = []
    for blocks, first in by_script(markdown, root).values():
        if first:
            head = blocks[0]
            lines = [f"{head.indent}{line}" if line else "" for line in first.splitlines()]
            at = markdown.index("\n", head.start) + 1  # after the fence's first line
            inserts.append((at, "\n".join(lines) + "\n\n\n"))
    for at, text in sorted(inserts, reverse=True):
        markdown = markdown[:at] + text + markdown[at:]
    return markdown
