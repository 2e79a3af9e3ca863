# /// script
# requires-python = ">=3.11"
# dependencies = ["numpy>=2.1", "numba>=0.61"]
# # On a machine with an NVIDIA GPU (CUDA 12), also:
# # "cupy-cuda12x>=13", "numba-cuda[cu12]>=0.11"
# ///
"""When a GPU helps and when it does not: the same job in NumPy, CuPy and a
Numba CUDA kernel.

The job: the Gaussian density of every value of an array, and their sum.
CuPy runs NumPy-style code on the GPU; a Numba kernel says what one GPU
thread does. Each is timed two ways: with the data already on the GPU
(compute only), and with the copy to the GPU and the result's copy back
(what a program that starts and ends with NumPy arrays pays). Three data
sizes show where the copying stops mattering. Without a GPU, the array code
runs on NumPy (``array_module``), and the kernel runs on Numba's CUDA
simulator when ``NUMBA_ENABLE_CUDASIM=1`` is set (slowly: for testing).
"""

import math
import os
import sys
from pathlib import Path

import numpy as np
from numba import cuda

INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)


def values(count: int, seed: int = 3) -> np.ndarray:
    return np.random.default_rng(seed).normal(0.0, 2.0, count)


# --8<-- [start:array_module]
def array_module(prefer_gpu: bool = True):
    """CuPy where a GPU and CuPy are present, NumPy otherwise: the same code
    runs on both."""
    if prefer_gpu:
        try:
            import cupy

            if cupy.cuda.runtime.getDeviceCount() > 0:
                return cupy
        except Exception:  # no CuPy, no driver, no device: fall back to the CPU
            pass
    return np


def density_sum(x, xp=np) -> float:
    """Written once for NumPy and CuPy: ``xp`` is whichever module holds the
    array."""
    return float(xp.sum(xp.exp(-0.5 * x * x) * INV_SQRT_2PI))


# --8<-- [end:array_module]


def with_numpy(x: np.ndarray) -> float:
    return density_sum(x, np)


# --8<-- [start:cupy]
def cupy_with_copies(x: np.ndarray) -> float:
    """From a NumPy array to a NumPy result: copy in, compute, copy the
    densities out."""
    import cupy

    densities = cupy.exp(-0.5 * cupy.asarray(x) ** 2) * INV_SQRT_2PI
    out = cupy.asnumpy(densities)  # the copy back waits for the GPU to finish
    return float(out.sum())


def cupy_on_device(x_gpu) -> float:
    """The data already on the GPU, only the sum comes back."""
    import cupy

    return density_sum(x_gpu, cupy)


# --8<-- [end:cupy]


# --8<-- [start:kernel]
def density_of(x, out):
    i = cuda.grid(1)  # this thread's index among all the threads launched
    # the last block has more threads than values: those do nothing, and end
    if i < x.size:
        out[i] = math.exp(-0.5 * x[i] * x[i]) * INV_SQRT_2PI


# Compiled for the GPU on the first call (hundreds of milliseconds), once per
# process; importing and defining it need no GPU.
density = cuda.jit(density_of)


def kernel_with_copies(x: np.ndarray, kernel=density) -> float:
    threads = 256
    blocks = (x.size + threads - 1) // threads
    x_gpu = cuda.to_device(x)  # copy in
    out_gpu = cuda.device_array_like(x_gpu)
    kernel[blocks, threads](x_gpu, out_gpu)
    return float(out_gpu.copy_to_host().sum())  # copy out, sum on the CPU


# --8<-- [end:kernel]


def kernel_first_call(x: np.ndarray) -> float:
    """What the first call of a process pays: compiling the kernel, then running
    it."""
    # a new dispatcher compiles again
    return kernel_with_copies(x, cuda.jit(density_of))


def kernel_on_device(data) -> float:
    x_gpu, out_gpu = data
    threads = 256
    density[(x_gpu.size + threads - 1) // threads, threads](x_gpu, out_gpu)
    # a kernel launch returns at once: wait for it, or time nothing
    cuda.synchronize()
    # the sum on the GPU too, through CuPy's view of the same memory
    import cupy

    return float(cupy.asarray(out_gpu).sum())


class OnDevice:
    """The values as a NumPy array, and already copied to the GPU (untimed) when
    one is here."""

    def __init__(self, count: int):
        self.host = values(count)
        self.cupy = self.numba = None

    def on_gpu(self):
        import cupy

        if self.cupy is None:
            self.cupy = cupy.asarray(self.host)
            self.numba = (
                cuda.to_device(self.host),
                cuda.device_array(self.host.size),
            )
        return self


class Sizes:
    def __init__(self, small: int, medium: int, large: int):
        self.data = {"small": small, "medium": medium, "large": large}
        self.made = {}

    def of(self, name: str) -> OnDevice:
        if name not in self.made:
            self.made[name] = OnDevice(self.data[name])
        return self.made[name]


def workload(
    small: int = 10_000, medium: int = 1_000_000, large: int = 100_000_000
) -> Sizes:
    """Arrays of three sizes, made on first use (and copied to the GPU where
    there is one).

    small: values in the small array
    medium: values in the medium array
    large: values in the large array
    """
    xp = array_module()
    simulated = os.environ.get("NUMBA_ENABLE_CUDASIM") == "1"
    kernel = (
        "on the GPU"
        if xp is not np
        else "simulated"
        if simulated
        else "not run (no GPU)"
    )
    print(f"array module: {xp.__name__}; Numba kernel: {kernel}")
    return Sizes(small, medium, large)


def show_simulated(sizes: Sizes) -> None:
    """The Numba kernel on Numba's CUDA simulator (NUMBA_ENABLE_CUDASIM=1),
    against NumPy."""
    for name in sizes.data:
        x = sizes.of(name).host
        expected, got = with_numpy(x), kernel_with_copies(x)
        print(f"{name:6} array: NumPy sum {expected:.6f}, kernel sum {got:.6f}")
        if not math.isclose(got, expected, rel_tol=BENCHMARK["rel_tol"]):
            sys.exit(f"the kernel's sum {got} is not NumPy's {expected}")


GPU = ["gpu", "module:cupy", "module:numba_cuda"]


def rows(size: str) -> dict:
    return {
        "NumPy": lambda s: with_numpy(s.of(size).host),
        "CuPy, data already on the GPU": {
            "run": lambda s: cupy_on_device(s.of(size).on_gpu().cupy),
            "requires": GPU,
        },
        "CuPy, with the copies in and out": {
            "run": lambda s: cupy_with_copies(s.of(size).host),
            "requires": GPU,
        },
        "Numba kernel, data already on the GPU": {
            "run": lambda s: kernel_on_device(s.of(size).on_gpu().numba),
            "requires": GPU,
        },
        "Numba kernel, with the copies in and out": {
            "run": lambda s: kernel_with_copies(s.of(size).host),
            "requires": GPU,
        },
        "Numba kernel, first call (compiles, then runs)": {
            "run": lambda s: kernel_first_call(s.of(size).host),
            "requires": GPU,
        },
    }


SIZES = {
    "smoke": {"small": 1_000, "medium": 10_000, "large": 100_000},
    "quick": {"small": 10_000, "medium": 1_000_000, "large": 10_000_000},
    "full": {"small": 10_000, "medium": 1_000_000, "large": 100_000_000},
}


BENCHMARK = {
    "workload": workload,
    "sizes": SIZES,
    "variants": {
        f"{size} array": rows(size) for size in ("small", "medium", "large")
    },
    "rel_tol": 1e-9,  # the GPU adds the densities in another order
}


if __name__ == "__main__":
    sys.path.append(str(Path(__file__).resolve().parents[1]))  # side_by_side
    import side_by_side

    side_by_side.main(BENCHMARK, shows={"simulated": show_simulated})
