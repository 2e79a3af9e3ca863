"""Shared paths and a helper to run the harness the way a contributor does."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "examples"


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


@pytest.fixture
def fixture_examples(tmp_path):
    """A private copy of the fixture examples, free to edit."""
    folder = tmp_path / "examples"
    folder.mkdir()
    for path in FIXTURES.glob("*.py"):
        (folder / path.name).write_text(path.read_text())
    return folder


def pytest_collection_modifyitems(items):
    """Start the slow end-to-end tests first, so parallel workers do not wait on them last."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
