"""Measure every example on this machine, record the results, and render them for the site.

Modules, one job each: ``paths`` says where things are, ``profiles`` how
thoroughly to measure, ``discover`` finds examples, ``schema`` checks an
example's ``BENCHMARK`` and describes it (``records`` holds the types every
step reads), ``rules`` are the examples' own (``examples/side_by_side.py``:
requirements, whether results agree), ``worker`` times variants inside a
fresh interpreter, ``jobs`` hands it a job, ``supervise`` runs and watches a
process tree, ``stopping`` and ``stats`` decide and summarise, ``interpreter``
and ``machine`` describe where it ran, ``fingerprint`` decides what needs
measuring again, ``results`` reads and writes the results file, ``run`` puts
them together, ``derived``, ``table`` and ``plot`` render, ``serve`` serves the
site meanwhile, and ``cli`` is the command line (``python -m harness --help``).
"""
