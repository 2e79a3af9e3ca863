# /// script
# requires-python = ">=3.11"
# dependencies = [
#     "numpy>=2.1", "pandas>=2.2", "pyarrow>=18", "polars>=1.20", "duckdb>=1.2",
# ]
# ///
"""Peak memory against the size of the file: whole-file readers grow with it,
streaming readers stay flat.

The same CSV of sales as ``larger_than_memory.py``, at three sizes, read by
pandas (the whole file, and in chunks), a PyArrow dataset, Polars' streaming
engine and DuckDB. A reader that holds the whole file needs memory in
proportion to it; one that streams needs about the same at every size: at a
small size its own fixed cost dominates, at a large one the file does. The
page plots one against the other.
"""

import os
import sys
from pathlib import Path

from larger_than_memory import (
    duckdb_on_the_file,
    pandas_chunks,
    pandas_whole_file,
    polars_streaming,
    pyarrow_batches,
    sample_files,
)

# --8<-- [start:readers]
READERS = {
    "pandas, the whole file": pandas_whole_file,
    "pandas, chunks (chunksize)": pandas_chunks,
    "PyArrow dataset, in batches": pyarrow_batches,
    "Polars scan_csv, streaming": polars_streaming,
    "DuckDB on the file": duckdb_on_the_file,
}
# --8<-- [end:readers]


FILES = ("small file", "medium file", "large file")


def workload(small: int = 2_500_000, medium: int = 10_000_000,
             large: int = 40_000_000) -> dict[str, str]:  # fmt: skip
    """The CSV file of each size, made once and kept.

    small: rows of the small file
    medium: rows of the medium one
    large: rows of the large one
    """
    rows = (small, medium, large)
    return {
        name: sample_files(n)[0] for name, n in zip(FILES, rows, strict=True)
    }


def file_sizes(size: dict) -> dict[str, int]:
    """Each file's size in bytes, by the name of its group in the table."""
    return {
        name: os.path.getsize(path) for name, path in workload(**size).items()
    }


def readers_of(name: str) -> dict:
    return {
        reader: (lambda files, read=read: read(files[name]))
        for reader, read in READERS.items()
    }


SIZES = {
    "smoke": {"small": 2_000, "medium": 8_000, "large": 32_000},
    "quick": {"small": 100_000, "medium": 400_000, "large": 1_600_000},
    "full": {"small": 2_500_000, "medium": 10_000_000, "large": 40_000_000},
}


BENCHMARK = {
    "workload": workload,
    "sizes": SIZES,
    # One group of readers per file, each compared on its own.
    "variants": {name: readers_of(name) for name in FILES},
    "table": {"memory": True, "plot": "memory by file size"},
    "input_bytes": file_sizes,
    "rel_tol": 1e-9,  # sums of millions of amounts, in each engine's order
}


if __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parents[1]))  # side_by_side
    import side_by_side

    side_by_side.main(BENCHMARK)
