"""Write the tables, plots and transcripts the pages include, from the results file.

Files are rewritten only when their content changes, so a site being served
reloads once per finished example, not for every file.
"""

from dataclasses import dataclass, field
from pathlib import Path

from harness.core.records import Record
from harness.core.results import Results
from harness.reporting.derived import below_the_floor
from harness.reporting.history import load as load_history
from harness.reporting.plot import render_plot
from harness.reporting.provenance import interpreter_name, render_reference_checks
from harness.reporting.table import render_table
from harness.reporting.transcripts import render_transcript
from harness.reporting.trend import changes_page, trend_block


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
    return tabbed(records, render_table)


def tabbed(records: list[Record], render, done: str = "Measured") -> str:
    """``render(record)`` for each record, a tab each, named for its interpreter or
    machine, under a line that says which tabs there are ("Measured 2 ways")."""
    tabs = []
    cores = records[0].environment.hardware.usable_cores
    names = [interpreter_name(record, cores) for record in records]
    for name, record in zip(names, records, strict=True):
        indented = "\n".join(f"    {line}" if line else "" for line in render(record).split("\n"))
        tabs.append(f'=== "{name}"\n\n{indented}')
    # What exists, said from what exists: a page's text never promises a tab.
    lead = f"{done} {len(records)} ways, a tab each: {', '.join(names)}.\n\n"
    return lead + "\n\n".join(tabs) + "\n"


@dataclass
class Rendered:
    """How many files changed, and the tables refused (why, one line each)."""

    changed: int = 0
    refused: list[str] = field(default_factory=list)

    def add(self, other: "Rendered") -> "Rendered":
        return Rendered(self.changed + other.changed, self.refused + other.refused)


def refusal(problems: list[str]) -> str:
    """What a page shows instead of a table that contradicts itself."""
    lines = "".join(f"    - {problem}\n" for problem in problems)
    return (
        '!!! failure "This table is not shown: its peak memory contradicts itself"\n'
        "    A row that does more cannot hold less than the row that does only what every\n"
        "    row does. Something else held memory while it was measured; measure it again\n"
        f"    (`python -m harness measure --force`).\n\n{lines}"
    )


def render_record(record: Record, out: Path, others: list[Record] = (), history=None) -> Rendered:
    """Write one example's table (a tab per interpreter, its trend under it), plot and
    transcripts: how many files changed, and why its table was refused, if it was."""
    refused = [f"{r.id}: {problem}" for r in [record, *others] for problem in below_the_floor(r)]
    table = per_interpreter([record, *others]) + trend_block(history, record.id)
    if refused:
        table = refusal(refused)
    changed = write_if_changed(out / "tables" / f"{record.id}.md", table)
    changed += write_if_changed(out / "plots" / f"{record.id}.md", render_plot(record))
    for title in record.transcripts:
        text = transcript_tabs([r for r in [record, *others] if title in r.transcripts], title)
        changed += write_if_changed(out / "transcripts" / record.id / f"{title}.md", text)
    return Rendered(changed, refused)


def transcript_tabs(records: list[Record], title: str) -> str:
    """What a script printed: a tab per interpreter where they printed different
    things (a profiler only Python 3.15 has), else the harness's own."""
    outputs = {r.transcripts[title].output for r in records}
    if len(outputs) == 1:
        return render_transcript(records[0], title)
    return tabbed(records, lambda record: render_transcript(record, title), "Run")


def by_example(data: Results) -> dict[str, list[Record]]:
    """Each example's records: the harness's own interpreter first, then the others'
    by name ("cpu/gil", then "cpu/gil@3.13", "cpu/gil@3.14t")."""
    found: dict[str, list[Record]] = {}
    for _, record in sorted(data.examples.items(), key=lambda kv: ("@" in kv[0], kv[0])):
        found.setdefault(record.id, []).append(record)
    return found


def render_example(data: Results, example_id: str, out: Path) -> Rendered:
    """One example with all its records (other interpreters' and machines' tabs) and
    its trend: what ``render`` writes for it, and what a site being served
    rewrites once it is measured again."""
    first, *others = by_example(data)[example_id]
    return render_record(first, out, others, load_history(out / "history.json"))


def render_all(data: Results, out: Path) -> Rendered:
    history = load_history(out / "history.json")
    done = Rendered()
    for first, *others in by_example(data).values():
        done = done.add(render_record(first, out, others, history))
    summary = render_reference_checks(list(data.examples.values()))
    done.changed += write_if_changed(out / "history" / "changes.md", changes_page(history))
    done.changed += write_if_changed(out / "reading" / "a-a-checks.md", summary)
    return done


def render(data: Results, out: Path, console) -> int:
    """The ``render`` command: every record of the results (``read_results``); 1 where
    a table was refused (the results are kept: measure the example again)."""
    done = render_all(data, out)
    console.print(
        f"Rendered {len(data.examples)} example(s) into {out} ({done.changed} file(s) changed)"
    )
    for refused in done.refused:
        console.print(f"[red]Table not drawn: {refused}", markup=False)
    return 1 if done.refused else 0
