"""A script run as a reader runs it, for the smoke profile, reporting to the harness.

``python -m harness.child.reader REPORT SCRIPT ARGS…`` runs ``python SCRIPT ARGS…``
(``side_by_side``: every variant once, in turn, checked against its baseline)
and tells the harness what each variant measured: ``REPORT`` holds a
``protocol.ReaderReport``, rewritten as each variant starts (a crash or a
time-out names the variant that was running), or a ``Problem`` or ``Failure``.
What the script prints is the reader's transcript, as printed.
"""

import pickle
import runpy
import sys
from pathlib import Path

from harness.child import protocol, rules
from harness.child.tracebacks import example_traceback, unsendable

OURS = {Path(__file__).resolve().parents[1], *rules.FILES}


class Unsendable(Exception):
    """A variant returned what cannot be pickled back to the harness."""


class Watcher:
    """What ``side_by_side`` tells of each variant, written down as it goes."""

    def __init__(self, path: Path):
        self.path, self.variants, self.now = path, {}, None

    def running(self, name: str) -> None:
        self.now = name
        self.write(protocol.ReaderReport(self.variants, running=name))

    def timed(self, name, walls, cpus, result, mismatch, gap) -> None:
        try:
            pickle.dumps(result)
        except Exception:
            raise Unsendable(unsendable(name, result)) from None
        self.variants[name] = protocol.ReaderRun(walls, cpus, mismatch, gap)

    def write(self, message) -> None:
        partial = self.path.with_name(self.path.name + ".partial")
        partial.write_text(protocol.encode(message))
        partial.replace(self.path)  # never half a report


def main(argv: list[str]) -> int:
    report, script, *args = argv
    watcher = Watcher(Path(report))
    sys.path.insert(0, str(Path(script).resolve().parent))  # as `python SCRIPT` does
    import side_by_side  # the one the script imports: the examples' folder is on the path

    side_by_side.WATCHER = watcher
    ours = {*OURS, Path(side_by_side.__file__).resolve()}
    sys.argv = [script, *args]
    code = 0
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as stopped:
        code = stopped.code if isinstance(stopped.code, int) else int(bool(stopped.code))
    except Unsendable as error:
        watcher.write(protocol.Problem(str(error), watcher.now))
        return 1
    except BaseException as error:
        watcher.write(protocol.Failure(example_traceback(error, ours), watcher.now))
        return 1
    watcher.write(protocol.ReaderReport(watcher.variants))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
