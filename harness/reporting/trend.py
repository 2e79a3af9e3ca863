"""The history on the pages: each table's trend over publishes, and the "What changed" page.

A trend shows an example's speedups at each publish with their intervals (a
small chart, light and dark, and the last publishes as a table), under the
table; a step (``history.steps``) is marked there and listed on the "What
changed" page with its commit, the libraries that changed and the claims
that flipped.
"""

import base64

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from harness.core.formats import ratio_text
from harness.core.intervals import Ratio
from harness.reporting.history import History, Step, steps
from harness.reporting.plot import PALETTES, style, svg_of

SHOWN = 6  # rows per trend chart: an example's first rows (its headline comparisons)
COLUMNS = 5  # publishes in a trend's table: the latest


def series(history: History, example: str) -> dict[str, list[tuple[int, Ratio]]]:
    """Each row's points, by publish number, for the rows the latest publish has."""
    latest = history.publishes[-1].speedups.get(example, {})
    return {
        row: [
            (i, p.speedups[example][row])
            for i, p in enumerate(history.publishes)
            if row in p.speedups.get(example, {})
        ]
        for row in list(latest)[:SHOWN]
    }


def trend_svg(history: History, example: str, palette: dict) -> bytes:
    with plt.rc_context(style(example, palette)):
        fig, ax = plt.subplots(figsize=(7, 2.6))
        fig.patch.set_alpha(0)
        ax.set_facecolor("none")
        for row, points in series(history, example).items():
            xs = [i for i, _ in points]
            ys = [p.value for _, p in points]
            low = [0 if p.low is None else p.value - p.low for _, p in points]
            high = [0 if p.high is None else p.high - p.value for _, p in points]
            ax.errorbar(xs, ys, yerr=[low, high], marker="o", capsize=2, label=row)
        ax.set_yscale("log")
        ax.axhline(1, color=palette["grid"], linewidth=1)
        commits = [p.commit[:7] for p in history.publishes]
        ax.set_xticks(range(len(commits)), commits, rotation=30, fontsize=7)
        ax.set_ylabel("speedup (log)")
        ax.legend(fontsize=7, frameon=False, loc="center left", bbox_to_anchor=(1, 0.5))
        return svg_of(fig)


def trend_block(history: History | None, example: str) -> str:
    """The collapsed "History" block under an example's table ("" without a history)."""
    if history is None or not history.publishes[-1].speedups.get(example):
        return ""  # no history, or no row with a speedup to follow
    shown = [p for p in history.publishes if example in p.speedups][-COLUMNS:]
    marked = {(s.row, s.publish.commit) for s in steps(history) if s.example == example}
    lines = [
        f'??? note "History: {len(history.publishes)} publish(es); a step is marked ▲▼"',
        "",
    ]
    for theme, palette in PALETTES.items():
        data = base64.b64encode(trend_svg(history, example, palette)).decode()
        lines.append(f"    ![Speedups at each publish](data:image/svg+xml;base64,{data}"
                     f"#only-{theme})")  # fmt: skip
    lines += ["", "    | Variant | " + " | ".join(p.commit[:7] for p in shown) + " |",
              "    |---|" + "---:|" * len(shown)]  # fmt: skip
    for row in list(history.publishes[-1].speedups.get(example, {}))[:SHOWN]:
        cells = []
        for p in shown:
            point = p.speedups[example].get(row)
            mark = " ▲▼" if (row, p.commit) in marked else ""
            cells.append("–" if point is None else ratio_text(point) + mark)
        lines.append(f"    | {row} | " + " | ".join(cells) + " |")
    lines += ["", "    Every step is listed, with what changed, on [What changed](/changes.md)."]
    return "\n".join(lines) + "\n"


def changes_page(history: History | None) -> str:
    """The "What changed" page's generated part: every step, newest first."""
    if history is None or not history.publishes:
        return (
            "*No history yet: each publish adds the speedups it measured "
            "(`python -m harness history`).*\n"
        )
    found = steps(history)
    said = [f"{len(history.publishes)} publish(es), from {history.publishes[0].commit[:7]} "
            f"({history.publishes[0].date[:10]}) to {history.publishes[-1].commit[:7]} "
            f"({history.publishes[-1].date[:10]}); {len(found)} step(s).", ""]  # fmt: skip
    for step in reversed(found):
        said += step_lines(step)
    return "\n".join(said) + "\n"


def step_lines(step: Step) -> list[str]:
    direction = "faster" if step.after.value > step.before.value else "slower"
    lines = [
        f"- **{step.example}**, {step.row}: {ratio_text(step.before)} → "
        f"{ratio_text(step.after)} ({direction}), at {step.publish.commit[:7]} "
        f"({step.publish.date[:10]})",
    ]
    if step.libraries:
        changed = ", ".join(f"{n} {a} → {b}" for n, (a, b) in sorted(step.libraries.items()))
        lines.append(f"    - libraries that changed with it: {changed}")
    for claim, holds in sorted(step.flipped.items()):
        lines.append(f"    - claim {'now holds' if holds else 'no longer holds'}: {claim}")
    return lines
