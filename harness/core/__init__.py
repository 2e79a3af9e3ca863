"""What every layer reads; it imports nothing else of the harness.

- ``paths``: where the repository, its examples and the generated folder are.
- ``profiles``: how thoroughly to measure (smoke, quick, full).
- ``records``: the types of what is known about an example.
- ``results``: the results file, read and written.
- ``stats``: summaries of repeated timings.
- ``intervals``: a ratio measured in paired rounds, its interval, and whether it moved.
- ``speedups``: a row's speedup over its baseline, scaled by the work it did.
- ``formats``: how durations, memory, shares, money and speedups are written.
- ``laws``: Amdahl's and Gustafson's laws.
"""
