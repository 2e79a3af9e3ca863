# /// script
# requires-python = ">=3.11"
# dependencies = ["pandas>=2.2", "pyarrow>=18", "polars>=1.20", "ray>=2.40"]
# [tool.faster-python]
# test = ["--version"]
# ///
"""A small command-line tool of the kind that grows in a data team: it imports
pandas, Polars and Ray at the top, as most scripts do, and is often asked
only ``--version`` or ``--help``.

Every run pays for those imports before it reads its arguments, even a run
that uses none of them. ``startup.py``, beside this file, times it; ``python
-X importtime report_tool.py --version`` shows where the time goes.
"""

# --8<-- [start:imports]
import argparse
import sys

import pandas as pd
import polars as pl
import ray

# --8<-- [end:imports]

VERSION = "1.0"


# --8<-- [start:commands]
def summarise(path: str) -> None:
    """Rows and columns of a CSV file, read with pandas."""
    frame = pd.read_csv(path)
    print(f"{len(frame)} rows, {len(frame.columns)} columns")


def count_fast(path: str) -> None:
    """The same count with Polars, without reading every column."""
    print(pl.scan_csv(path).select(pl.len()).collect().item(), "rows")


def in_parallel(paths: list[str]) -> None:
    """One file per task on a local Ray."""
    ray.init(include_dashboard=False)
    count = ray.remote(lambda p: len(pd.read_csv(p)))
    print(sum(ray.get([count.remote(p) for p in paths])), "rows")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description="Sales files, summarised.")
    parser.add_argument("--version", action="version", version=VERSION)
    parser.add_argument("command", choices=["summary", "count", "parallel"])
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args(argv)
    if args.command == "summary":
        summarise(args.paths[0])
    elif args.command == "count":
        count_fast(args.paths[0])
    else:
        in_parallel(args.paths)


# --8<-- [end:commands]


if __name__ == "__main__":
    main(sys.argv[1:])
