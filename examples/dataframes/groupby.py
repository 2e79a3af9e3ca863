# /// script
# requires-python = ">=3.11"
# dependencies = [
#     "numpy>=2.1",
#     "pandas>=2.2",
#     "pyarrow>=18",
#     "polars>=1.20",
#     "duckdb>=1.2",
# ]
# ///
"""Work per group: a Python function per group against built-in reductions, and
Polars and DuckDB.

Two questions about the same sales. Per store: how many sales, the revenue,
the mean discount and the share of bulk orders (``summary``). Per sale: its
share of its store's revenue (``share``), a column as long as the table.
Each is answered with ``groupby().apply`` and a Python function, with pandas'
built-in reductions (``agg``, ``transform``), with Polars expressions and
with DuckDB SQL; every way returns the same numbers.
"""

import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import polars as pl
from transactions import load_transactions

BULK = 10


def with_revenue(sales: pd.DataFrame) -> pd.DataFrame:
    return sales.assign(
        revenue=sales["quantity"]
        * sales["unit_price"]
        * (1 - sales["discount"]),
        bulk=sales["quantity"] >= BULK,
    )


def as_arrays(table) -> dict[str, np.ndarray]:
    """Columns as NumPy arrays, rows sorted by store: the form every variant
    returns."""
    if isinstance(table, pl.DataFrame):
        table = table.to_pandas()
    table = table.assign(store=table["store"].astype(str)).sort_values(
        "store", kind="stable"
    )
    return {name: table[name].to_numpy() for name in table.columns}


# --8<-- [start:summary_apply]
def summary_of(group: pd.DataFrame) -> pd.Series:
    """The summary of one store's sales, as a Python function."""
    return pd.Series(
        {
            "sales": len(group),
            "revenue": group["revenue"].sum(),
            "mean_discount": group["discount"].mean(),
            "bulk_share": group["bulk"].mean(),
        }
    )


def summary_with_apply(sales: pd.DataFrame) -> dict:
    table = (
        with_revenue(sales).groupby("store", observed=True).apply(summary_of)
    )
    return as_arrays(table.reset_index().astype({"sales": "int64"}))


# --8<-- [end:summary_apply]


# --8<-- [start:summary_agg]
def summary_with_agg(sales: pd.DataFrame) -> dict:
    table = (
        with_revenue(sales)
        .groupby("store", observed=True)
        .agg(
            sales=("id", "size"),
            revenue=("revenue", "sum"),
            mean_discount=("discount", "mean"),
            bulk_share=("bulk", "mean"),
        )
    )
    return as_arrays(table.reset_index())


# --8<-- [end:summary_agg]


# --8<-- [start:summary_polars]
REVENUE = pl.col("quantity") * pl.col("unit_price") * (1 - pl.col("discount"))


def summary_with_polars(sales: pl.DataFrame) -> dict:
    table = sales.group_by("store").agg(
        pl.len().cast(pl.Int64).alias("sales"),
        REVENUE.sum().alias("revenue"),
        pl.col("discount").mean().alias("mean_discount"),
        (pl.col("quantity") >= BULK).mean().alias("bulk_share"),
    )
    return as_arrays(table)


# --8<-- [end:summary_polars]


# --8<-- [start:summary_duckdb]
def summary_with_duckdb(sales: pd.DataFrame) -> dict:
    table = duckdb.sql(f"""
        SELECT store, count(*) AS sales,
               sum(quantity * unit_price * (1 - discount)) AS revenue,
               avg(discount) AS mean_discount,
               avg(CASE WHEN quantity >= {BULK} THEN 1.0 ELSE 0.0 END)
                   AS bulk_share
        FROM sales GROUP BY store
    """).df()
    return as_arrays(table)


# --8<-- [end:summary_duckdb]


# --8<-- [start:share]
def share_with_apply(sales: pd.DataFrame) -> np.ndarray:
    revenue = with_revenue(sales)
    per_store = revenue.groupby("store", observed=True, group_keys=False)
    return (
        per_store["revenue"]
        .apply(lambda r: r / r.sum())
        .sort_index()
        .to_numpy()
    )


def share_with_transform(sales: pd.DataFrame) -> np.ndarray:
    revenue = with_revenue(sales)["revenue"]
    # transform("sum"): each group's sum, repeated on every row of the group.
    return (
        revenue
        / revenue.groupby(sales["store"], observed=True).transform("sum")
    ).to_numpy()


def share_with_polars(sales: pl.DataFrame) -> np.ndarray:
    return (
        sales.select(REVENUE / REVENUE.sum().over("store"))
        .to_series()
        .to_numpy()
    )


def share_with_duckdb(sales: pd.DataFrame) -> np.ndarray:
    revenue = "quantity * unit_price * (1 - discount)"
    return duckdb.sql(
        f"SELECT {revenue} / sum({revenue}) OVER (PARTITION BY store) AS share "
        "FROM sales ORDER BY id"  # a window reorders rows: put them back
    ).fetchnumpy()["share"]


# --8<-- [end:share]


class Tables:
    def __init__(self, sales: pd.DataFrame):
        self.pandas = sales
        self.polars = pl.from_pandas(sales)


def workload(rows: int = 1_000_000, file: str | None = None) -> Tables:
    """The sales, in pandas and in Polars.

    rows: how many rows of generated sales
    file: a real Parquet or CSV file of sales instead
    """
    tables = Tables(load_transactions(rows, file))
    print(
        f"{len(tables.pandas):,} sales, {tables.pandas['store'].nunique()} "
        "stores"
    )
    return tables


SIZES = {
    "smoke": {"rows": 2_000},
    "quick": {"rows": 200_000},
    "full": {"rows": 1_000_000},
}

VARIANTS = {
    "summary per store": {
        "groupby().apply(a Python function)": lambda t: summary_with_apply(
            t.pandas
        ),
        "groupby().agg(built-in reductions)": lambda t: summary_with_agg(
            t.pandas
        ),
        "Polars group_by().agg": lambda t: summary_with_polars(t.polars),
        "DuckDB GROUP BY": lambda t: summary_with_duckdb(t.pandas),
    },
    "each sale's share of its store": {
        "groupby().apply(a lambda)": lambda t: share_with_apply(t.pandas),
        "groupby().transform('sum')": lambda t: share_with_transform(t.pandas),
        "Polars .over('store')": lambda t: share_with_polars(t.polars),
        "DuckDB window (OVER)": lambda t: share_with_duckdb(t.pandas),
    },
}


BENCHMARK = {
    "workload": workload,
    "sizes": SIZES,
    "variants": VARIANTS,
    # sums of a million floats, added in each engine's own order
    "rel_tol": 1e-9,
}


if __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parents[1]))  # side_by_side
    import side_by_side

    side_by_side.main(BENCHMARK)
