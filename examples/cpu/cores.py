# /// script
# requires-python = ">=3.11"
# dependencies = []
# [tool.faster-python]
# test = []
# ///
"""How many cores this process may use: what a pool of workers can actually get.

Not ``os.cpu_count()``, which counts every core of the machine: a CPU
affinity mask may allow fewer. The CPU examples size their pools and their
efficiency columns with ``usable_cores()``. A container's CPU quota (Docker's
``--cpus``, a Kubernetes CPU limit) is another limit, which neither
``os.cpu_count()`` nor ``os.process_cpu_count()`` sees: ``cpu_quota()`` reads
it. ``python cores.py`` prints all three counts.
"""

import math
import os
from pathlib import Path


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity), whatever a CPU quota
    allows."""
    if hasattr(os, "process_cpu_count"):  # Python 3.13+
        return os.process_cpu_count() or 1
    return (
        len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count()
    )


# --8<-- [start:quota]
CGROUP = Path("/sys/fs/cgroup")


def cpu_quota() -> int | None:
    """Cores' worth of CPU time the cgroup v2 quota allows, rounded up; None if
    no quota.

    ``cpu.max`` holds "quota period" in microseconds: "150000 100000" allows 1.5
    cores' worth of time per period (2, rounded up), "max 100000" sets no limit.
    A parent group's quota applies too, so take the smallest on the way up.
    """
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None  # not Linux
    # cgroup v2 has a single line "0::/path/of/this/group"; v1 is not read here.
    group = next(
        (
            CGROUP / line[3:].lstrip("/")
            for line in lines
            if line.startswith("0::")
        ),
        None,
    )
    if group is None:
        return None
    limits = []
    for folder in (group, *group.parents):
        if not folder.is_relative_to(CGROUP):
            break
        try:
            quota, period = (folder / "cpu.max").read_text().split()
        except (OSError, ValueError):
            continue  # no such group seen from here, or no cpu controller
        if quota != "max":
            limits.append(math.ceil(int(quota) / int(period)))
    return min(limits, default=None)


# --8<-- [end:quota]


if __name__ == "__main__":
    quota = cpu_quota()
    print(f"{usable_cores()} usable of {os.cpu_count()} cores")
    print(f"CPU quota: {quota} cores" if quota else "CPU quota: none")
