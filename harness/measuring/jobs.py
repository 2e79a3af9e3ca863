"""The parent's side of ``harness.child.worker``: a worker interpreter asked, watched, stopped.

Each worker runs one variant in a process session of its own, for the whole of
an example's rounds. Whatever goes wrong (it raises, crashes, hangs, or leaves
processes behind) ends in a ``VariantFailed`` that names its variant and says
what happened, with its whole process tree killed.
"""

import os
import platform
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness.child import protocol
from harness.child.protocol import VariantFailed, failed, naming
from harness.core.paths import ROOT
from harness.measuring import supervise
from harness.measuring.memory import MemoryWatch


class LeakedProcesses(VariantFailed):
    """The variant's interpreter left processes running; they were killed."""


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"crashed: its interpreter was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"crashed: its interpreter was killed by signal {-code}"
    return f"crashed: its interpreter exited with code {code} without reporting a result"


def read_report(path: Path):
    """What a reader's run wrote last (``child.reader``), or None where it wrote
    nothing."""
    return protocol.decode(path.read_text()) if path.exists() else None


def runs_of(report, finished: supervise.Finished) -> dict[str, protocol.ReaderRun]:
    """The runs a reader's run reports by variant, or VariantFailed saying what went
    wrong, naming the variant that was running."""
    running = getattr(report, "running", None)
    if report is None or running is not None:
        said = f"{describe_exit(finished.returncode)}\n{finished.stderr}".strip()
        raise VariantFailed(naming(running, said))
    return failed(report, None).variants


# Every run lays its interpreters out alike: the same hash seed (dicts and sets in
# the same order), and where util-linux's setarch can say so, the same addresses
# (no address-space randomisation): what lands in which cache line then does not
# change a variant's speed from one run to the next.
SETARCH = shutil.which("setarch")
SAME_LAYOUT = [SETARCH, platform.machine(), "-R"] if SETARCH and sys.platform == "linux" else []


class Worker:
    """``python -m harness.child.worker`` for one variant (``name``), kept running to be asked."""

    def __init__(self, name: str | None, python: str = sys.executable, root: Path = ROOT):
        """``root``: the checkout whose harness (and ``side_by_side``) the worker runs,
        another commit's for ``compare-commits``."""
        self.name = name
        self.stderr = tempfile.TemporaryFile("w+")  # noqa: SIM115 (read on a crash, closed with it)
        read, write = os.pipe()
        self.process = subprocess.Popen(
            [*SAME_LAYOUT, python, "-m", "harness.child.worker", str(write)],
            cwd=root,
            env={**os.environ, "PYTHONPATH": str(root), "PYTHONHASHSEED": "0"},
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,  # the example's own prints
            stderr=self.stderr,
            pass_fds=(write,),
            start_new_session=True,
            text=True,
        )
        os.close(write)
        self.replies = os.fdopen(read)
        self.peak = 0  # bytes: its first call's peak (``rose``), else the most its tree held
        self.memory = MemoryWatch()
        self.floor = 0  # bytes: what its tree held when the calls began (``watch_calls``)
        self.peak_seen = False  # the kernel saw its calls' peak: watching longer adds nothing

    def send(self, job) -> None:
        try:
            self.process.stdin.write(protocol.encode(job) + "\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            pass  # it has exited: the answer it never gives says how

    def receive(self, timeout: float, raw: bool = False, watch_memory: bool = True):
        """Its reply, or VariantFailed: it timed out, crashed, or (unless ``raw``) the
        example went wrong (``protocol.failed``, its tree then killed). Meanwhile its
        tree's memory is watched, if asked."""
        deadline = time.monotonic() + timeout
        while True:
            if watch_memory and not self.peak_seen:
                tree = supervise.tree_below(self.process.pid)
                self.peak = max(self.peak, self.memory.read(tree))
            ready, _, _ = select.select([self.replies], [], [], supervise.POLL_SECONDS)
            if ready:
                line = self.replies.readline()
                if not line:
                    self.process.wait()
                    self.fail(describe_exit(self.process.returncode) + "\n" + self.tail())
                reply = protocol.decode(line)
                return reply if raw else self.answered(reply)
            if time.monotonic() > deadline:
                self.kill()
                self.fail(f"timed out: still running after {timeout:.0f} s; killed it")

    def watch_calls(self) -> None:
        """From now on its peak is its calls': what loading the example and making the
        input took, and gave back, is not counted (it still holds the input: that is)."""
        self.memory = MemoryWatch()
        self.floor = self.peak = self.memory.read(supervise.tree_below(self.process.pid))
        self.peak_seen = False

    def rose(self, rise: int | None) -> None:
        """Its first call's rise above the floor, as the kernel saw it from inside
        (``observe.OwnPeak``): a peak too short for the parent's sampling to see. Where
        the kernel can tell, that is the row's peak: what its first call took, from a
        worker that had given back what making the input took. Not what a later call
        took on top of what an allocator kept from the one before (PyArrow's pool does:
        one run measured the same row at 373 MiB, the next at 471), nor what keeping
        and checking its result takes."""
        if rise is not None:
            self.peak, self.peak_seen = self.floor + rise, True

    def ask(self, job, timeout: float, raw: bool = False, watch_memory: bool = True):
        self.send(job)
        return self.receive(timeout, raw, watch_memory)

    def answered(self, reply):
        if isinstance(reply, protocol.Problem | protocol.Failure):
            self.kill()
        return failed(reply, self.name)

    def fail(self, message: str) -> None:
        raise VariantFailed(naming(self.name, message.strip()))

    def tail(self) -> str:
        self.stderr.seek(0)
        return supervise.tail(self.stderr.read())

    def quit(self, timeout: float, asked: bool = False) -> list[str]:
        """Let it leave its workload and exit; what it left running in its session, killed.
        ``asked``: its Quit was sent already (with every other worker's)."""
        if not asked:
            self.send(protocol.Quit())
        self.receive(timeout, watch_memory=False)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        return supervise.wait_for_leftovers(self.process.pid, in_session_only=True)

    def kill(self) -> None:
        if self.process.poll() is None or supervise.in_session(self.process.pid):
            supervise.kill_session(self.process.pid)
            self.process.wait()
