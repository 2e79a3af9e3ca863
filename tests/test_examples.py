"""Every script in examples/ is one a reader can copy and run.

The scripts with a ``BENCHMARK`` table run as a reader runs them in the site's
smoke measurement (``test_site.py``); here: the helpers without one, every
script's shape, and the scripts that start processes under every start method.
What a test must know of a script lives in its own PEP 723 header, under
``[tool.faster-python]``: ``test`` (the arguments to run a helper with),
``skip`` (why it is not run here), ``start-methods`` (the arguments for a run
under each start method).
"""

import ast
import multiprocessing
import os
import re
import subprocess
import sys
import textwrap
from collections import Counter

import pytest
from conftest import ROOT, copy_reader_runner, rows_of, run_script

from harness.measuring.discover import defines_benchmark, script_metadata

EXAMPLES = ROOT / "examples"


def scripts() -> list[str]:
    return sorted(
        p.relative_to(EXAMPLES).as_posix()
        for p in EXAMPLES.rglob("*.py")
        if "/." not in p.as_posix() and not p.name.startswith("_")
    )


def facts(relative: str) -> dict:
    """What the script's header tells the tests: [tool.faster-python]."""
    return script_metadata(EXAMPLES / relative).get("tool", {}).get("faster-python", {})


HELPERS = [s for s in scripts() if not defines_benchmark(EXAMPLES / s)]


@pytest.mark.parametrize("relative", HELPERS)
def test_a_helper_runs_and_prints_what_it_made(relative, tmp_path):
    told = facts(relative)
    if "skip" in told:
        pytest.skip(told["skip"])
    assert "test" in told, f"{relative}: say how to run it under [tool.faster-python] (test = [])"
    args = [a.replace("{tmp}", str(tmp_path)) for a in told["test"]]
    run = run_script(relative, *args)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip(), f"{relative} printed nothing"


@pytest.mark.parametrize("relative", scripts())
def test_example_has_a_docstring_a_script_header_and_a_main_guard(relative):
    source = (EXAMPLES / relative).read_text()
    assert source.startswith("# /// script\n"), f"{relative}: no PEP 723 header"
    assert ast.get_docstring(ast.parse(source)), f"{relative}: no docstring on top"
    assert '__name__ == "__main__"' in source, f"{relative}: no main guard"


@pytest.mark.parametrize("relative", [s for s in scripts() if s not in HELPERS])
def test_a_script_with_a_table_runs_it_through_side_by_side(relative):
    """One shared way of timing and checking the variants: no loop of its own."""
    source = (EXAMPLES / relative).read_text()
    assert re.search(r"side_by_side\.main\(\s*BENCHMARK", source), relative
    assert "def main(" not in source, f"{relative}: a main() of its own beside BENCHMARK"


START_METHODS = [s for s in scripts() if "start-methods" in facts(s)]


@pytest.mark.parametrize("method", ["spawn", "forkserver", "fork"])
@pytest.mark.parametrize("relative", START_METHODS)
def test_process_examples_work_under_every_start_method(relative, method):
    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"{method} is not available on {sys.platform}")
    if (
        method == multiprocessing.get_start_method()
        and "--show" not in facts(relative)["start-methods"]
    ):
        pytest.skip(f"{method} is this platform's default: the site's smoke run uses it")
    extra = facts(relative)["start-methods"]
    run = run_script(relative, "--size", "smoke", "--start-method", method, *extra)
    assert run.returncode == 0, run.stderr
    if extra[:2] == ["--show", "pids"]:
        assert f"start method: {method}" in run.stdout
        # The pool really used other processes than the main one.
        pids = {line.split()[1] for line in run.stdout.splitlines() if line.startswith("process ")}
        assert pids and str(os.getpid()) not in pids


SOURCES = sorted(
    p.relative_to(EXAMPLES).as_posix()
    for p in EXAMPLES.rglob("*")
    if p.suffix in {".py", ".c"} and "/." not in p.as_posix()
)


@pytest.mark.parametrize("relative", SOURCES)
def test_example_snippet_sections_are_opened_and_closed_once(relative):
    """A section left open makes the page include the rest of the file; the build won't say."""
    markers = re.findall(r"--8<-- \[(start|end):([\w-]+)\]", (EXAMPLES / relative).read_text())
    starts = Counter(name for kind, name in markers if kind == "start")
    ends = Counter(name for kind, name in markers if kind == "end")
    assert starts == ends and set(starts.values()) <= {1}, f"{relative}: {starts} {ends}"


def declared(requirement: str) -> tuple[str, str]:
    """ "NumPy>=2.1 ; sys_platform != 'win32'" -> ("numpy", ">=2.1")."""
    spec = requirement.split(";")[0].strip()
    name = re.match(r"[A-Za-z0-9_.\-]+(\[[^]]*\])?", spec)[0]
    return re.sub(r"\[.*", "", name).lower().replace("_", "-"), spec[len(name) :].strip()


def test_every_library_a_script_declares_is_installed_by_the_project_in_the_same_range():
    """A script's PEP 723 header (what `uv run` installs) and pyproject.toml (what
    `make install` installs) name each library with the same version range."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    ours = [*project["project"]["dependencies"]]
    ours += [r for group in project["dependency-groups"].values() for r in group]
    installed = dict(declared(r) for r in ours)
    for relative in scripts():
        for requirement in script_metadata(EXAMPLES / relative).get("dependencies", []):
            name, wanted = declared(requirement)
            assert name in installed, f"{relative} needs {name}: add it to pyproject.toml"
            assert installed[name] == wanted, (
                f"{relative}: {name}{wanted} but the project {installed[name]}"
            )


def project_requirements() -> dict[str, str]:
    """Every requirement pyproject.toml names (dependencies and groups), by package."""
    import tomllib

    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = [*project["project"]["dependencies"]]
    for group in project.get("dependency-groups", {}).values():
        listed += [r for r in group if isinstance(r, str)]
    return {canonical(Requirement(r).name): r for r in listed}


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


@pytest.mark.parametrize("relative", scripts())
def test_what_a_scripts_header_installs_is_in_the_locked_project_too(relative):
    """`uv run` installs the header's list, `make install` the project's: a library
    one of them lacks works for readers and fails in CI, or the other way round."""
    from packaging.requirements import Requirement

    project = project_requirements()
    header = script_metadata(EXAMPLES / relative).get("dependencies", [])
    missing = [r for r in header if canonical(Requirement(r).name) not in project]
    assert not missing, f"{relative}: add {missing} to pyproject.toml, then `uv lock`"


def test_contributings_template_runs_as_written_and_fits_the_pages(tmp_path):
    """The whole example CONTRIBUTING.md gives a contributor: it runs, every row of its
    table printed, and passes the examples' lint (80 columns, the pages' width)."""
    guide = (ROOT / "CONTRIBUTING.md").read_text()
    fence = re.search(r'```python title="examples/<section>/<name>\.py"\n(.*?)\n\s*```', guide,
                      re.S)  # fmt: skip
    assert fence, "CONTRIBUTING.md has no template titled examples/<section>/<name>.py"
    folder = tmp_path / "examples" / "section"
    folder.mkdir(parents=True)
    template = folder / "squares.py"
    template.write_text(textwrap.dedent(fence[1]) + "\n")
    copy_reader_runner(tmp_path / "examples")
    done = subprocess.run([sys.executable, template, "--size", "smoke"], capture_output=True,
                          text=True, timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert {"sequential", "NumPy", "2 processes"} <= set(rows_of(done.stdout)), done.stdout
    lint = subprocess.run(
        [ROOT / ".venv" / "bin" / "ruff", "check", "--config", EXAMPLES / "ruff.toml", template],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert lint.returncode == 0, lint.stdout


def test_contributing_describes_every_key_the_benchmark_format_has():
    """The format is defined once, in ``harness/child/schema.py``; the guide follows it."""
    from harness.child import schema
    from harness.measuring.discover import TAKES_PART

    guide = (ROOT / "CONTRIBUTING.md").read_text()
    keys = [*schema.KEYS, *schema.VARIANT_KEYS, *schema.TABLE_KEYS, *TAKES_PART]
    undescribed = [k for k in keys if f'"{k}"' not in " ".join(guide.split())]
    assert len(keys) > 20 and not undescribed


def test_a_header_that_takes_part_in_something_unknown_is_named(tmp_path):
    from harness.measuring.discover import UnknownPart, takes_part_in

    script = tmp_path / "runner.py"
    script.write_text('# /// script\n# [tool.faster-python]\n# takes-part-in = ["large"]\n# ///\n')
    with pytest.raises(UnknownPart, match=r"\['large'\] is not one of 'interpreters'"):
        takes_part_in(script)
