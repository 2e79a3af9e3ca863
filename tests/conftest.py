"""What many tests share: paths, the harness and MkDocs as a contributor runs them, and the
one way to make an example for a test."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "examples"
HOOKS = ("downloads.py", "generated.py", "claims.py")
# Every example ends as a reader's script does: run as `python example.py`, it times
# its variants (examples/side_by_side.py, which the harness puts on the path).
MAIN_GUARD = """

if __name__ == "__main__":
    import side_by_side

    side_by_side.main(BENCHMARK{shows})
"""


def harness(*args, cwd=ROOT, timeout=600, env=None):
    """Run ``python -m harness ARGS`` in a fresh interpreter; return the finished process."""
    return subprocess.run(
        [sys.executable, "-m", "harness", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
    )


def run_script(relative: str, *args, timeout=180, env=None):
    """Run ``examples/RELATIVE`` as a reader does: ``python examples/x/y.py ARGS``."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, str(ROOT / "examples" / relative), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )


def rows_of(stdout: str) -> dict[str, str]:
    """The rows of the table a script prints (side_by_side): variant name -> the rest."""
    found = {}
    for line in stdout.splitlines():
        name, gap, rest = line.partition("  ")
        if gap and rest.strip() and (rest.strip().endswith(("same", "baseline", "DIFFERS",
                                                           "not compared"))
                                     or "not run here" in rest):  # fmt: skip
            found[name.strip()] = rest.strip()
    return found


def write_example(folder: Path, name: str, source: str, shows: str = "") -> Path:
    """An example ``name``.py in ``folder`` for a test: ``source`` (its functions and
    ``BENCHMARK``), ending with the main guard every example has unless it has one of
    its own; ``shows`` names a dict of --show functions the source defines."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.py"
    extra = f", shows={shows}" if shows else ""
    guard = "" if "__main__" in source else MAIN_GUARD.format(shows=extra)
    path.write_text(textwrap.dedent(source).strip() + "\n" + guard)
    return path


def fixture_examples_in(folder: Path) -> Path:
    """The fixture examples (tests/fixtures/examples: good ones and broken ones), each
    made into an example in ``folder``."""
    for path in FIXTURES.glob("*.py"):
        write_example(folder, path.stem, path.read_text())
    return folder


def copy_reader_runner(folder: Path) -> None:
    """What a reader puts beside a script they take home, as the page's download box
    lists it: ``side_by_side.py`` and the rules it imports."""
    for name in ("side_by_side.py", "variants.py"):
        (folder / name).write_text((ROOT / "examples" / name).read_text())


@pytest.fixture
def fixture_examples(tmp_path):
    """A private copy of the fixture examples, free to edit."""
    return fixture_examples_in(tmp_path / "examples")


def build(config: Path, site: Path, generated: Path, **extra_env):
    """``mkdocs build --strict`` of ``config`` into ``site``, from the results in ``generated``."""
    env = {
        **os.environ,
        "SITE_GENERATED": str(generated),
        "NO_MKDOCS_2_WARNING": "1",
        **extra_env,
    }
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def page_config(tmp_path: Path, markdown: str) -> Path:
    """A one-page site that inherits every setting of the real one."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(markdown)
    config = tmp_path / "mkdocs.yml"
    # Paths in a config are relative to its own file: give the inherited ones in full.
    config.write_text(
        f"INHERIT: {ROOT / 'mkdocs.yml'}\n"
        f"docs_dir: {docs}\n"
        f"theme:\n  custom_dir: {ROOT / 'overrides'}\n"
        "hooks:\n"
        + "".join(f"  - {ROOT / 'hooks' / name}\n" for name in HOOKS)
        + "nav:\n  - index.md\n"
    )
    return config


def pytest_collection_modifyitems(items):
    """Start the slow end-to-end tests first, so parallel workers do not wait on them
    last; first of all the ones that need the smoke run of every example (the
    longest), which all run on one worker while the other takes the rest."""
    items.sort(
        key=lambda item: (
            item.get_closest_marker("slow") is None,
            "measured" not in getattr(item, "fixturenames", ()),
        )
    )
