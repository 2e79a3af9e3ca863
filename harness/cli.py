"""Command line: ``python -m harness measure|measure-pythons|serve|render|check-page|list|
compare|compare-commits|merge|history``."""

import argparse
import dataclasses
import os
import shutil
import signal
import sys
from pathlib import Path

from rich.console import Console

from harness.child.interpreter import label_of
from harness.core import results
from harness.core.paths import EXAMPLES, ROOT, generated
from harness.core.profiles import PROFILES
from harness.measuring import machine
from harness.measuring.discover import TAKES_PART, UnknownPart, discover, takes_part_in
from harness.measuring.run import measure_all
from harness.reporting.compare import compare


def shard(text: str) -> tuple[int, int]:
    """ "2/4" -> (2, 4): the second of four shards."""
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not I/N, such as 2/4") from None
    if not 1 <= index <= count:
        raise argparse.ArgumentTypeError(f"shard {text}: I must be between 1 and N")
    return index, count


def add_measure(commands) -> None:
    measure = commands.add_parser("measure", help="time every example's variants")
    measure.add_argument("--profile", choices=PROFILES, default="quick")
    measure.add_argument("--force", action="store_true", help="measure even unchanged examples")
    measure.add_argument(
        "--timeout",
        type=float,
        help="seconds one variant's interpreter may run (default: the profile's)",
    )
    measure.add_argument(
        "--python",
        help="run the examples with this interpreter (say a free-threaded python3.14t "
        "with the examples' libraries installed) instead of the harness's own",
    )
    measure.add_argument(
        "--shard",
        type=shard,
        help="I/N: measure every N-th example from the I-th (1-based), so that N machines "
        "share the examples (merge their results with `merge`)",
    )
    measure.add_argument(
        "--label",
        help="keep the records as id@LABEL, beside the site's own: another interpreter's "
        "(the default with --python: 3.13, 3.14t) or another machine's (16-cores)",
    )
    measure.add_argument("only", nargs="*", help="measure examples whose id contains this")


def add_others(commands) -> None:
    serving = commands.add_parser(
        "serve",
        help="serve the site at once and measure in the background (what `make serve` runs)",
    )
    serving.add_argument("--profile", choices=PROFILES, default="quick")
    serving.add_argument("--config", type=Path, default=ROOT / "mkdocs.yml", help="mkdocs.yml")
    serving.add_argument("--dev-addr", default="127.0.0.1:8000", help="host:port to serve on")
    serving.add_argument("only", nargs="*", help="measure examples whose id contains this")
    commands.add_parser("render", help="write tables and plots from the results file")
    checking = commands.add_parser(
        "check-page",
        help="one page in seconds: its examples measured (quick, cached), its code, "
        "tables, claims and widths checked, the page built alone strictly",
    )
    checking.add_argument("page", help="a page: dataframes/vectorise, vectorise or its .md path")
    listing = commands.add_parser("list", help="list the examples the harness measures")
    listing.add_argument(
        "--taking-part",
        choices=TAKES_PART,
        help="only those whose header declares it (takes-part-in): "
        + "; ".join(f"{k}: {v}" for k, v in TAKES_PART.items()),
    )
    other = commands.add_parser("compare", help="compare speedups with another results file")
    other.add_argument("other", type=Path, help="another results.json")
    add_compare_commits(commands)
    history = commands.add_parser(
        "history",
        help="add this publish's speedups to the previous history (the live site's) into "
        "OUT/history.json; `render` then draws the trends and the What changed page",
    )
    history.add_argument("--previous", help="the live site's history.json: a URL or a file")
    history.add_argument("--docs", type=Path, default=ROOT / "docs", help="pages with claims")
    history.add_argument("--commit", help="this publish's commit (default: the checkout's)")
    pythons = commands.add_parser(
        "measure-pythons",
        help="measure the examples whose answer depends on the interpreter with each one "
        "named, into the site's results beside the harness's own (then render)",
    )
    pythons.add_argument("pythons", nargs="+", help="interpreters: python3.13 python3.14t …")
    pythons.add_argument("--profile", choices=PROFILES, default="quick")
    pythons.add_argument("--force", action="store_true", help="measure even unchanged examples")
    merging = commands.add_parser(
        "merge", help="copy examples' results from another results file (a GPU runner's)"
    )
    merging.add_argument("other", type=Path, help="another results.json")
    merging.add_argument("only", nargs="*", help="examples to copy (ids or parts); default: all")


def add_compare_commits(commands) -> None:
    commits = commands.add_parser(
        "compare-commits",
        help="measure examples at two commits, interleaved, and say what the change did",
    )
    commits.add_argument("base", help="the commit before (a branch, tag or hash)")
    commits.add_argument("head", help="the commit after")
    commits.add_argument("only", nargs="*", help="examples to compare (default: those changed)")
    commits.add_argument("--profile", choices=PROFILES, default="quick")
    commits.add_argument(
        "--factor", type=float, default=1.1,
        help="a change smaller than this ratio is never flagged (default: %(default)s)",
    )  # fmt: skip
    commits.add_argument(
        "--summary", type=Path, help="also append the table to this file ($GITHUB_STEP_SUMMARY)"
    )


def parser() -> argparse.ArgumentParser:
    made = argparse.ArgumentParser(prog="python -m harness", description=__doc__)
    made.add_argument(
        "--out",
        type=Path,
        default=generated(),
        help="folder for results.json, tables/ and plots/ (default: %(default)s)",
    )
    made.add_argument(
        "--examples",
        type=Path,
        default=EXAMPLES,
        help="folder to find examples in (default: %(default)s)",
    )
    commands = made.add_subparsers(dest="command", required=True)
    add_measure(commands)
    add_others(commands)
    return made


def merge(args, console) -> int:
    results_path = args.out / "results.json"
    try:
        copied = results.merge(results_path, args.other, args.only)
    except results.ResultsError as error:
        console.print(f"[red]Cannot merge: {error}")
        return 2
    console.print(f"Merged {', '.join(copied)} from {args.other} into {results_path}")
    return 0


def measure(args, examples, console) -> int:
    profile = PROFILES[args.profile]
    if args.timeout:
        profile = dataclasses.replace(profile, timeout=args.timeout)
    python = sys.executable
    if args.python:
        python = shutil.which(args.python)
        if python is None:
            console.print(f"[red]No Python interpreter at {args.python}")
            return 2
        python = os.path.abspath(python)
    label = args.label or (interpreter_label(python) if args.python else "")
    results_path = args.out / "results.json"
    failed = measure_all(
        examples, profile, results_path, args.force, console, python, args.examples,
        label=label,
    )  # fmt: skip
    return 1 if failed else 0


def interpreter_label(python: str) -> str:
    """ "3.13" or "3.14t": another interpreter's records are kept under "id@3.14t"."""
    return label_of(machine.python_build(python))


def chosen_examples(args) -> list:
    examples = discover(args.examples, only=args.only)
    if getattr(args, "shard", None):
        index, count = args.shard
        examples = examples[index - 1 :: count]
    return examples


def read_results(path: Path, console) -> results.Results | None:
    """The results file, or None with a sentence saying why it cannot be read."""
    try:
        return results.load(path)
    except results.ResultsError as error:
        console.print(f"[red]Cannot render: {error}")
        return None


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    # On SIGTERM (CI cancelling a job), unwind like Ctrl-C so that the variant
    # being measured, which runs in its own session, is killed with its tree.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    console = Console(stderr=True, soft_wrap=True)
    if args.command == "list":
        try:
            for example in discover(args.examples):
                if not args.taking_part or args.taking_part in takes_part_in(example.path):
                    print(example.id)
        except UnknownPart as error:
            console.print(f"[red]{error}")
            return 2
        return 0
    if args.command == "render":
        data = read_results(args.out / "results.json", console)
        if data is None:
            return 2
        from harness.reporting.render import render  # Matplotlib: once there is something to draw

        return render(data, args.out, console)
    if args.command == "check-page":
        from harness.publishing.checkpage import check_page

        return check_page(args.page, args.out, console)
    if args.command == "compare":
        return compare(args.out / "results.json", args.other, console)
    if args.command == "merge":
        return merge(args, console)
    if args.command == "history":
        from harness.reporting.history import record_publish

        return record_publish(args.out / "results.json", args.previous, args.docs, args.out,
                              lambda said: console.print(said), args.commit)  # fmt: skip
    if args.command == "measure-pythons":
        from harness.measuring.pythons import measure_pythons
        from harness.reporting.render import render

        failed = measure_pythons(args.pythons, args.out, PROFILES[args.profile], args.force,
                                 console)  # fmt: skip
        if not (args.out / "results.json").exists():
            return 1 if failed else 0  # nothing measured: every interpreter was skipped
        data = read_results(args.out / "results.json", console)
        rendered = 2 if data is None else render(data, args.out, console)
        return 1 if failed else rendered
    if args.command == "compare-commits":
        from harness.publishing.commits import compare_commits

        profile = PROFILES[args.profile]
        return compare_commits(args.base, args.head, args.only, profile, args.factor,
                               sys.executable, console, args.summary)  # fmt: skip
    examples = chosen_examples(args)
    if not examples:
        console.print(f"[red]No example in {args.examples} matches {args.only}")
        return 2
    if args.command == "serve":
        from harness.publishing.serve import serve

        profile = PROFILES[args.profile]
        return serve(examples, profile, args.out, args.config, args.dev_addr, console=console)
    return measure(args, examples, console)
