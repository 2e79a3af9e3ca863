# /// script
# requires-python = ">=3.11"
# dependencies = ["matplotlib>=3.9"]
# [tool.faster-python]
# test = ["{tmp}/example.svg"]
# ///
"""Draw a flame graph of memory (an icicle: callers on top) as an SVG file.

memray's own flame graph is an interactive HTML page; this draws a picture of
the same tree, from the same records, that a static page can show: each box a
line of code, as wide as the memory that line and what it called
held, its callees below it. ``stacks_to_tree`` builds the tree from
(stack, bytes) pairs, ``svg_of`` draws it. Run it with a file name to draw a
small made-up tree.
"""

import io
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no window
import matplotlib.pyplot as plt
from matplotlib.patches import Rectangle

# Box colours by where the code lives: the reader's own file, then libraries.
LIBRARIES = ("pandas", "numpy", "pyarrow")
COLOURS = {
    "this script": "#4c78a8",
    "pandas": "#f58518",
    "numpy": "#54a24b",
    "pyarrow": "#e45756",
    "elsewhere": "#9d9d9d",
}
WIDTH = 7.2  # inches: the page's column
ROW = 0.26  # inches per level of the stack
CHAR = 0.05  # inches per character at the label's font size, about


def stacks_to_tree(stacks, depth: int = 14) -> dict:
    """{"size", "children": {frame: node}} from (frames, bytes) pairs, each
    frame (function, filename, lineno), each stack outermost first; frames
    deeper than ``depth`` count in their ancestors only."""
    root = {"size": 0, "children": {}}
    for frames, size in stacks:
        node = root
        node["size"] += size
        for frame in frames[:depth]:
            node = node["children"].setdefault(
                frame, {"size": 0, "children": {}}
            )
            node["size"] += size
    return root


def label_of(frame: tuple) -> str:
    function, filename, lineno = frame
    return f"{function} {Path(filename).name}:{lineno}"


def owner(frame: tuple, script: Path) -> str:
    """Which colour a frame gets: the script's own, a library's or neither."""
    filename = frame[1]
    if Path(filename).resolve() == script:
        return "this script"
    return next(
        (lib for lib in LIBRARIES if f"/{lib}/" in filename), "elsewhere"
    )


def svg_of(tree: dict, title: str, script: Path, least: float = 0.005) -> str:
    """The tree as an SVG element; boxes under ``least`` of the whole are left
    out, as memray's page hides them until you zoom in."""
    # Text as text (small), and the same ids every run.
    with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": title}):
        levels = depth_of(tree, least)
        fig, ax = plt.subplots(figsize=(WIDTH, ROW * levels))
        fig.subplots_adjust(left=0, right=1)
        used = draw(ax, tree, script, least)
        ax.set_ylim(-levels - 0.1, 0)
        ax.set_title(title, fontsize=9, loc="left", pad=16)
        handles = [Rectangle((0, 0), 1, 1, facecolor=COLOURS[u]) for u in used]
        ax.legend(
            handles, used, ncols=len(COLOURS), fontsize=7, frameon=False,
            loc="lower left", bbox_to_anchor=(0, 0.99), borderaxespad=0,
        )  # fmt: skip
        buffer = io.StringIO()
        fig.savefig(
            buffer, format="svg", bbox_inches="tight", metadata={"Date": None}
        )
        plt.close(fig)
    svg = buffer.getvalue()
    # From <svg on: the element alone, which an HTML page can hold, after
    # whatever the script printed before it.
    return svg[svg.index("<svg") :]


def draw(ax, tree: dict, script: Path, least: float) -> list[str]:
    """Each box, its callees under it, largest first; the owners drawn."""
    whole = tree["size"] or 1
    used = set()

    def box(node: dict, label: str, colour: str, x: float, level: int) -> None:
        share = node["size"] / whole
        rectangle = Rectangle(
            (x, -level - 1), share, 0.9, facecolor=colour, edgecolor="white"
        )
        ax.add_patch(rectangle)
        fits = int(share * WIDTH / CHAR) - 1  # characters the box has room for
        held = f"{label}  {node['size'] / 2**20:.0f} MiB"
        text = held if len(held) <= fits else label
        if len(text) > fits:
            text = text[: fits - 1] + "…"
        if fits >= 4:
            written = ax.text(
                x + 0.004, -level - 0.55, text,
                va="center", fontsize=6.5, color="white",
            )  # fmt: skip
            written.set_clip_path(rectangle)  # a wider font stops at the edge
        for frame, child in sorted(
            node["children"].items(), key=lambda i: -i[1]["size"]
        ):
            if child["size"] / whole >= least:
                who = owner(frame, script)
                used.add(who)
                box(child, label_of(frame), COLOURS[who], x, level + 1)
            x += child["size"] / whole

    box(tree, "everything drawn", "#5d5d5d", 0.0, 0)
    ax.set_xlim(0, 1)
    ax.axis("off")
    return sorted(used, key=list(COLOURS).index)


def depth_of(node: dict, least: float, whole: float | None = None) -> int:
    """Levels of the tree, counting boxes of ``least`` of the whole or more."""
    whole = whole or node["size"] or 1
    drawn = [c for c in node["children"].values() if c["size"] / whole >= least]
    return 1 + max((depth_of(c, least, whole) for c in drawn), default=0)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: flame_graph.py OUT.svg")
    main, me = ("main", "me.py", 9), Path("me.py").resolve()
    made_up = [
        ([main, ("load", "me.py", 3), ("read_csv", "/pandas/io.py", 1)], 60),
        ([main, ("clean", "me.py", 5), ("copy", "/pandas/generic.py", 6)], 30),
        ([main, ("clean", "me.py", 6)], 10),
    ]
    tree = stacks_to_tree((stack, mib * 2**20) for stack, mib in made_up)
    svg = svg_of(tree, "A made-up program at its peak", me)
    Path(sys.argv[1]).write_text(svg)
    print(f"wrote {sys.argv[1]} ({len(svg):,} bytes)")
