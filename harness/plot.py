"""Render one example's speedups as an SVG bar chart, in the site's light and dark palettes."""

import base64
import io

import matplotlib

matplotlib.use("Agg")  # files only, no window
import matplotlib.pyplot as plt

from harness.table import effective_bound

PALETTES = {
    "light": {"text": "#1f2328", "grid": "#d0d7de", "bar": "#4051b5", "bound": "#e8710a"},
    "dark": {"text": "#e6edf3", "grid": "#30363d", "bar": "#8c9eff", "bound": "#ffab40"},
}


def speedup_svg(record: dict, palette: dict) -> bytes:
    variants = record["variants"]
    base = variants[0]["wall"]["median"]
    names = [v["name"] for v in variants]
    speedups = [base / v["wall"]["median"] for v in variants]
    # Error bars: the speedup at the first and third quartile of the wall time.
    low = [
        base / v["wall"]["median"] - base / (v["wall"]["median"] + v["wall"]["iqr"] / 2)
        for v in variants
    ]
    high = [
        base / max(v["wall"]["median"] - v["wall"]["iqr"] / 2, 1e-9) - base / v["wall"]["median"]
        for v in variants
    ]
    with plt.rc_context(
        {
            "svg.hashsalt": record["id"],
            "svg.fonttype": "none",
            "text.color": palette["text"],
            "axes.labelcolor": palette["text"],
            "xtick.color": palette["text"],
            "ytick.color": palette["text"],
            "axes.edgecolor": palette["grid"],
        }
    ):
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
        bounds = [effective_bound(v, variants[0]) for v in variants]
        if any(b is not None for b in bounds):
            ys = [y for y, b in zip(rows, bounds, strict=True) if b is not None]
            xs = [base / b for b in bounds if b is not None]
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
        ax.set_xlabel(f"speedup over {names[0]!r} (higher is faster)")
        ax.grid(axis="x", color=palette["grid"], linewidth=0.5)
        ax.set_axisbelow(True)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None})
        plt.close(fig)
    return buffer.getvalue()


def render_plot(record: dict) -> str:
    """Markdown for both palettes; Material shows the one matching the reader's theme."""
    lines = []
    for theme, palette in PALETTES.items():
        data = base64.b64encode(speedup_svg(record, palette)).decode()
        lines.append(
            f"![Speedup of each variant of {record['id']}]"
            f"(data:image/svg+xml;base64,{data}#only-{theme})"
        )
    return "\n".join(lines) + "\n"
