"""Render one example's speedups as an SVG bar chart, in the site's light and dark palettes."""

import base64
import io

import matplotlib

matplotlib.use("Agg")  # files only, no window
import matplotlib.pyplot as plt

from harness.core import laws
from harness.core.records import Record
from harness.reporting.derived import best_speedup, speedup, speedup_of

PALETTES = {
    "light": {"text": "#1f2328", "grid": "#d0d7de", "bar": "#4051b5", "bound": "#e8710a"},
    "dark": {"text": "#e6edf3", "grid": "#30363d", "bar": "#8c9eff", "bound": "#ffab40"},
}


def style(salt: str, palette: dict) -> dict:
    """Matplotlib settings in a palette; ``salt`` (the example's id) keeps the SVG's
    ids stable from one render to the next, so an unchanged chart is not rewritten."""
    return {
        "svg.hashsalt": salt,
        "svg.fonttype": "none",
        "text.color": palette["text"],
        "axes.labelcolor": palette["text"],
        "xtick.color": palette["text"],
        "ytick.color": palette["text"],
        "axes.edgecolor": palette["grid"],
    }


def svg_of(fig) -> bytes:
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    return buffer.getvalue()


def speedup_svg(record: Record, palette: dict) -> bytes:
    variants = record.timed()
    names = [v.name for v in variants]
    found = [speedup_of(record, v) for v in variants]
    speedups = [r.value for r in found]
    # Error bars: each speedup's interval, where a rerun falls 95 % of the time.
    low = [0.0 if r.low is None else r.value - r.low for r in found]
    high = [0.0 if r.high is None else r.high - r.value for r in found]
    grouped = any(v.group for v in variants)
    with plt.rc_context(style(record.id, palette)):
        fig, ax = plt.subplots(figsize=(7, 0.45 * len(variants) + 1.2))
        fig.patch.set_alpha(0)
        ax.set_facecolor("none")
        rows = range(len(variants))
        ax.barh(
            rows,
            speedups,
            xerr=[low, high],
            color=palette["bar"],
            ecolor=palette["text"],
            capsize=2,
        )
        best = [best_speedup(record, v) for v in variants]
        if any(b is not None for b in best):
            ys = [y for y, b in zip(rows, best, strict=True) if b is not None]
            xs = [b for b in best if b is not None]
            ax.scatter(
                xs,
                ys,
                marker="|",
                s=300,
                color=palette["bound"],
                zorder=3,
                label="best possible (bound)",
            )
            ax.legend(loc="lower right", frameon=False)
        ax.axvline(1, color=palette["grid"], linewidth=1)
        ax.set_yticks(list(rows), names)
        ax.invert_yaxis()
        against = "the first of its group" if grouped else repr(names[0])
        ax.set_xlabel(f"speedup over {against} (higher is faster)")
        ax.grid(axis="x", color=palette["grid"], linewidth=0.5)
        ax.set_axisbelow(True)
        return svg_of(fig)


def scaling_svg(record: Record, palette: dict) -> bytes:
    """Measured speedup against workers, with the law's curve and the ideal line."""
    law, serial = record.table.law, record.table.serial_fraction
    predicted = laws.amdahl if law == "amdahl" else laws.gustafson
    # The baseline (often a plain loop, no pool) is the reference, not a point on the curve.
    points = sorted(
        (v.workers or 1, speedup(record, v)) for v in record.timed() if v.baseline != v.name
    )
    top = max(n for n, _ in points)
    curve = [n / 10 for n in range(10, top * 10 + 1)]
    with plt.rc_context(style(record.id, palette)):
        fig, ax = plt.subplots(figsize=(7, 4))
        fig.patch.set_alpha(0)
        ax.set_facecolor("none")
        ideal = "ideal (speedup = workers)"
        ax.plot(curve, curve, color=palette["grid"], linestyle=":", label=ideal)
        ax.plot(
            curve,
            [predicted(serial, n) for n in curve],
            color=palette["bound"],
            label=f"{law.capitalize()}'s law, serial fraction {serial:.2f}",
        )
        ax.plot(
            [n for n, _ in points],
            [s for _, s in points],
            marker="o",
            color=palette["bar"],
            label="measured",
        )
        ax.set_xlabel("workers")
        ax.set_ylabel("scaled speedup" if law == "gustafson" else "speedup")
        ax.legend(frameon=False)
        ax.grid(color=palette["grid"], linewidth=0.5)
        ax.set_axisbelow(True)
        return svg_of(fig)


def memory_svg(record: Record, palette: dict) -> bytes:
    """Peak memory against the size of each group's file, a line per reader, with the
    file's size and a quarter of it for reference."""
    files = record.description.input_bytes or {}
    readers: dict[str, list[tuple[float, float]]] = {}
    for v in record.timed():
        if v.group in files:
            reader = v.name.removeprefix(f"{v.group}: ")
            point = (files[v.group] / 2**20, record.of(v).peak_rss / 2**20)
            readers.setdefault(reader, []).append(point)
    sizes = sorted(files.values())
    with plt.rc_context(style(record.id, palette)):
        fig, ax = plt.subplots(figsize=(7, 4.2))
        fig.patch.set_alpha(0)
        ax.set_facecolor("none")
        span = [sizes[0] / 2**20, sizes[-1] / 2**20]
        ax.plot(span, span, color=palette["grid"], linestyle=":", label="the file's size")
        ax.plot(span, [s / 4 for s in span], color=palette["bound"], linestyle="--",
                label="a quarter of the file")  # fmt: skip
        for reader, points in readers.items():
            xs, ys = zip(*sorted(points), strict=True)
            ax.plot(xs, ys, marker="o", label=reader)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("size of the CSV file (MiB)")
        ax.set_ylabel("peak memory (MiB)")
        ax.legend(frameon=False, fontsize="small")
        ax.grid(color=palette["grid"], linewidth=0.5)
        ax.set_axisbelow(True)
        return svg_of(fig)


def render_plot(record: Record) -> str:
    """Markdown for both palettes; Material shows the one matching the reader's theme."""
    if not record.measured:
        return "<small>No plot: no variant could be measured on this machine.</small>\n"
    lines = []
    for theme, palette in PALETTES.items():
        draw = (
            memory_svg
            if record.table.plot == "memory by file size"
            else scaling_svg
            if record.table.law
            else speedup_svg
        )
        data = base64.b64encode(draw(record, palette)).decode()
        lines.append(
            f"![{'Peak memory' if draw is memory_svg else 'Speedup'} of each variant of "
            f"{record.id}]"
            f"(data:image/svg+xml;base64,{data}#only-{theme})"
        )
    return "\n".join(lines) + "\n"
