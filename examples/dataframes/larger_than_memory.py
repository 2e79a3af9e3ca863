# /// script
# requires-python = ">=3.11"
# dependencies = [
#     "numpy>=2.1", "pandas>=2.2", "pyarrow>=18", "polars>=1.20", "duckdb>=1.2",
#     "dask[dataframe]>=2025.1",
# ]
# ///
"""A file larger than the memory you can spare: the same sum read whole, in
chunks, or streamed.

Revenue and number of sales per product category, from a CSV of sales (forty
million rows at full size, over three gigabytes) and from the same data as
Parquet. pandas reads the whole file, or only the columns it needs, or chunks of
it; PyArrow datasets, Polars (streaming), DuckDB and Dask read it piece by
piece. The table puts peak memory beside the time; the script prints the files'
sizes first. Engines are imported inside each function, and the data generator
(which imports pandas) only to make the files, so that a variant's memory is
its own engine's plus the interpreter's (its own row). ``--file`` takes a real
CSV of sales instead.
"""

import os
import sys
from pathlib import Path

COLUMNS = ["category", "quantity", "unit_price", "discount"]
CHUNK_ROWS = 1_000_000


def totals_from(category, count, revenue) -> dict[str, tuple[int, float]]:
    """category -> (sales, revenue), sorted: the form every variant returns."""
    rows = zip(category, count, revenue, strict=True)
    return dict(sorted((str(c), (int(n), float(r))) for c, n, r in rows))


def add_to(totals: dict, category, sales: int, revenue: float) -> None:
    """Running totals for the readers that go piece by piece: category ->
    (sales, revenue)."""
    old_sales, old_revenue = totals.get(category, (0, 0.0))
    totals[category] = (old_sales + sales, old_revenue + revenue)


def sorted_totals(totals: dict) -> dict[str, tuple[int, float]]:
    return totals_from(totals, *zip(*totals.values(), strict=True))


# --8<-- [start:pandas]
def pandas_whole_file(path: str) -> dict:
    import pandas as pd

    sales = (
        pd.read_csv(path) if path.endswith(".csv") else pd.read_parquet(path)
    )
    return pandas_totals(sales)


def pandas_totals(sales) -> dict:
    revenue = sales["quantity"] * sales["unit_price"] * (1 - sales["discount"])
    by = revenue.groupby(sales["category"], observed=True)
    return totals_from(by.size().index, by.size(), by.sum())


def pandas_needed_columns(path: str) -> dict:
    import pandas as pd

    if path.endswith(".csv"):
        return pandas_totals(pd.read_csv(path, usecols=COLUMNS))
    # Parquet stores by column
    return pandas_totals(pd.read_parquet(path, columns=COLUMNS))


def pandas_chunks(path: str) -> dict:
    """chunksize: an iterator of DataFrames; keep running totals, drop each
    chunk."""
    import pandas as pd

    totals = {}
    for chunk in pd.read_csv(path, usecols=COLUMNS, chunksize=CHUNK_ROWS):
        for category, (sales, revenue) in pandas_totals(chunk).items():
            add_to(totals, category, sales, revenue)
    return sorted_totals(totals)


# --8<-- [end:pandas]


# --8<-- [start:pyarrow]
def pyarrow_batches(path: str) -> dict:
    """A dataset scanned in record batches; each batch summed, then the sums
    added."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    dataset = ds.dataset(
        path, format="csv" if path.endswith(".csv") else "parquet"
    )
    totals = {}
    for batch in dataset.to_batches(columns=COLUMNS):
        amount = pc.multiply(
            pc.multiply(batch["quantity"], batch["unit_price"]),
            pc.subtract(1, batch["discount"]),
        )
        table = pa.table({"category": batch["category"], "amount": amount})
        summed = table.group_by("category").aggregate(
            [("amount", "count"), ("amount", "sum")]
        )
        columns = ("category", "amount_count", "amount_sum")
        for category, sales, revenue in zip(
            *(summed[c].to_pylist() for c in columns), strict=True
        ):
            add_to(totals, category, sales, revenue)
    return sorted_totals(totals)


# --8<-- [end:pyarrow]


# --8<-- [start:polars]
def polars_streaming(path: str) -> dict:
    import polars as pl

    scan = pl.scan_csv(path) if path.endswith(".csv") else pl.scan_parquet(path)
    revenue = (
        pl.col("quantity") * pl.col("unit_price") * (1 - pl.col("discount"))
    )
    table = (
        scan.group_by("category")
        .agg(pl.len().alias("sales"), revenue.sum().alias("revenue"))
        # in batches, never the whole file in memory
        .collect(engine="streaming")
    )
    return totals_from(table["category"], table["sales"], table["revenue"])


# --8<-- [end:polars]


# --8<-- [start:duckdb]
def duckdb_on_the_file(path: str) -> dict:
    import duckdb

    reader = "read_csv" if path.endswith(".csv") else "read_parquet"
    rows = duckdb.sql(f"""
        SELECT category, count(*), sum(quantity * unit_price * (1 - discount))
        FROM {reader}('{path}') GROUP BY category
    """).fetchall()
    return totals_from(*zip(*rows, strict=True))


# --8<-- [end:duckdb]


# --8<-- [start:dask]
def dask_dataframe(path: str) -> dict:
    import dask.dataframe as dd

    sales = dd.read_csv(path, usecols=COLUMNS, blocksize="64MB")
    sales = sales.assign(
        revenue=sales["quantity"]
        * sales["unit_price"]
        * (1 - sales["discount"])
    )
    by = sales.groupby("category")["revenue"].agg(["count", "sum"]).compute()
    return totals_from(by.index, by["count"], by["sum"])


# --8<-- [end:dask]


def sample_files(rows: int, seed: int = 7) -> tuple[str, str]:
    """A CSV and a Parquet file of ``rows`` generated sales, written in batches
    and cached."""
    from transactions import CACHE

    CACHE.mkdir(parents=True, exist_ok=True)
    stem = CACHE / f"sales-seed{seed}-{rows}"
    csv, parquet = stem.with_suffix(".csv"), stem.with_suffix(".parquet")
    if not (csv.exists() and parquet.exists()):
        write_files(rows, seed, csv, parquet)
    return str(csv), str(parquet)


def write_files(rows: int, seed: int, csv: Path, parquet: Path) -> None:
    """Generate the sales in batches into both files: complete, or absent."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq
    from transactions import generate

    tmp = {
        p: p.with_suffix(f".{os.getpid()}{p.suffix}.tmp")
        for p in (csv, parquet)
    }
    csv_writer = parquet_writer = None
    for batch, start in enumerate(range(0, rows, CHUNK_ROWS)):
        frame = generate(
            min(CHUNK_ROWS, rows - start), seed=seed * 100_000 + batch
        )
        frame = frame.assign(id=frame["id"] + start)
        table = pa.Table.from_pandas(frame, preserve_index=False)
        csv_writer = csv_writer or pacsv.CSVWriter(tmp[csv], table.schema)
        parquet_writer = parquet_writer or pq.ParquetWriter(
            tmp[parquet], table.schema
        )
        csv_writer.write_table(table)
        parquet_writer.write_table(table)
    csv_writer.close()
    parquet_writer.close()
    for final, part in tmp.items():
        part.replace(final)  # never leave half a file behind


class Files:
    def __init__(self, csv: str, parquet: str):
        self.csv, self.parquet = csv, parquet


def workload(rows: int = 40_000_000, file: str | None = None) -> Files:
    """A CSV and a Parquet file of the same sales, made once and kept.

    rows: how many rows of generated sales
    file: a real CSV file of sales instead
    """
    if file and not Path(file).is_file():
        raise SystemExit(f"{file}: no such file")
    csv, parquet = (file, file) if file else sample_files(rows)
    for path in dict.fromkeys([csv, parquet]):
        print(f"{Path(path).name}: {os.path.getsize(path) / 2**20:,.0f} MiB")
    return Files(csv, parquet)


def file_sizes(size: dict) -> dict[str, int]:
    """Bytes on disk of each file the variants read: peak memory is read against
    them."""
    files = workload(**size)
    return {
        "CSV": os.path.getsize(files.csv),
        "Parquet": os.path.getsize(files.parquet),
    }


SIZES = {
    "smoke": {"rows": 20_000},
    "quick": {"rows": 400_000},
    "full": {"rows": 40_000_000},
}
VARIANTS = {
    # What every row includes: an interpreter, and the harness around it.
    "Nothing read": {"the interpreter alone": lambda f: None},
    "CSV": {
        "pandas, the whole file": lambda f: pandas_whole_file(f.csv),
        "pandas, only the columns needed": lambda f: pandas_needed_columns(
            f.csv
        ),
        "pandas, chunks (chunksize)": lambda f: pandas_chunks(f.csv),
        "PyArrow dataset, in batches": lambda f: pyarrow_batches(f.csv),
        "Polars scan_csv, streaming": lambda f: polars_streaming(f.csv),
        "DuckDB on the file": lambda f: duckdb_on_the_file(f.csv),
        "Dask dataframe": lambda f: dask_dataframe(f.csv),
    },
    "Parquet": {
        "pandas, the whole file": lambda f: pandas_whole_file(f.parquet),
        "pandas, only the columns needed": lambda f: pandas_needed_columns(
            f.parquet
        ),
        "PyArrow dataset, in batches": lambda f: pyarrow_batches(f.parquet),
        "Polars scan_parquet, streaming": lambda f: polars_streaming(f.parquet),
        "DuckDB on the file": lambda f: duckdb_on_the_file(f.parquet),
    },
}


BENCHMARK = {
    "workload": workload,
    "sizes": SIZES,
    "variants": VARIANTS,
    "table": {"memory": True},  # peak memory is the point of this page
    "input_bytes": file_sizes,
    # sums of millions of amounts, added in each engine's order
    "rel_tol": 1e-9,
}


if __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parents[1]))  # side_by_side
    import side_by_side

    side_by_side.main(BENCHMARK)
