"""One variant in the foreground at a time: while its sample is timed, every other
variant's interpreter and all it started wait in the background.

Paired rounds keep every variant's interpreter running, and with it whatever it
keeps running between calls: a pool, a Dask cluster (some 12 % of a core here
while it waits for work: heartbeats, its profiler), a local Ray (5 %). An
example with a dozen such rows would take a third of a 2-core machine from
the variant being timed, more when a row's turn comes just after a noisy
neighbour's. So while one variant's sample is timed, the others' processes
are given Linux's SCHED_IDLE policy: they run only on a core the sample leaves
idle, and get their share again between samples and once the rounds are done.

Linux only (``os.sched_setscheduler``); elsewhere nothing changes. The policy
belongs to each thread, so every thread of every process in a tree is set.
"""

import contextlib
import os

import psutil

CAN = hasattr(os, "SCHED_IDLE") and os.path.isdir("/proc") and not os.environ.get("NOFG")


def tree(pid: int) -> list[int]:
    """A process and every process below it."""
    try:
        root = psutil.Process(pid)
        return [pid, *(p.pid for p in root.children(recursive=True))]
    except psutil.Error:
        return []


def set_policy(pids: list[int], policy: int) -> None:
    for pid in pids:
        try:
            threads = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue  # it has exited
        for tid in threads:
            with contextlib.suppress(OSError):  # a thread that has just exited
                os.sched_setscheduler(int(tid), policy, os.sched_param(0))


def to_background(pid: int) -> None:
    """Run this process tree only on cores nothing else wants."""
    if CAN:
        set_policy(tree(pid), os.SCHED_IDLE)


def to_foreground(pid: int) -> None:
    """Give this process tree its ordinary share of the machine again."""
    if CAN:
        set_policy(tree(pid), os.SCHED_OTHER)


@contextlib.contextmanager
def alone(pid: int):
    """This tree in the foreground while inside, in the background after (what it
    started meanwhile included)."""
    to_foreground(pid)
    try:
        yield
    finally:
        to_background(pid)


@contextlib.contextmanager
def in_background(pids: list[int]):
    """Every one of these trees in the background while inside; all in the foreground
    after, however the inside ended."""
    for pid in pids:
        to_background(pid)
    try:
        yield
    finally:
        for pid in pids:
            to_foreground(pid)
