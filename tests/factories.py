"""Records as the harness stores them (``harness.records``), for tests of rendering."""

from harness import stats
from harness.records import ExampleRecord, VariantResult


def variant(
    name: str,
    seconds: float,
    cpu: float | None = None,
    *,
    baseline: str | None = None,
    **facts,
) -> VariantResult:
    """A measured row: one run of ``seconds`` (CPU time ``cpu``, the same by default)."""
    row: VariantResult = {
        "name": name,
        "group": None,
        "baseline": baseline or name,
        "workers": None,
        "work": None,
        "bound": None,
        "requires": [],
        "missing": [],
        "wall": stats.summarise([seconds]),
        "cpu": stats.summarise([seconds if cpu is None else cpu]),
        "peak_rss": 2**20,
        "flags": [],
    }
    row.update(facts)
    return row


def not_measured(name: str, reason: str, baseline: str) -> VariantResult:
    return {
        "name": name,
        "group": None,
        "baseline": baseline,
        "workers": None,
        "work": None,
        "bound": None,
        "requires": ["gpu"],
        "missing": [reason],
    }


def record(variants: list[VariantResult], **fields) -> ExampleRecord:
    """An example's record on a 2-core test machine, with no noise measured unless given."""
    made: ExampleRecord = {
        "id": "x",
        "fingerprint": "0" * 16,
        "profile": "quick",
        "size": {"n": 1},
        "efficiency": False,
        "cpu_time": True,
        "cost": False,
        "scaling": None,
        "transcripts": {},
        "variants": variants,
        "environment": {
            "hardware": {
                "cpu": "Test CPU",
                "usable_cores": 2,
                "logical_cores": 4,
                "memory_bytes": 2**33,
                "os": "Linux x86_64",
            },
            "python": {"version": "3.13.0", "free_threaded": True},
            "libraries": {},
            "start_method": "fork",
            "commit": "abc1234",
            "date": "2026-01-01T00:00:00+00:00",
            "load": {},
        },
        "noise": None,
    }
    made.update(fields)
    return made
