"""What runs inside the interpreter that runs an example: standard library only.

- ``worker``: one variant of one example, loaded, timed and reported on request.
- ``protocol``: the typed requests and replies between the harness and a child.
- ``reader``: a script run as a reader runs it (the smoke profile), reporting back.
- ``schema``: an example's ``BENCHMARK`` checked and described: the format, defined once.
- ``rules``: the examples' own rules (``examples/variants.py``), as the harness uses them.
- ``observe``: what a call uses (CPU, threads, processes, memory) and pinning it to a core.
- ``interpreter``: the interpreter's build, cores and libraries.
- ``tracebacks``: an example's failure as its author needs to read it.
"""
