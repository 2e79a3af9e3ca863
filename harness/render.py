"""Write the tables, plots and transcripts the pages include, from the results file.

Files are rewritten only when their content changes, so a site being served
reloads once per finished example, not for every file.
"""

from pathlib import Path

from harness.history import load as load_history
from harness.plot import render_plot
from harness.records import Record
from harness.results import Results
from harness.table import (
    interpreter_name,
    render_reference_checks,
    render_table,
    render_transcript,
)
from harness.trend import changes_page, trend_block


def write_if_changed(path: Path, text: str) -> bool:
    """Write only on change, so an unchanged table does not trigger a rebuild."""
    if path.exists() and path.read_text() == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    tmp.replace(path)  # a page being rebuilt meanwhile never reads half a table
    return True


def per_interpreter(records: list[Record]) -> str:
    """One table, or a tab per interpreter where others measured the example too
    (the harness's own first): each tab the whole table, with its own footer."""
    if len(records) == 1:
        return render_table(records[0])
    tabs = []
    cores = records[0].environment.hardware.usable_cores
    for record in records:
        indented = "\n".join(
            f"    {line}" if line else "" for line in render_table(record).split("\n")
        )
        tabs.append(f'=== "{interpreter_name(record, cores)}"\n\n{indented}')
    return "\n\n".join(tabs) + "\n"


def render_record(record: Record, out: Path, others: list[Record] = (), history=None) -> int:
    """Write one example's table (a tab per interpreter, its trend under it), plot and
    transcripts; return how many files changed."""
    table = per_interpreter([record, *others]) + trend_block(history, record.id)
    changed = write_if_changed(out / "tables" / f"{record.id}.md", table)
    changed += write_if_changed(out / "plots" / f"{record.id}.md", render_plot(record))
    for title in record.transcripts:
        text = render_transcript(record, title)
        changed += write_if_changed(out / "transcripts" / record.id / f"{title}.md", text)
    return changed


def by_example(data: Results) -> dict[str, list[Record]]:
    """Each example's records: the harness's own interpreter first, then the others'
    by name ("cpu/gil", then "cpu/gil@3.13", "cpu/gil@3.14t")."""
    found: dict[str, list[Record]] = {}
    for _, record in sorted(data.examples.items(), key=lambda kv: ("@" in kv[0], kv[0])):
        found.setdefault(record.id, []).append(record)
    return found


def render_all(data: Results, out: Path) -> int:
    history = load_history(out / "history.json")
    changed = sum(
        render_record(first, out, others, history) for first, *others in by_example(data).values()
    )
    summary = render_reference_checks(list(data.examples.values()))
    changed += write_if_changed(out / "history" / "changes.md", changes_page(history))
    return changed + write_if_changed(out / "reading" / "a-a-checks.md", summary)


def render(data: Results, out: Path, console) -> int:
    """The ``render`` command: every record of the results (``read_results``)."""
    changed = render_all(data, out)
    console.print(
        f"Rendered {len(data.examples)} example(s) into {out} ({changed} file(s) changed)"
    )
    return 0
