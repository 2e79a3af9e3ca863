"""Facts about the interpreter that runs the examples: its build, its cores, its libraries.

Standard library only: the worker reports them from inside that interpreter
(a free-threaded build, say), and ``python -m harness.child.interpreter NAME…``
prints them as JSON for a parent that runs another one.
"""

import importlib.metadata
import json
import os
import platform
import sys
import sysconfig


def python_build() -> dict:
    """Version, and whether the build is free-threaded with the GIL off.

    Ask after the example is imported: a free-threaded build turns the GIL
    back on when it imports an extension module that needs it.
    """
    return {
        "version": platform.python_version(),
        "implementation": platform.python_implementation(),
        "free_threaded": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        "gil_enabled": getattr(sys, "_is_gil_enabled", lambda: True)(),
        "jit": jit_enabled(),
    }


def jit_enabled() -> bool:
    """Whether CPython's own JIT compiles here (3.14+: a build with it, and PYTHON_JIT=1)."""
    jit = getattr(sys, "_jit", None)
    return bool(jit and jit.is_enabled())


def label_of(build: dict) -> str:
    """ "3.13", "3.14t" for a free-threaded build, "3.14+jit" with CPython's JIT on: how
    the pages name an interpreter."""
    major_minor = ".".join(build["version"].split(".")[:2])
    jit = "+jit" if build.get("jit") else ""
    return major_minor + ("t" if build["free_threaded"] else "") + jit


def usable_cores() -> int:
    """Cores this process may run on (CPU affinity, containers), not all the machine has."""
    if hasattr(os, "process_cpu_count"):  # Python 3.13+
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def library_versions(names) -> dict[str, str]:
    """Installed versions of these distributions, in this interpreter."""
    versions = {}
    for name in sorted(set(names)):
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


if __name__ == "__main__":
    print(json.dumps({"python": python_build(), "libraries": library_versions(sys.argv[1:])}))
