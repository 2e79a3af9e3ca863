"""Measure every example on this machine, record the results, and render them for the site.

Five layers, each a package; a module imports only from its own layer and the
ones listed before it (``tests/test_layers.py`` holds it so):

``core``
    What every layer reads: where things are, the profiles, the records and
    the results file, statistics, speedups with their intervals, how numbers
    are written, the scaling laws.
``child``
    What runs inside the interpreter that runs an example (standard library
    only, as a bare free-threaded build has nothing else): the worker, the
    protocol it speaks, the example's ``BENCHMARK`` checked, what a call uses.
``measuring``
    The parent's side: finding examples, running workers in paired rounds,
    watching their processes and memory, deciding what to measure again.
``reporting``
    From results to what a page shows: tables, plots, transcripts, claims,
    trends and comparisons.
``publishing``
    What serves and checks the site: ``serve``, one page's check, what a
    reader's paste needs, what scrolls sideways, and comparing two commits.

``cli`` is the command line (``python -m harness --help``) on top of them all.
"""
