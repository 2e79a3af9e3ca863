"""From results to what the pages show.

- ``render``: every example's tables, plots and transcripts written, one path for all.
- ``table``: one example's Markdown table and its footer.
- ``columns``: the table's columns and their cells.
- ``provenance``: where a table was measured: tab names, footer, A/A check.
- ``derived``: numbers derived from a record (efficiency, cost, memory floor).
- ``transcripts``: what an example printed, as text or as the picture it drew.
- ``plot``: the speedup chart, in light and dark palettes.
- ``trend``: each table's history over publishes and the "What changed" page.
- ``history``: each publish's speedups added to the live site's history.
- ``claims``: the claim language, checked against the results.
- ``claimed``: what a page shows for each claim, held or not.
- ``compare``: whether two results files' speedups agree.
"""
