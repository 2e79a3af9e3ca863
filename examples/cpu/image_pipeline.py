# /// script
# requires-python = ">=3.11"
# dependencies = ["numba>=0.61", "numpy>=2.1", "pillow>=11"]
# [tool.faster-python]
# start-methods = []
# ///
"""The image case made faster step by step: better inner work, then processes,
then both.

Each image is decoded and shrunk to 64×64 (``load_small`` from
``processes.py``, beside this file), then cleaned up: its contrast stretched
to the full 0–255 range and a 3×3 blur applied to soften the grain. The
clean-up is written three ways (Python loops, NumPy, Numba) and run one image
after another or in a pool of processes. ``--stages`` prints where the time
goes in each: decoding and resizing, or the clean-up.
"""

import sys
import time
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

import numpy as np
from cores import usable_cores
from numba import njit
from processes import load_small, workload


# --8<-- [start:python]
def clean_python(image: np.ndarray) -> np.ndarray:
    """Stretch the contrast, then blur with a 3×3 mean: Python loops over
    pixels."""
    pixels = image.tolist()
    low = min(min(row) for row in pixels)
    high = max(max(row) for row in pixels)
    scale = 255.0 / max(high - low, 1)
    stretched = [[(p - low) * scale for p in row] for row in pixels]
    out = [row[:] for row in stretched]
    for y in range(1, len(pixels) - 1):
        for x in range(1, len(pixels[0]) - 1):
            total = 0.0
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    total += stretched[y + dy][x + dx]
            out[y][x] = total / 9.0
    return np.array(out)


# --8<-- [end:python]


# --8<-- [start:numpy]
def clean_numpy(image: np.ndarray) -> np.ndarray:
    """The same with whole-array operations: nine shifted views summed at
    once."""
    pixels = image.astype(np.float64)
    low, high = pixels.min(), pixels.max()
    stretched = (pixels - low) * (255.0 / max(high - low, 1))
    out = stretched.copy()
    h, w = stretched.shape
    total = sum(
        stretched[1 + dy : h - 1 + dy, 1 + dx : w - 1 + dx]
        for dy in (-1, 0, 1)
        for dx in (-1, 0, 1)
    )
    out[1:-1, 1:-1] = total / 9.0
    return out


# --8<-- [end:numpy]


# --8<-- [start:numba]
@njit(cache=True)
def clean_numba(image: np.ndarray) -> np.ndarray:
    """The Python loops, compiled."""
    h, w = image.shape
    low, high = image.min(), image.max()
    scale = 255.0 / max(high - low, 1)
    stretched = (image.astype(np.float64) - low) * scale
    out = stretched.copy()
    for y in range(1, h - 1):
        for x in range(1, w - 1):
            total = 0.0
            for dy in range(-1, 2):
                for dx in range(-1, 2):
                    total += stretched[y + dy, x + dx]
            out[y, x] = total / 9.0
    return out


# --8<-- [end:numba]


CLEAN = {
    "Python loops": clean_python,
    "NumPy": clean_numpy,
    "Numba": clean_numba,
}


# --8<-- [start:steps]
def prepare(path: Path, clean) -> np.ndarray:
    """Decode and shrink one image, then clean it up."""
    return clean(load_small(path))


def prepare_numba(path: Path) -> np.ndarray:
    """The same for the pool, calling the compiled clean-up by name.

    Handed to the pool itself, ``clean_numba`` would be pickled and rebuilt in
    each worker without its cache, and compiled there from scratch.
    """
    return clean_numba(load_small(path))


def one_by_one(paths: list[Path], clean) -> np.ndarray:
    return np.stack([prepare(path, clean) for path in paths])


def in_processes(
    paths: list[Path], prepare_one, chunksize: int = 16
) -> np.ndarray:
    """``prepare_one`` travels to the workers pickled: a top-level function, or
    a partial of one."""
    with ProcessPoolExecutor(usable_cores()) as pool:
        return np.stack(list(pool.map(prepare_one, paths, chunksize=chunksize)))


# What each step in processes hands to the pool.
FOR_THE_POOL = {
    "Python loops": partial(prepare, clean=clean_python),
    "NumPy": partial(prepare, clean=clean_numpy),
    # not partial(prepare, clean=clean_numba): see prepare_numba
    "Numba": prepare_numba,
}
# --8<-- [end:steps]


# --8<-- [start:stages]
def stage_times(paths: list[Path], clean) -> tuple[float, float]:
    """Seconds spent decoding and resizing, and seconds spent cleaning, one
    image at a time."""
    start = time.perf_counter()
    small = [load_small(path) for path in paths]
    loaded = time.perf_counter()
    for image in small:
        clean(image)
    return loaded - start, time.perf_counter() - loaded


# --8<-- [end:stages]


def show_stages(paths: list[Path]) -> None:
    # compile (or load from the cache) before timing
    clean_numba(load_small(paths[0]))
    print(f"{len(paths)} images, one at a time:")
    for name, clean in CLEAN.items():
        load, work = stage_times(paths, clean)
        share = work / (load + work)
        print(
            f"  clean-up in {name:13} decode+resize {load:6.2f} s   clean-up "
            f"{work:6.2f} s "
            f"({share:4.0%} of the time)"
        )


CORES = usable_cores()
STEPS = {  # the page's six steps, each a function of the image paths
    "1. Python loops, one image at a time": partial(
        one_by_one, clean=clean_python
    ),
    "2. NumPy, one at a time": partial(one_by_one, clean=clean_numpy),
    "3. Numba, one at a time": partial(one_by_one, clean=clean_numba),
    f"4. Python loops, {CORES} processes": partial(
        in_processes, prepare_one=FOR_THE_POOL["Python loops"]
    ),
    f"5. NumPy, {CORES} processes": partial(
        in_processes, prepare_one=FOR_THE_POOL["NumPy"]
    ),
    f"6. Numba, {CORES} processes": partial(
        in_processes, prepare_one=FOR_THE_POOL["Numba"]
    ),
}
SIZES = {  # presets for --size: how many generated images
    "smoke": {"count": 16},
    "quick": {"count": 120},
    "full": {"count": 1431},
}


BENCHMARK = {
    # processes.py's: generated images of mixed sizes, or --images DIR
    "workload": workload,
    "sizes": SIZES,
    "variants": {
        **dict(list(STEPS.items())[:3]),  # steps 1 to 3: one process
        **{
            name: {"run": step, "workers": CORES}
            for name, step in list(STEPS.items())[3:]
        },
    },
    "transcripts": {"stages": ["--show", "stages"]},
}


if __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parents[1]))  # side_by_side
    import side_by_side

    side_by_side.main(BENCHMARK, shows={"stages": show_stages})
