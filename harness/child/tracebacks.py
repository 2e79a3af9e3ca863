"""How an example's failure is put to its author: the example's own traceback, and
what to return instead of a result that cannot be sent back between processes."""

import traceback
from pathlib import Path


def unsendable(variant: str, result) -> str:
    """Why a variant's result cannot be pickled (sent between processes), in one
    sentence."""
    kind = type(result).__name__
    article = "an" if kind[:1].lower() in "aeiou" else "a"
    lazy = kind in {"generator", "map", "filter", "zip"} or kind.endswith("iterator")
    fix = (
        "return a list"
        if lazy
        else "return plain data (numbers, strings, lists, dicts, NumPy arrays)"
    )
    return (
        f"variant {variant!r} returned {article} {kind}, which cannot be sent back to the "
        f"harness: {fix}"
    )


def example_traceback(error: BaseException, ours: set[Path]) -> str:
    """The traceback as an example's author needs it: without the frames of the
    files and folders in ``ours`` (the harness, the rules)."""
    shown = traceback.TracebackException.from_exception(error)
    frames = [
        f
        for f in shown.stack
        if not f.filename.startswith("<frozen ") and not is_ours(Path(f.filename), ours)
    ]
    shown.stack = traceback.StackSummary.from_list(frames)
    return "".join(shown.format())


def is_ours(file: Path, ours: set[Path]) -> bool:
    """``file`` is one of ``ours`` or lies in a folder of them."""
    file = file.resolve()
    return any(file == o or o in file.parents for o in ours)
