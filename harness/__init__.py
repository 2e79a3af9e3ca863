"""Measure every example on this machine, record the results, and render them for the site.

Modules, one job each: ``discover`` finds examples, ``worker`` times a variant
inside a fresh interpreter, ``measure`` runs and watches that interpreter,
``stats`` summarises samples, ``machine`` describes where it ran,
``fingerprint`` decides what needs measuring again, ``results`` reads and
writes the results file, ``run`` puts them together, ``table`` and ``plot``
render, and ``cli`` is the command line (``python -m harness --help``).
"""
