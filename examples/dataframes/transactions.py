# /// script
# requires-python = ">=3.11"
# dependencies = ["numpy>=2.1", "pandas>=2.2", "pyarrow>=18"]
# [tool.faster-python]
# test = ["--rows", "3"]
# ///
"""Make a realistic table of shop transactions, or read a real one.

The DataFrame examples transform this table. It is generated from a seed, so
every run and every machine gets the same rows, and cached as Parquet in
``.cache/`` beside this file: numbers, strings, categories and timestamps,
stores and products of unequal popularity, as in real sales data.
``python transactions.py --rows 5`` prints a few rows.

A real file works too (``--file sales.parquet`` or ``.csv``) if it has the
columns of ``COLUMNS``.
"""

import argparse
import os
from pathlib import Path

import numpy as np
import pandas as pd

CACHE = Path(__file__).resolve().parent / ".cache"
VERSION = (
    1  # part of the cached file's name: change it when the generator changes
)
COUNTRIES = ["DE", "FR", "NL", "ES", "IT", "PL"]
CATEGORIES = [
    "books",
    "garden",
    "games",
    "kitchen",
    "music",
    "office",
    "sports",
    "toys",
]
COLUMNS = {
    "id": "int64",
    "time": "datetime64[us]",
    "store": "category",
    "country": "category",
    "category": "category",
    "product": "string",
    "quantity": "int64",
    "unit_price": "float64",
    "discount": "float64",
}


def generate(rows: int, seed: int = 42) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    # a few busy stores, many quiet ones
    stores = rng.zipf(1.4, size=rows) % 300
    products = rng.zipf(1.2, size=rows) % 5000
    seconds = rng.integers(0, 365 * 86400, size=rows)
    quantity = np.where(
        rng.random(rows) < 0.85,
        rng.integers(1, 5, rows),
        rng.integers(5, 40, rows),
    )
    return pd.DataFrame(
        {
            "id": np.arange(rows, dtype=np.int64),
            "time": pd.Timestamp("2025-01-01")
            + pd.to_timedelta(seconds, unit="s"),
            "store": pd.Categorical([f"store-{s:03d}" for s in stores]),
            "country": pd.Categorical(
                np.array(COUNTRIES)[stores % len(COUNTRIES)]
            ),
            "category": pd.Categorical(
                np.array(CATEGORIES)[products % len(CATEGORIES)]
            ),
            "product": pd.array(
                [f"SKU-{p:05d}" for p in products], dtype="string"
            ),
            "quantity": quantity.astype(np.int64),
            "unit_price": np.round(rng.lognormal(2.5, 0.8, rows), 2),
            "discount": np.round(
                np.where(rng.random(rows) < 0.3, rng.uniform(0, 0.3, rows), 0),
                2,
            ),
        }
    ).astype(COLUMNS)


def sample_transactions(rows: int, seed: int = 42) -> Path:
    """The Parquet file of ``rows`` generated transactions, made on first use
    and cached."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"transactions-v{VERSION}-seed{seed}-{rows}.parquet"
    if not path.exists():
        # another run may write it too
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        generate(rows, seed).to_parquet(tmp, index=False)
        tmp.replace(path)
    return path


def read_transactions(path: Path) -> pd.DataFrame:
    """A table with the columns of COLUMNS, from Parquet or CSV."""
    path = Path(path)
    if not path.is_file():
        raise SystemExit(f"{path}: no such file")
    kind = "Parquet" if path.suffix == ".parquet" else "CSV"
    try:
        table = (
            pd.read_parquet(path) if kind == "Parquet" else pd.read_csv(path)
        )
    except (OSError, ValueError, UnicodeDecodeError) as error:
        # pyarrow's errors are ValueErrors (ArrowInvalid) or OSErrors too
        raise SystemExit(
            f"{path}: cannot read it as {kind} ({error})"
        ) from None
    missing = set(COLUMNS) - set(table.columns)
    if missing:
        raise SystemExit(f"{path}: no column {', '.join(sorted(missing))}")
    return table[list(COLUMNS)].astype(COLUMNS)


def load_transactions(rows: int, file: str | None = None) -> pd.DataFrame:
    return read_transactions(Path(file) if file else sample_transactions(rows))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5)
    parser.add_argument("--file", help="a real Parquet or CSV file instead")
    args = parser.parse_args()
    table = load_transactions(args.rows, args.file)
    with pd.option_context("display.width", 120, "display.max_columns", 20):
        print(table.head(args.rows))
        print(table.dtypes.to_string())
