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
"""String columns: the same text work on Python objects, on PyArrow strings, in
Polars and DuckDB.

Product codes such as ``SKU-00713``: strip the prefix, keep the codes that
contain a 7, and add up their numbers. pandas stores strings as Python
objects (``object``), or in PyArrow arrays (``str``, the default from
pandas 3.0 where PyArrow is installed); Polars and DuckDB store them in their
own columnar formats. Every variant returns the same two numbers.
"""

import sys
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
from transactions import load_transactions


# --8<-- [start:python]
def with_python(codes: list[str]) -> tuple[int, int]:
    numbers = [code.removeprefix("SKU-") for code in codes]
    with_seven = [int(n) for n in numbers if "7" in n]
    return sum(with_seven), len(with_seven)


# --8<-- [end:python]


# --8<-- [start:pandas]
def with_pandas(codes: pd.Series) -> tuple[int, int]:
    """The same .str calls whatever the dtype: object, str (PyArrow) or
    string."""
    numbers = codes.str.removeprefix("SKU-")
    with_seven = numbers[numbers.str.contains("7", regex=False)].astype("int64")
    return int(with_seven.sum()), len(with_seven)


# --8<-- [end:pandas]


# --8<-- [start:polars]
def with_polars(codes: pl.Series) -> tuple[int, int]:
    numbers = codes.str.strip_prefix("SKU-")
    with_seven = numbers.filter(numbers.str.contains("7", literal=True)).cast(
        pl.Int64
    )
    return int(with_seven.sum()), len(with_seven)


# --8<-- [end:polars]


# --8<-- [start:duckdb]
def with_duckdb(sales: pd.DataFrame) -> tuple[int, int]:
    total, count = duckdb.sql("""
        SELECT sum(CAST(n AS BIGINT)), count(*)
        FROM (SELECT replace(product, 'SKU-', '') AS n FROM sales)
        WHERE contains(n, '7')
    """).fetchall()[0]
    return int(total), count


# --8<-- [end:duckdb]


class Codes:
    """The product codes in each representation, converted once, untimed."""

    def __init__(self, sales: pd.DataFrame):
        codes = sales["product"].astype(str)
        self.sales = sales[["product"]].astype({"product": "str"})
        self.python = codes.tolist()
        self.objects = codes.astype(object)
        self.pyarrow = codes.astype(
            pd.StringDtype("pyarrow", na_value=float("nan"))
        )
        self.python_strings = codes.astype(pd.StringDtype("python"))
        self.polars = pl.Series("product", self.python)


def workload(rows: int = 2_000_000, file: str | None = None) -> Codes:
    """The sales' product codes, held in each of the ways compared.

    rows: how many rows of generated sales
    file: a real Parquet or CSV file of sales instead
    """
    codes = Codes(load_transactions(rows, file))
    print(f"{len(codes.python):,} product codes; pandas {pd.__version__}")
    return codes


SIZES = {
    "smoke": {"rows": 2_000},
    "quick": {"rows": 100_000},
    "full": {"rows": 2_000_000},
}
VARIANTS = {
    "Python list comprehension": lambda c: with_python(c.python),
    "pandas, object dtype (the default before 3.0)": lambda c: with_pandas(
        c.objects
    ),
    "pandas, str dtype on PyArrow (the default from 3.0)": lambda c: (
        with_pandas(c.pyarrow)
    ),
    "pandas, string dtype on Python objects": lambda c: with_pandas(
        c.python_strings
    ),
    "Polars": lambda c: with_polars(c.polars),
    "DuckDB": lambda c: with_duckdb(c.sales),
}


BENCHMARK = {"workload": workload, "sizes": SIZES, "variants": VARIANTS}


if __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parents[1]))  # side_by_side
    import side_by_side

    side_by_side.main(BENCHMARK)
