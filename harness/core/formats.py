"""How the harness writes numbers: durations, memory, shares, money, and speedups.

One formatter per kind, used by every table, trend, claim and comparison, so a
speedup reads the same wherever it is written.
"""

import math

# Short, so a row marked fits its column; the footer spells it out.
NOT_SIGNIFICANT = "n.s."


NBSP = "\u00a0"  # keeps a number and its unit on one line in a narrow column


def duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.3g}{NBSP}ms"
    return f"{seconds:.2f}{NBSP}s"


def memory(nbytes: int) -> str:
    if not nbytes:
        return "–"
    if nbytes >= 2**30:
        return f"{nbytes / 2**30:.2f}{NBSP}GiB"
    if nbytes < 2**20:  # a small test file
        return f"{nbytes / 2**10:.0f}{NBSP}KiB"
    return f"{nbytes / 2**20:.0f}{NBSP}MiB"


def percent(share: float) -> str:
    return f"{share * 100:.0f}{NBSP}%" if share >= 0.01 else f"{share * 100:.1f}{NBSP}%"


def interval(found) -> str:
    """ "±3 %": the half-width of a ratio's interval, where it has one."""
    if found.low is None:
        return ""
    return f"{NBSP}±{NBSP}{percent(found.half_width)}"


def three_figures(value: float) -> str:
    """12.3, 123, 1.23: three significant figures, trailing zeros kept."""
    value = float(f"{value:.3g}")
    decimals = max(0, 2 - math.floor(math.log10(value))) if value > 0 else 2
    return f"{value:.{decimals}f}"


def speedup_text(value: float) -> str:
    """Three significant figures, never in scientific notation, as a reader's run
    prints them (``side_by_side``; a test holds the two equal): 0.000839×, 2.00×,
    3,030×. Every speedup the harness writes is written so."""
    rounded = float(f"{value:.3g}")  # first: 9.996 is 10.0, not 10.00
    return f"{rounded:,.0f}×" if rounded >= 100 else f"{three_figures(rounded)}×"


def ratio_text(found) -> str:
    """A speedup and its interval: "2.00× ± 3 %" (the interval only where it has one)."""
    return speedup_text(found.value) + interval(found)


def dollars(amount: float) -> str:
    return f"${amount:.3f}" if amount >= 0.01 else f"${amount:.4f}"
