# /// script
# requires-python = ">=3.11"
# dependencies = [
#     "numpy>=2.1", "pandas>=2.2", "pyarrow>=18", "polars>=1.20", "duckdb>=1.2",
#     "orjson>=3.10", "msgspec>=0.19",
# ]
# ///
"""Reading data faster: the same sales from CSV with pandas' options, and from
the same data converted once to Parquet and Feather; nested event logs from
JSON lines with five readers.

Every sales reader returns the number of sales and the revenue per product
category, every events reader the number of events and their value per
country, and each is checked against the first of its group. The table puts
peak memory beside the time, and the files' sizes under it. Engines are
imported inside each function, so that a row's memory is its own engine's.
``--file`` takes a real CSV of sales instead of the generated one.
"""

import json
import os
import sys
from pathlib import Path

from larger_than_memory import (
    COLUMNS,
    add_to,
    duckdb_on_the_file,
    pandas_totals,
    sample_files,
    sorted_totals,
    totals_from,
)

# What each column holds, said up front: the reader skips guessing, and
# repeated strings become one small code each (a categorical).
DTYPES = {
    "category": "category",
    "quantity": "int32",
    "unit_price": "float64",
    "discount": "float64",
}


# --8<-- [start:csv]
def pandas_defaults(path: str) -> dict:
    import pandas as pd

    return pandas_totals(pd.read_csv(path))


def pandas_pyarrow_engine(path: str) -> dict:
    import pandas as pd

    return pandas_totals(pd.read_csv(path, engine="pyarrow"))


def pandas_columns_and_dtypes(path: str) -> dict:
    import pandas as pd

    return pandas_totals(pd.read_csv(path, usecols=COLUMNS, dtype=DTYPES))


def pandas_arrow_backed(path: str) -> dict:
    import pandas as pd

    sales = pd.read_csv(
        path, usecols=COLUMNS, engine="pyarrow", dtype_backend="pyarrow"
    )
    return pandas_totals(sales)


def polars_read_csv(path: str) -> dict:
    import polars as pl

    sales = pl.read_csv(path, columns=COLUMNS)
    revenue = sales["quantity"] * sales["unit_price"] * (1 - sales["discount"])
    table = (
        sales.with_columns(revenue=revenue)
        .group_by("category")
        .agg(pl.len().alias("sales"), pl.col("revenue").sum())
    )
    return totals_from(table["category"], table["sales"], table["revenue"])


# --8<-- [end:csv]


# --8<-- [start:converted]
def convert_once(parquet: str, feather: Path) -> None:
    """Feather is Arrow's own file format (Arrow IPC): written once from the
    Parquet file, here with pyarrow."""
    import pyarrow.feather
    import pyarrow.parquet

    tmp = feather.with_suffix(f".{os.getpid()}.tmp")
    pyarrow.feather.write_feather(pyarrow.parquet.read_table(parquet), tmp)
    tmp.replace(feather)


def pandas_parquet(path: str) -> dict:
    import pandas as pd

    return pandas_totals(pd.read_parquet(path, columns=COLUMNS))


def pandas_feather(path: str) -> dict:
    import pandas as pd

    return pandas_totals(pd.read_feather(path, columns=COLUMNS))


# --8<-- [end:converted]


# --8<-- [start:events]
def line_by_line(path: str, loads=json.loads) -> dict:
    """One dict per line: ``json.loads``, or ``orjson.loads`` in its place."""
    totals = {}
    with open(path, "rb") as lines:
        for line in lines:
            event = loads(line)
            add_to(totals, event["user"]["country"], 1, event["value"])
    return sorted_totals(totals)


def with_orjson(path: str) -> dict:
    import orjson

    return line_by_line(path, orjson.loads)


def with_msgspec(path: str) -> dict:
    """Typed: each line decoded straight into Event objects, checked as it is
    read, with no dict in between."""
    import msgspec

    class User(msgspec.Struct):
        id: int
        country: str

    class Event(msgspec.Struct):
        time: str
        user: User
        kind: str
        value: float

    totals = {}
    with open(path, "rb") as lines:
        for event in msgspec.json.Decoder(Event).decode_lines(lines.read()):
            add_to(totals, event.user.country, 1, event.value)
    return sorted_totals(totals)


def with_pandas(path: str) -> dict:
    import pandas as pd

    events = pd.read_json(path, lines=True)  # "user" stays a column of dicts
    by = events["value"].groupby(events["user"].str["country"])
    return totals_from(by.size().index, by.size(), by.sum())


def with_polars(path: str) -> dict:
    import polars as pl

    table = (
        pl.read_ndjson(path)  # "user" becomes a struct column
        .group_by(country=pl.col("user").struct.field("country"))
        .agg(pl.len().alias("events"), pl.col("value").sum())
    )
    return totals_from(table["country"], table["events"], table["value"])


# --8<-- [end:events]

COUNTRIES = ["DE", "FR", "NL", "ES", "IT", "PL", "SE", "PT"]
KINDS = ["view", "view", "view", "click", "click", "buy"]


def events_file(count: int, seed: int = 11) -> str:
    """``count`` generated events, one JSON object a line, made once and cached:
    nested (a user inside each event), as application logs are."""
    import random

    from transactions import CACHE

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"events-seed{seed}-{count}.jsonl"
    if not path.exists():
        rng = random.Random(seed)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "w") as out:
            for n in range(count):
                user = rng.randrange(50_000)
                event = {
                    "time": f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}T12:00:00",
                    "user": {"id": user, "country": COUNTRIES[user % 8]},
                    "kind": rng.choice(KINDS),
                    "value": round(rng.lognormvariate(1.0, 0.7), 2),
                }
                out.write(json.dumps(event) + "\n")
        tmp.replace(path)
    return str(path)


def converted_copy(file: str) -> str:
    """A Parquet copy of the reader's own CSV, made once in the cache (never
    beside their file)."""
    from transactions import CACHE

    path = Path(file)
    if not path.is_file():
        raise SystemExit(f"{file}: no such file")
    stat = path.stat()
    copy = CACHE / f"{path.stem}-{stat.st_size}-{stat.st_mtime_ns}.parquet"
    if not copy.exists():
        import pyarrow.csv
        import pyarrow.parquet

        CACHE.mkdir(parents=True, exist_ok=True)
        try:
            table = pyarrow.csv.read_csv(file)
        except (OSError, ValueError) as error:  # ArrowInvalid is a ValueError
            said = f"{file}: cannot read it as CSV ({error})"
            raise SystemExit(said) from None
        missing = set(COLUMNS) - set(table.column_names)
        if missing:
            raise SystemExit(f"{file}: no column {', '.join(sorted(missing))}")
        pyarrow.parquet.write_table(table, copy)
    return str(copy)


class Files:
    def __init__(self, csv: str, parquet: str, feather: str, events: str):
        self.csv, self.parquet = csv, parquet
        self.feather, self.events = feather, events


def workload(
    rows: int = 40_000_000, events: int = 4_000_000, file: str | None = None
) -> Files:
    """The same sales as CSV, Parquet and Feather, and a file of events.

    rows: how many rows of generated sales
    events: how many generated events, as JSON lines
    file: a real CSV file of sales instead (its Parquet copy is made once)
    """
    if file:
        csv, parquet = file, converted_copy(file)
    else:
        csv, parquet = sample_files(rows)
    feather = Path(parquet).with_suffix(".feather")
    if not feather.exists():
        convert_once(parquet, feather)
    return Files(csv, parquet, str(feather), events_file(events))


def file_sizes(size: dict) -> dict[str, int]:
    """Bytes on disk of each file the variants read."""
    files = workload(**size)
    return {
        "CSV": os.path.getsize(files.csv),
        "Parquet": os.path.getsize(files.parquet),
        "Feather": os.path.getsize(files.feather),
        "JSON lines": os.path.getsize(files.events),
    }


SIZES = {
    "smoke": {"rows": 20_000, "events": 5_000},
    "quick": {"rows": 400_000, "events": 40_000},
    "full": {"rows": 40_000_000, "events": 4_000_000},
}
VARIANTS = {
    "Sales": {
        "CSV, pandas defaults": lambda f: pandas_defaults(f.csv),
        "CSV, pandas engine='pyarrow'": lambda f: pandas_pyarrow_engine(f.csv),
        "CSV, pandas usecols and dtype": lambda f: pandas_columns_and_dtypes(
            f.csv
        ),
        "CSV, pandas PyArrow engine, Arrow-backed": lambda f: (
            pandas_arrow_backed(f.csv)
        ),
        "CSV, Polars read_csv": lambda f: polars_read_csv(f.csv),
        "CSV, DuckDB read_csv": lambda f: duckdb_on_the_file(f.csv),
        "Parquet, pandas": lambda f: pandas_parquet(f.parquet),
        "Feather, pandas": lambda f: pandas_feather(f.feather),
    },
    "Events": {
        "json, line by line": lambda f: line_by_line(f.events),
        "orjson, line by line": lambda f: with_orjson(f.events),
        "msgspec, typed Struct": lambda f: with_msgspec(f.events),
        "pandas read_json(lines=True)": lambda f: with_pandas(f.events),
        "Polars read_ndjson": lambda f: with_polars(f.events),
    },
}


BENCHMARK = {
    "workload": workload,
    "sizes": SIZES,
    "variants": VARIANTS,
    "table": {"memory": True},
    "input_bytes": file_sizes,
    # sums of many amounts, added in each engine's order
    "rel_tol": 1e-9,
}


if __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parents[1]))  # side_by_side
    import side_by_side

    side_by_side.main(BENCHMARK)
