"""What the harness and an interpreter running an example say to each other.

One JSON object per line, in both directions, each a typed message below: the
parent sends a request, the worker (``worker``) answers with its reply, or with
``Problem`` (a sentence about the example's table or its result) or
``Failure`` (the example's own traceback). A run as a reader runs it
(``reader``, the smoke profile) ends with one ``ReaderReport``, or the same
``Problem`` or ``Failure``. ``failed`` is the one place either becomes an
exception. Standard library only: the interpreter may be a bare build.
"""

import dataclasses
import json
from dataclasses import dataclass, field

# --- requests ------------------------------------------------------------------


@dataclass(frozen=True)
class Describe:
    """Load the example, check its ``BENCHMARK`` and describe it at a size."""

    example: str
    size: str


@dataclass(frozen=True)
class Start:
    """Make the input (enter the workload) and choose the variant."""

    example: str
    variant: str
    size: dict


@dataclass(frozen=True)
class Warm:
    """Call it untimed, watching what it uses; how many calls make a sample."""

    warmups: int
    long_call: float
    min_sample: float
    max_loops: int


@dataclass(frozen=True)
class Keep:
    """Pickle the last result to ``path``, for the variants compared with it."""

    path: str
    variant: str


@dataclass(frozen=True)
class Check:
    """Compare the last result with a kept one."""

    against: str
    rel_tol: float


@dataclass(frozen=True)
class Time:
    """One timed sample of ``loops`` calls, pinned to ``core`` where one is given."""

    loops: int
    core: int | None = None


@dataclass(frozen=True)
class Quit:
    """Leave the workload, exit."""


# --- replies -------------------------------------------------------------------


@dataclass(frozen=True)
class Described:
    description: dict  # records.Description, as its fields
    python: dict  # the interpreter's build, after the example's imports


@dataclass(frozen=True)
class Started:
    python: dict


@dataclass(frozen=True)
class Warmed:
    wall: float
    cpu: float
    threads: int
    processes: int
    loops: int
    rise: int | None  # bytes above where the calls began, at their peak


@dataclass(frozen=True)
class Kept:
    pass


@dataclass(frozen=True)
class Checked:
    mismatch: str | None
    largest_difference: float | None  # what the check let through, relative


@dataclass(frozen=True)
class Timed:
    wall: float
    cpu: float
    unpinned: int  # threads or processes it started while pinned, given every core


@dataclass(frozen=True)
class Quitted:
    pass


@dataclass(frozen=True)
class ReaderRun:
    """One variant of a run as a reader runs it: every call timed, how it agreed."""

    wall: list[float]
    cpu: list[float]
    mismatch: str | None = None
    largest_difference: float | None = None


@dataclass(frozen=True)
class ReaderReport:
    variants: dict[str, ReaderRun] = field(default_factory=dict)
    running: str | None = None  # the variant running when it stopped, if it did


@dataclass(frozen=True)
class Problem:
    """A sentence about the example's table or its result: a mistake to fix."""

    problem: str
    variant: str | None = None  # named by a reader's run, which runs them all in turn


@dataclass(frozen=True)
class Failure:
    """The example raised: its own traceback, the harness's frames left out."""

    error: str
    variant: str | None = None  # named by a reader's run, which runs them all in turn


MESSAGES = {
    cls.__name__: cls
    for cls in (Describe, Start, Warm, Keep, Check, Time, Quit, Described, Started, Warmed,
                Kept, Checked, Timed, Quitted, ReaderReport, Problem, Failure)
}  # fmt: skip


class VariantFailed(Exception):
    """A variant could not be measured; the message says why, in plain words."""


def encode(message) -> str:
    """One line: the message's kind and its fields."""
    return json.dumps({"kind": type(message).__name__, **dataclasses.asdict(message)})


def decode(line: str):
    """The message a line holds (a ``ReaderReport``'s runs as ``ReaderRun``)."""
    fields = json.loads(line)
    kind = MESSAGES[fields.pop("kind")]
    if kind is ReaderReport:
        fields["variants"] = {n: ReaderRun(**r) for n, r in fields["variants"].items()}
    return kind(**fields)


def naming(variant: str | None, message: str) -> str:
    """ "variant 'x' timed out: …", unless the message already names it."""
    if variant is None or message.startswith(f"variant {variant!r}"):
        return message
    return f"variant {variant!r} {message}"


def failed(reply, variant: str | None):
    """The reply itself, or ``VariantFailed`` saying what went wrong while ``variant``
    (or the example, for None) was asked something: the one place that decides."""
    if isinstance(reply, Problem):
        raise VariantFailed(naming(variant or reply.variant, reply.problem))
    if isinstance(reply, Failure):
        said = f"raised an exception:\n{reply.error.strip()}"
        raise VariantFailed(naming(variant or reply.variant, said))
    return reply
