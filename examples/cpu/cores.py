# /// script
# requires-python = ">=3.11"
# dependencies = []
# ///
"""How many cores this process may use: what a pool of workers can actually get.

Not ``os.cpu_count()``, which counts every core of the machine: a container
or a CPU affinity mask may allow fewer. The CPU examples size their pools and
their efficiency columns with it. ``python cores.py`` prints both counts.
"""

import os


def usable_cores() -> int:
    if hasattr(os, "process_cpu_count"):  # Python 3.13+
        return os.process_cpu_count() or 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


if __name__ == "__main__":
    print(f"{usable_cores()} usable of {os.cpu_count()} cores")
