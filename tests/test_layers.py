"""The harness's folders show its design: each layer imports only from the layers below
it, and each package's map names every module in it."""

import ast

import pytest
from conftest import ROOT

HARNESS = ROOT / "harness"
LAYERS = ["core", "child", "measuring", "reporting", "publishing"]  # lowest first


def harness_imports(path) -> list[str]:
    """The harness packages a module imports, at its top or inside a function."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        found += [n.split(".")[1] for n in names if n.startswith("harness.")]
    return sorted({layer for layer in found if layer in LAYERS})


@pytest.mark.parametrize("layer", LAYERS)
def test_a_layer_imports_nothing_above_it(layer):
    allowed = set(LAYERS[: LAYERS.index(layer) + 1])
    reaching_up = {
        path.name: sorted(set(harness_imports(path)) - allowed)
        for path in sorted((HARNESS / layer).glob("*.py"))
    }
    assert {name: up for name, up in reaching_up.items() if up} == {}


def test_the_check_sees_a_module_that_reaches_up(tmp_path):
    module = tmp_path / "wrong.py"
    module.write_text("def f():\n    from harness.reporting import table\n")
    assert harness_imports(module) == ["reporting"]


@pytest.mark.parametrize("layer", LAYERS)
def test_each_package_map_names_every_module(layer):
    package = HARNESS / layer
    described = ast.get_docstring(ast.parse((package / "__init__.py").read_text())) or ""
    modules = [p.stem for p in package.glob("*.py") if p.stem != "__init__"]
    assert modules and [m for m in modules if f"``{m}``" not in described] == []


def test_the_harness_map_names_every_layer_and_nothing_else_lies_loose():
    described = ast.get_docstring(ast.parse((HARNESS / "__init__.py").read_text()))
    assert all(f"``{layer}``" in described for layer in LAYERS)
    loose = {p.name for p in HARNESS.glob("*.py")}
    folders = {p.parent.name for p in HARNESS.glob("*/*.py")}  # data/ holds prices only
    assert loose == {"__init__.py", "__main__.py", "cli.py"} and folders == set(LAYERS)
