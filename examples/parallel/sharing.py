# /// script
# requires-python = ">=3.11"
# dependencies = ["numpy>=2.1", "joblib>=1.4", "ipykernel>=6.29"]
# ///
"""One large NumPy array, eight tasks that each read all of it: ways to get it
to the workers.

Each task summarises the values above its own threshold: how many, and their
mean (a parameter sweep over the same data). An earlier step saved the array
to a file. Passing it as an argument pickles a copy to every task; an
``initializer`` loads it once per worker; ``fork`` lets workers inherit it;
``multiprocessing.shared_memory`` and ``np.memmap`` put it where every worker
maps the same pages; joblib memory-maps large arrays by itself. Every variant
returns the same results. ``--show NAME`` prints what goes wrong
with a global under ``spawn``, and with a function defined in a notebook.
"""

import multiprocessing
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from functools import partial
from multiprocessing import shared_memory
from pathlib import Path

import numpy as np
from running import usable_cores

TASKS = 8
THRESHOLDS = np.linspace(-2.0, 2.0, TASKS).tolist()


# --8<-- [start:task]
def above(data: np.ndarray, threshold: float) -> tuple[int, float]:
    """How many values exceed the threshold, and their mean: one pass over all
    the data."""
    mask = data > threshold  # the one temporary: a byte per value
    count = int(np.count_nonzero(mask))
    return count, float(np.sum(data, where=mask)) / count


def load(path: str) -> np.ndarray:
    """The array an earlier step saved: raw float64 values
    (``array.tofile(path)``)."""
    return np.fromfile(path, dtype=np.float64)


def sequential(path: str) -> list[tuple[int, float]]:
    data = load(path)
    return [above(data, t) for t in THRESHOLDS]


# --8<-- [end:task]


# --8<-- [start:pickled]
def pickled_to_each_task(path: str, workers: int) -> list[tuple[int, float]]:
    """The array is an argument: pickled, sent and unpickled once per task."""
    data = load(path)
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(above, [data] * TASKS, THRESHOLDS))


# --8<-- [end:pickled]


# --8<-- [start:initializer]
_data: np.ndarray | None = None  # each worker's own reference to the array


def keep(data: np.ndarray) -> None:
    global _data
    _data = data


def load_and_keep(path: str) -> None:
    keep(load(path))


def above_kept(threshold: float) -> tuple[int, float]:
    return above(_data, threshold)


def loaded_once_per_worker(path: str, workers: int) -> list[tuple[int, float]]:
    """Each worker reads the file as it starts: nothing pickled, but a copy per
    worker."""
    with ProcessPoolExecutor(
        workers, initializer=load_and_keep, initargs=(path,)
    ) as pool:
        return list(pool.map(above_kept, THRESHOLDS))


# --8<-- [end:initializer]


# --8<-- [start:fork]
def inherited_through_fork(path: str, workers: int) -> list[tuple[int, float]]:
    """Load into a global, then fork: workers share the parent's pages until
    they write."""
    keep(load(path))
    # not on Windows; unsafe with threads
    fork = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=fork) as pool:
        return list(pool.map(above_kept, THRESHOLDS))


# --8<-- [end:fork]


# --8<-- [start:shared_memory]
_block: shared_memory.SharedMemory | None = None


def attach(name: str, count: int) -> None:
    """Each worker maps the block by its name and views it as an array: no
    copy."""
    global _block
    # kept, or the view would lose its memory
    _block = shared_memory.SharedMemory(name=name)
    keep(np.ndarray(count, np.float64, buffer=_block.buf))


def in_shared_memory(path: str, workers: int) -> list[tuple[int, float]]:
    nbytes = os.path.getsize(path)
    block = shared_memory.SharedMemory(create=True, size=nbytes)
    try:
        with open(path, "rb") as file:
            # read straight into the block: no copy in between
            file.readinto(block.buf)
        with ProcessPoolExecutor(
            workers, initializer=attach, initargs=(block.name, nbytes // 8)
        ) as pool:
            return list(pool.map(above_kept, THRESHOLDS))
    finally:
        block.close()
        # the creator frees it; otherwise it outlives every process
        block.unlink()


# --8<-- [end:shared_memory]


# --8<-- [start:memmap]
def open_mapped(path: str) -> None:
    # pages read as they are touched
    keep(np.memmap(path, dtype=np.float64, mode="r"))


def memory_mapped_file(path: str, workers: int) -> list[tuple[int, float]]:
    """Each worker maps the file; the operating system keeps one copy of its
    pages."""
    with ProcessPoolExecutor(
        workers, initializer=open_mapped, initargs=(path,)
    ) as pool:
        return list(pool.map(above_kept, THRESHOLDS))


# --8<-- [end:memmap]


# --8<-- [start:joblib]
def joblib_memmapping(path: str, workers: int) -> list[tuple[int, float]]:
    """joblib dumps arrays over 1 MB (max_nbytes) to a file once and memory-maps
    it."""
    from joblib import Parallel, delayed

    data = load(path)
    return Parallel(n_jobs=workers)(delayed(above)(data, t) for t in THRESHOLDS)


# --8<-- [end:joblib]


def make_array(megabytes: int, seed: int = 7) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(megabytes * 2**20 // 8)


@contextmanager
def workload(megabytes: int = 200):
    """The path of a file holding the array, as an earlier step would leave it;
    removed after.

    megabytes: the size of the array
    """
    method = multiprocessing.get_start_method()
    print(
        f"{megabytes} MB array, {TASKS} tasks, {CORES} workers (start method: "
        f"{method})"
    )
    with tempfile.TemporaryDirectory(prefix="sharing-") as folder:
        path = str(Path(folder) / "data.f8")
        make_array(megabytes).tofile(path)
        yield path


# --8<-- [start:global_under_spawn]
TABLE = None  # filled in below, before the pool starts


def rows_above(threshold: float) -> int:
    return int(np.count_nonzero(TABLE > threshold))  # noqa: SIM300


def global_then_pool(method: str) -> None:
    global TABLE
    TABLE = make_array(1)  # "load the data, then start the pool"
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(2, mp_context=context) as pool:
        print(list(pool.map(rows_above, THRESHOLDS))[:3], "...")


# --8<-- [end:global_under_spawn]

# --8<-- [start:notebook_cell]
SQUARE_IN_A_CELL = """
from concurrent.futures import ProcessPoolExecutor
import multiprocessing

def square(x):
    return x * x

spawn = multiprocessing.get_context("spawn")  # the default on macOS and Windows
with ProcessPoolExecutor(2, mp_context=spawn) as pool:
    print(list(pool.map(square, range(4))))
"""
# --8<-- [end:notebook_cell]
# --8<-- [start:notebook_fixes]
SQUARE_FROM_A_MODULE = """
# squares.py, beside the notebook: def square(x): return x * x
from squares import square
with ProcessPoolExecutor(2, mp_context=spawn) as pool:
    print(list(pool.map(square, range(4))))
"""
SQUARE_WITH_JOBLIB = """
# loky sends a notebook's function by value
from joblib import Parallel, delayed
print(Parallel(n_jobs=2)(delayed(square)(x) for x in range(4)))
"""
# --8<-- [end:notebook_fixes]


def in_a_notebook(cells: list[str], folder: str) -> list[str]:
    """Run cells in a real Jupyter kernel started in ``folder``; what each cell
    shows."""
    from jupyter_client.manager import start_new_kernel

    # The kernel's own log (a warning about TCP) is not what the notebook shows.
    manager, client = start_new_kernel(
        kernel_name="python3", cwd=folder, stderr=subprocess.DEVNULL
    )
    shown = []
    try:
        for cell in cells:
            request, outputs = client.execute(cell), []
            while True:
                message = client.get_iopub_msg(timeout=120)
                if message["parent_header"].get("msg_id") != request:
                    continue
                kind, content = message["msg_type"], message["content"]
                if kind == "stream":
                    outputs.append(
                        f"[{content['name']}] {content['text'].rstrip()}"
                    )
                elif kind == "error":
                    outputs.append(
                        f"[error] {content['ename']}: {content['evalue']}"
                    )
                elif kind == "status" and content["execution_state"] == "idle":
                    break
            shown.append("\n".join(outputs))
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    return shown


def show_notebook() -> None:
    """A notebook cell's function in a spawned worker, and the two ways that fix
    it."""
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "squares.py").write_text(
            "def square(x):\n    return x * x\n"
        )
        cells = {
            "A function defined in the cell": SQUARE_IN_A_CELL,
            "The same function imported from squares.py": SQUARE_FROM_A_MODULE,
            "The cell's function through joblib": SQUARE_WITH_JOBLIB,
        }
        for title, output in zip(
            cells, in_a_notebook(list(cells.values()), folder), strict=True
        ):
            # The worker's traceback reaches the cell (as stderr) only
            # sometimes: it is forwarded from the worker's stderr, after the
            # cell may have finished.
            lines = [
                x
                for x in output.splitlines()
                if x.startswith(("[stdout]", "[error]"))
            ]
            print(f"{title}:", *lines, sep="\n  ")
    # The same cell as a script without a file (python -c): the worker's own
    # stderr says why, on the terminal, as it does in the terminal that started
    # Jupyter.
    done = subprocess.run(
        [sys.executable, "-c", SQUARE_IN_A_CELL],
        capture_output=True,
        text=True,
        timeout=120,
    )
    # Each worker that got a task says so; once is enough.
    cause = dict.fromkeys(
        x for x in done.stderr.splitlines() if x.startswith("AttributeError")
    )
    print(
        "The worker's stderr, where the cell's code runs as python -c:",
        *cause,
        sep="\n  ",
    )


def show_global_under_spawn() -> None:
    """A global set before the pool starts, under fork and under spawn."""
    for method in ("fork", "spawn"):
        print(f"$ start method {method}:", flush=True)
        try:
            global_then_pool(method)
        # what the reader sees: the type and the message
        except Exception as error:
            print(f"{type(error).__name__}: {error}")


SHOWS = {
    "global-under-spawn": show_global_under_spawn,
    "notebook": show_notebook,
}


SIZES = {  # presets for --size: megabytes of float64
    "smoke": {"megabytes": 8},
    "quick": {"megabytes": 96},
    "full": {"megabytes": 200},
}


CORES = usable_cores()
POOL = {"workers": CORES}
FORK = "fork" in multiprocessing.get_all_start_methods()
FORKED = {"run": partial(inherited_through_fork, workers=CORES), **POOL}
BENCHMARK = {
    "workload": workload,
    "sizes": SIZES,
    "variants": {
        "sequential": sequential,
        "pickled to each task": {
            "run": partial(pickled_to_each_task, workers=CORES),
            **POOL,
        },
        "loaded once per worker (initializer)": {
            "run": partial(loaded_once_per_worker, workers=CORES),
            **POOL,
        },
        # no fork on Windows
        **({"inherited through fork": FORKED} if FORK else {}),
        "shared_memory": {
            "run": partial(in_shared_memory, workers=CORES),
            **POOL,
        },
        "np.memmap": {
            "run": partial(memory_mapped_file, workers=CORES),
            **POOL,
        },
        # loky's workers outlive the call: their CPU time is not counted.
        "joblib (automatic memmapping)": {
            "run": partial(joblib_memmapping, workers=CORES),
            "cpu_time": False,
            **POOL,
        },
    },
    "table": {"memory": True},
    "transcripts": {
        "global-under-spawn": ["--show", "global-under-spawn"],
        "notebook": ["--show", "notebook"],
    },
}


if __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parents[1]))  # side_by_side
    import side_by_side

    side_by_side.main(BENCHMARK, shows=SHOWS)
