# /// script
# requires-python = ">=3.11"
# dependencies = [
#     "numpy>=2.1", "pandas>=2.2", "pyarrow>=18", "memray>=1.15",
#     "matplotlib>=3.9",
# ]
# ///
"""Where a pandas pipeline's memory goes, and how far each step shrinks it.

One pipeline, the revenue of the last quarter by country and category, on a
CSV of generated sales (``--file`` for your own with the same columns). Each
row of the table runs it with one more way of saving memory: strings as
PyArrow's ``str`` instead of Python objects, no defensive copies, only the
columns it uses, categoricals and smaller integers, then chunks. Every row
returns the same totals; the harness records each one's peak memory.
``--show`` prints what tracemalloc, memray and ``memory_usage(deep=True)``
report for the same pipeline.
"""

import linecache
import sys
import tempfile
import tracemalloc
from pathlib import Path

import pandas as pd
from larger_than_memory import add_to, sample_files

STRINGS = ["store", "country", "category", "product"]
USED = ["time", "country", "category", "quantity", "unit_price", "discount"]
SMALL = {
    "country": "category",  # six values: a code of one byte each
    "category": "category",
    "quantity": "int8",  # 1 to 39: one byte, where int64 takes eight
}
SINCE = "2025-10-01"


# --8<-- [start:pipeline]
def revenue_by_country(sales: pd.DataFrame, copies: bool = False) -> dict:
    """Revenue of the last quarter by country and category."""
    if copies:
        # Before pandas 3, assign() copied every column, and code added
        # .copy() against SettingWithCopyWarning; these copies do the same.
        sales = sales.copy()
    sales = sales.assign(
        revenue=sales["quantity"]
        * sales["unit_price"]
        * (1 - sales["discount"])
    )  # pandas 3: the new frame shares the old one's columns (copy-on-write)
    if copies:
        sales = sales.copy()
    late = sales[sales["time"] >= SINCE]  # a boolean mask: a new, smaller frame
    by = late.groupby(["country", "category"], observed=True)["revenue"]
    return totals(by.size(), by.sum())


def totals(counts: pd.Series, sums: pd.Series) -> dict:
    """(country, category) -> (sales, revenue), sorted: every row's answer."""
    pairs = zip(counts.index, counts, sums, strict=True)
    return dict(
        sorted((f"{c}/{k}", (int(n), float(r))) for (c, k), n, r in pairs)
    )


# --8<-- [end:pipeline]


# --8<-- [start:steps]
def python_objects(path: str) -> dict:
    # Every string a Python object: pandas' default before 3.0.
    objects = dict.fromkeys(STRINGS, object)
    sales = pd.read_csv(path, parse_dates=["time"], dtype=objects)
    return revenue_by_country(sales, copies=True)


def arrow_strings(path: str) -> dict:
    # pandas 3's default: str columns stored by PyArrow, one buffer each. Left
    # to infer them, the C parser builds those buffers directly; naming the
    # dtype ("str") would make Python strings first and convert them.
    sales = pd.read_csv(path, parse_dates=["time"])
    return revenue_by_country(sales, copies=True)


def no_copies(path: str) -> dict:
    sales = pd.read_csv(path, parse_dates=["time"])
    return revenue_by_country(sales)


def used_columns(path: str) -> dict:
    sales = pd.read_csv(path, usecols=USED, parse_dates=["time"])
    return revenue_by_country(sales)


def smaller_types(path: str) -> dict:
    sales = pd.read_csv(path, usecols=USED, parse_dates=["time"], dtype=SMALL)
    return revenue_by_country(sales)


def in_chunks(path: str, rows: int = 100_000) -> dict:
    # One chunk in memory at a time: the same pipeline on each, its totals
    # added up.
    totals = {}
    for chunk in pd.read_csv(
        path, usecols=USED, parse_dates=["time"], dtype=SMALL, chunksize=rows
    ):
        for key, (sales, revenue) in revenue_by_country(chunk).items():
            add_to(totals, key, sales, revenue)
    return dict(sorted(totals.items()))


# --8<-- [end:steps]


def tiny_frame(path: str) -> None:
    # The str dtype starts PyArrow's memory pool, as every row here does.
    pd.DataFrame({"country": ["DE"]}, dtype="str").groupby("country").size()


# --8<-- [start:memory_usage]
def show_memory_usage(path: str) -> None:
    """What a DataFrame says it holds, column by column."""
    frames = {
        kind: pd.read_csv(
            path, parse_dates=["time"], dtype=dict.fromkeys(STRINGS, kind)
        )
        for kind in ("object", "str")
    }
    mib = 2**20
    print(f"{'column':<12}{'objects':>10}{'(shallow)':>11}{'str':>10}")
    for column in frames["object"].columns:
        deep = frames["object"][column].memory_usage(deep=True, index=False)
        shallow = frames["object"][column].memory_usage(index=False)
        arrow = frames["str"][column].memory_usage(deep=True, index=False)
        print(
            f"{column:<12}{deep / mib:>7.1f} MiB{shallow / mib:>7.1f} MiB"
            f"{arrow / mib:>7.1f} MiB"
        )
    total = {
        k: f.memory_usage(deep=True).sum() / mib for k, f in frames.items()
    }
    objects, arrow = total["object"], total["str"]
    print(f"{'all':<12}{objects:>7.1f} MiB{'':>11}{arrow:>7.1f} MiB")


# --8<-- [end:memory_usage]


# --8<-- [start:tracemalloc]
def show_tracemalloc(path: str) -> None:
    """What tracemalloc sees: allocations through Python's allocators, and the
    NumPy arrays that register themselves; not PyArrow's memory pool."""
    for name, step in [("objects", python_objects), ("str", no_copies)]:
        tracemalloc.start()
        step(path)
        _, peak = tracemalloc.get_traced_memory()  # (now, highest) in bytes
        tracemalloc.stop()
        print(f"{name}: tracemalloc's peak {peak / 2**20:.1f} MiB")
    # Where it is, while a frame is alive: the innermost frame is inside
    # pandas, so group by whole stacks and name the line of this script.
    tracemalloc.start(25)  # keep 25 frames of each allocation's stack
    sales = pd.read_csv(path, dtype=dict.fromkeys(STRINGS, object))
    snapshot = tracemalloc.take_snapshot()
    tracemalloc.stop()
    print(f"held by a frame of {len(sales):,} rows, by line of this script:")
    by_line = {}
    for stat in snapshot.statistics("traceback"):
        frames = [(f.filename, f.lineno) for f in reversed(stat.traceback)]
        line = our_line(frames)
        by_line[line] = by_line.get(line, 0) + stat.size
    print_largest(by_line)


# --8<-- [end:tracemalloc]


# --8<-- [start:memray]
def show_memray(path: str) -> None:
    """What memray sees: every allocation, PyArrow's too, with the Python
    line that made it; at the moment of the peak, the largest lines."""
    import memray
    import pyarrow as pa

    pools = {
        "PyArrow's own pool": None,
        "the system's malloc": pa.system_memory_pool(),
    }
    for name, pool in pools.items():
        if pool is not None:
            pa.set_memory_pool(pool)  # or ARROW_DEFAULT_MEMORY_POOL=system
        with tempfile.TemporaryDirectory() as folder:
            capture = Path(folder) / "pipeline.bin"
            with memray.Tracker(capture):  # as `memray run -o FILE script` does
                python_objects(path)
            reader = memray.FileReader(capture)
            records = reader.get_high_watermark_allocation_records()
            by_line = {}
            for record in records:
                frames = [(f, n) for _, f, n in record.stack_trace()]
                line = our_line(frames)
                by_line[line] = by_line.get(line, 0) + record.size
        peak = reader.metadata.peak_memory / 2**20
        print(f"with {name} ({pa.default_memory_pool().backend_name}):")
        print(f"  memray's peak {peak:.1f} MiB; held at the peak, by line:")
        print_largest(by_line)


# --8<-- [end:memray]


# --8<-- [start:flamegraph]
def show_flamegraph(path: str) -> None:
    """memray's flame graph at the peak, as an SVG on standard output
    after the workload's line (``--show flamegraph > peak.html`` opens in
    a browser): what `memray flamegraph` shows, for the pipeline's calls."""
    import memray
    import pyarrow as pa
    from flame_graph import stacks_to_tree, svg_of

    pa.set_memory_pool(pa.system_memory_pool())  # each allocation as made
    with tempfile.TemporaryDirectory() as folder:
        capture = Path(folder) / "pipeline.bin"
        with memray.Tracker(capture):
            python_objects(path)
        reader = memray.FileReader(capture)
        stacks = []
        for record in reader.get_high_watermark_allocation_records():
            frames = record.stack_trace()[::-1]  # outermost first
            names = [function for function, _, _ in frames]
            if "python_objects" in names:  # from the pipeline down
                start = names.index("python_objects")
                stacks.append((frames[start:], record.size))
    title = "Strings as Python objects, with copies: memory held at the peak"
    print(svg_of(stacks_to_tree(stacks), title, Path(__file__).resolve()))


# --8<-- [end:flamegraph]


def our_line(frames) -> str:
    """The innermost (filename, lineno) of this file in a stack, innermost
    first, as "line N: its code"."""
    here = Path(__file__).resolve()
    for filename, lineno in frames:
        if Path(filename).resolve() == here:
            code = linecache.getline(str(here), lineno).strip()
            return f"line {lineno}: {code}"
    return "elsewhere (imports, the interpreter)"


def print_largest(sizes: dict[str, int], count: int = 3) -> None:
    ranked = sorted(sizes.items(), key=lambda item: -item[1])
    largest = ranked[0][1] if ranked else 0
    for line, size in ranked[:count]:
        if size < largest / 100:
            break  # crumbs: the snapshot itself, an import
        print(f"  {size / 2**20:7.1f} MiB  {line[:62]}")


def workload(rows: int = 2_000_000, file: str = "") -> str:
    """The sales CSV, generated once and kept, or your own.

    rows: rows of the generated file
    file: a CSV of your own with the same columns instead
    """
    if file:
        if not Path(file).is_file():
            sys.exit(f"--file {file}: no such file")
        return file
    csv, _ = sample_files(rows)
    print(f"{rows:,} sales, {Path(csv).stat().st_size / 2**20:.0f} MiB of CSV")
    return csv


BENCHMARK = {
    "workload": workload,
    "sizes": {
        "smoke": {"rows": 20_000},
        "quick": {"rows": 1_200_000},
        "full": {"rows": 4_000_000},
    },
    "variants": {
        # What every row includes: Python, pandas, PyArrow and the harness.
        "nothing read": {"pandas and PyArrow, one tiny frame": tiny_frame},
        "the pipeline": {
            "strings as Python objects, with copies": python_objects,
            "str on PyArrow, with copies": arrow_strings,
            "str on PyArrow, no copies": no_copies,
            "only the columns used": used_columns,
            "and categoricals, int8": smaller_types,
            "and in chunks of 100,000 rows": in_chunks,
        },
    },
    "rel_tol": 1e-9,  # chunks add up the revenue in another order
    "table": {"memory": True},
    "transcripts": {
        "memory-usage": ["--show", "memory-usage"],
        "tracemalloc": ["--show", "tracemalloc"],
        "memray": ["--show", "memray"],
        "flamegraph": ["--show", "flamegraph"],
    },
}
SHOW = {
    "memory-usage": show_memory_usage,
    "tracemalloc": show_tracemalloc,
    "memray": show_memray,
    "flamegraph": show_flamegraph,
}


if __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parents[1]))  # side_by_side
    import side_by_side

    side_by_side.main(BENCHMARK, shows=SHOW)
