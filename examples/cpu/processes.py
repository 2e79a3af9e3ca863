# /// script
# requires-python = ">=3.11"
# dependencies = ["numpy>=2.1", "pillow>=11"]
# [tool.faster-python]
# takes-part-in = ["large-runner", "compare-commits"]
# start-methods = ["--show", "pids"]
# ///
"""Resize a folder of images to 64×64 and stack them into one array, with and
without processes.

Decoding and resizing an image keeps a core busy, and the images are
independent of each other: the work splits cleanly across processes, each
with its own interpreter. By default the script resizes a generated set of
images of mixed sizes (``sample_images.py``, beside this file); ``--images``
takes a real folder. Every variant returns the same array.
"""

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from functools import partial
from pathlib import Path

import numpy as np
from cores import usable_cores
from PIL import Image
from sample_images import images_in, sample_images

SIDE = 64


# --8<-- [start:load_small]
def load_small(path: Path) -> np.ndarray:
    """Decode one image, make it grey-scale and shrink it to SIDE × SIDE
    pixels."""
    with Image.open(path) as image:
        small = image.convert("L").resize(
            (SIDE, SIDE), Image.Resampling.LANCZOS
        )
        return np.asarray(small)


# --8<-- [end:load_small]


# --8<-- [start:baselines]
def for_loop(paths: list[Path]) -> np.ndarray:
    arrays = []
    for path in paths:
        arrays.append(load_small(path))
    return np.stack(arrays)


def list_comprehension(paths: list[Path]) -> np.ndarray:
    return np.stack([load_small(path) for path in paths])


def builtin_map(paths: list[Path]) -> np.ndarray:
    # map() is lazy: nothing is resized until np.stack consumes it.
    return np.stack(list(map(load_small, paths)))


# --8<-- [end:baselines]


# --8<-- [start:processes]
def with_processes(
    paths: list[Path], chunksize: int = 1, max_workers: int | None = None
) -> np.ndarray:
    """One interpreter per core; ``chunksize`` paths travel to a worker per
    message."""
    with ProcessPoolExecutor(max_workers) as pool:
        return np.stack(list(pool.map(load_small, paths, chunksize=chunksize)))


# --8<-- [end:processes]


# --8<-- [start:threads]
def with_threads(
    paths: list[Path], max_workers: int | None = None
) -> np.ndarray:
    """The same with threads, for contrast: they share one interpreter."""
    with ThreadPoolExecutor(max_workers) as pool:
        return np.stack(list(pool.map(load_small, paths)))


# --8<-- [end:threads]


# --8<-- [start:process_ids]
def load_small_and_report(path: Path) -> np.ndarray:
    print(f"process {os.getpid()} resized {path.name}")
    return load_small(path)


def with_process_ids(paths: list[Path]) -> np.ndarray:
    """Print which process resized which image, to see the pool at work."""
    with ProcessPoolExecutor() as pool:
        return np.stack(
            list(pool.map(load_small_and_report, paths, chunksize=8))
        )


# --8<-- [end:process_ids]


def workload(count: int = 1431, images: str | None = None) -> list[Path]:
    """The paths to resize: a real folder, or ``count`` generated images.

    count: how many generated images
    images: resize the images in this folder instead
    """
    paths = images_in(Path(images)) if images else sample_images(count)
    method = multiprocessing.get_start_method()
    print(
        f"Resizing {len(paths)} images on {usable_cores()} cores (start "
        f"method: {method})"
    )
    return paths


def show_pids(paths: list[Path]) -> None:
    """Which process resized each image."""
    with_process_ids(paths)


SIZES = {  # presets for --size: how many generated images
    "smoke": {"count": 16},
    "quick": {"count": 160},
    "full": {"count": 1431},
}


CORES = usable_cores()
BENCHMARK = {
    "workload": workload,
    "sizes": SIZES,
    "variants": {
        "for loop with append": for_loop,
        "list comprehension": list_comprehension,
        "map": builtin_map,
        f"threads ({CORES} workers)": {
            "run": partial(with_threads, max_workers=CORES),
            "workers": CORES,
        },
        **{
            f"processes, chunksize {n}": {
                "run": partial(with_processes, chunksize=n, max_workers=CORES),
                "workers": CORES,
            }
            for n in (1, 4, 16, 64)
        },
    },
    # Speedup ÷ workers; CPU-seconds and the price of a run on a machine with
    # that many cores.
    "table": {"efficiency": True, "cost": True},
}


if __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parents[1]))  # side_by_side
    import side_by_side

    side_by_side.main(BENCHMARK, shows={"pids": show_pids})
