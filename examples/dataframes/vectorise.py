# /// script
# requires-python = ">=3.11"
# dependencies = [
#     "numpy>=2.1", "pandas>=2.2", "pyarrow>=18",
#     "numba>=0.61", "polars>=1.20", "duckdb>=1.2",
# ]
# ///
"""One transformation of a DataFrame, written the ways people write it, from
iterrows to SQL.

The gross amount of each sale: quantity × unit price × (1 − discount), 5 %
off for 10 items or more, plus the VAT of the store's country. Row by row
with ``iterrows``, ``itertuples``, ``apply(axis=1)`` and a comprehension;
with whole columns in pandas, NumPy and Numba; as Polars expressions (eager
and lazy) and as DuckDB SQL on the same table. Every variant returns the
same amounts. ``--file`` reads a real Parquet or CSV file instead.
"""

import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import polars as pl
from numba import njit
from transactions import load_transactions

VAT = {"DE": 0.19, "FR": 0.20, "NL": 0.21, "ES": 0.21, "IT": 0.22, "PL": 0.23}
BULK = 10  # items from which the bulk discount applies


# --8<-- [start:rowwise]
def gross_of(quantity, unit_price, discount, country) -> float:
    """One sale, the way the business states the rule."""
    amount = quantity * unit_price * (1 - discount)
    if quantity >= BULK:
        amount *= 0.95
    return amount * (1 + VAT[country])


def with_iterrows(sales: pd.DataFrame) -> np.ndarray:
    # Each row becomes a Series: a new object, its values boxed, for every row.
    return np.array(
        [
            gross_of(
                row["quantity"],
                row["unit_price"],
                row["discount"],
                row["country"],
            )
            for _, row in sales.iterrows()
        ]
    )


def with_itertuples(sales: pd.DataFrame) -> np.ndarray:
    return np.array(
        [
            gross_of(row.quantity, row.unit_price, row.discount, row.country)
            for row in sales.itertuples(index=False)
        ]
    )


def with_apply(sales: pd.DataFrame) -> np.ndarray:
    return sales.apply(
        lambda row: gross_of(
            row["quantity"], row["unit_price"], row["discount"], row["country"]
        ),
        axis=1,
    ).to_numpy()


def with_comprehension(sales: pd.DataFrame) -> np.ndarray:
    columns = (
        sales["quantity"],
        sales["unit_price"],
        sales["discount"],
        sales["country"],
    )
    return np.array(
        [gross_of(*values) for values in zip(*columns, strict=True)]
    )


# --8<-- [end:rowwise]


# --8<-- [start:columns]
def with_pandas_columns(sales: pd.DataFrame) -> np.ndarray:
    amount = sales["quantity"] * sales["unit_price"] * (1 - sales["discount"])
    amount = amount.where(sales["quantity"] < BULK, amount * 0.95)
    # a category maps once per category
    vat = sales["country"].map(VAT).astype("float64")
    return (amount * (1 + vat)).to_numpy()


def with_numpy(sales: pd.DataFrame) -> np.ndarray:
    quantity = sales["quantity"].to_numpy()
    amount = (
        quantity
        * sales["unit_price"].to_numpy()
        * (1 - sales["discount"].to_numpy())
    )
    amount = np.where(quantity >= BULK, amount * 0.95, amount)
    # Categories are small integer codes: look each country's rate up by its
    # code.
    codes = sales["country"].cat.codes.to_numpy()
    rates = np.array([VAT[c] for c in sales["country"].cat.categories])
    return amount * (1 + rates[codes])


# --8<-- [end:columns]


# --8<-- [start:numba]
@njit(cache=True)
def gross_kernel(quantity, unit_price, discount, codes, rates):
    out = np.empty(quantity.size)
    # a plain loop, compiled: no temporary arrays
    for i in range(quantity.size):
        amount = quantity[i] * unit_price[i] * (1 - discount[i])
        if quantity[i] >= BULK:
            amount *= 0.95
        out[i] = amount * (1 + rates[codes[i]])
    return out


def with_numba(sales: pd.DataFrame) -> np.ndarray:
    rates = np.array([VAT[c] for c in sales["country"].cat.categories])
    return gross_kernel(
        sales["quantity"].to_numpy(),
        sales["unit_price"].to_numpy(),
        sales["discount"].to_numpy(),
        sales["country"].cat.codes.to_numpy(),
        rates,
    )


# --8<-- [end:numba]


# --8<-- [start:polars]
def gross_expression() -> pl.Expr:
    amount = (
        pl.col("quantity") * pl.col("unit_price") * (1 - pl.col("discount"))
    )
    amount = (
        pl.when(pl.col("quantity") >= BULK)
        .then(amount * 0.95)
        .otherwise(amount)
    )
    vat = (
        pl.col("country")
        .cast(pl.String)
        .replace_strict(VAT, return_dtype=pl.Float64)
    )
    return (amount * (1 + vat)).alias("gross")


def with_polars(sales: pl.DataFrame) -> np.ndarray:
    return sales.select(gross_expression())["gross"].to_numpy()


def with_polars_lazy(sales: pl.DataFrame) -> np.ndarray:
    # Lazy: the whole query is optimised first; collect() streams (Polars 2+).
    return sales.lazy().select(gross_expression()).collect()["gross"].to_numpy()


# --8<-- [end:polars]


# --8<-- [start:duckdb]
VAT_CASE = " ".join(f"WHEN '{c}' THEN {rate}" for c, rate in VAT.items())
GROSS_SQL = f"""
    SELECT quantity * unit_price * (1 - discount)
           * (CASE WHEN quantity >= {BULK} THEN 0.95 ELSE 1 END)
           * (1 + CASE CAST(country AS VARCHAR) {VAT_CASE} END) AS gross
    FROM sales
"""


def with_duckdb(sales: pd.DataFrame) -> np.ndarray:
    # DuckDB reads the pandas DataFrame in place, by its variable name.
    return duckdb.sql(GROSS_SQL).fetchnumpy()["gross"]


# --8<-- [end:duckdb]


class Tables:
    """The same sales as a pandas DataFrame and as a Polars one (converted once,
    untimed)."""

    def __init__(self, sales: pd.DataFrame):
        self.pandas = sales
        self.polars = pl.from_pandas(sales)


def workload(rows: int = 100_000, file: str | None = None) -> Tables:
    """The sales, in pandas and in Polars.

    rows: how many rows of generated sales
    file: a real Parquet or CSV file of sales instead
    """
    tables = Tables(load_transactions(rows, file))
    print(
        f"{len(tables.pandas):,} sales; pandas {pd.__version__}, Polars "
        f"{pl.__version__}, "
        f"DuckDB {duckdb.__version__}"
    )
    return tables


SIZES = {
    "smoke": {"rows": 2_000},
    "quick": {"rows": 8_000},
    "full": {"rows": 100_000},
}


VARIANTS = {
    "iterrows": lambda t: with_iterrows(t.pandas),
    "itertuples": lambda t: with_itertuples(t.pandas),
    "apply(axis=1)": lambda t: with_apply(t.pandas),
    "comprehension over columns": lambda t: with_comprehension(t.pandas),
    "pandas columns": lambda t: with_pandas_columns(t.pandas),
    "NumPy arrays": lambda t: with_numpy(t.pandas),
    "Numba on the arrays": lambda t: with_numba(t.pandas),
    # Polars and DuckDB run a thread per core by default: priced on every core.
    "Polars, eager": {"run": lambda t: with_polars(t.polars), "cores": "all"},
    "Polars, lazy": {
        "run": lambda t: with_polars_lazy(t.polars),
        "cores": "all",
    },
    "DuckDB SQL": {"run": lambda t: with_duckdb(t.pandas), "cores": "all"},
}

BENCHMARK = {
    "workload": workload,
    "sizes": SIZES,
    "variants": VARIANTS,
    # the same arithmetic; engines may round the last bit differently
    "rel_tol": 1e-12,
    "table": {
        "cost": True
    },  # the cost page compares what each way costs to run
}


if __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parents[1]))  # side_by_side
    import side_by_side

    side_by_side.main(BENCHMARK)
