"""Write the tables, plots and transcripts the pages include, from the results file.

Files are rewritten only when their content changes, so a site being served
reloads once per finished example, not for every file.
"""

from pathlib import Path

from harness import results
from harness.plot import render_plot
from harness.records import Record
from harness.results import Results
from harness.table import render_reference_checks, render_table, render_transcript


def write_if_changed(path: Path, text: str) -> bool:
    """Write only on change, so an unchanged table does not trigger a rebuild."""
    if path.exists() and path.read_text() == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    tmp.replace(path)  # a page being rebuilt meanwhile never reads half a table
    return True


def render_record(record: Record, out: Path) -> int:
    """Write one example's table, plot and transcripts; return how many files changed."""
    changed = write_if_changed(out / "tables" / f"{record.id}.md", render_table(record))
    changed += write_if_changed(out / "plots" / f"{record.id}.md", render_plot(record))
    for title in record.transcripts:
        text = render_transcript(record, title)
        changed += write_if_changed(out / "transcripts" / record.id / f"{title}.md", text)
    return changed


def render_all(data: Results, out: Path) -> int:
    changed = sum(render_record(record, out) for _, record in sorted(data.examples.items()))
    summary = render_reference_checks(list(data.examples.values()))
    return changed + write_if_changed(out / "reading" / "a-a-checks.md", summary)


def render(results_path: Path, out: Path, console) -> int:
    """The ``render`` command: every record in the results file; exit code 2 when unreadable."""
    try:
        data = results.load(results_path)
    except results.ResultsError as error:
        console.print(f"[red]Cannot render: {error}")
        return 2
    changed = render_all(data, out)
    console.print(
        f"Rendered {len(data.examples)} example(s) into {out} ({changed} file(s) changed)"
    )
    return 0
