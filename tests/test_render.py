"""What a reader sees of a record: its table, its footer, its plot, and the numbers in them."""

import dataclasses
import math

import pytest
from factories import record, row

from harness.core import laws
from harness.core.records import Placement, Reference, Table
from harness.reporting import derived
from harness.reporting.plot import render_plot
from harness.reporting.table import render_table


def shown(text: str) -> str:
    return text.replace("\u00a0", " ")


def page_part(text: str) -> str:
    """The table a page shows, without the full one under "All columns"."""
    return shown(text).split("??? note")[0]


def test_a_table_has_a_row_per_variant_with_its_speedup_and_a_footer_that_says_where():
    table = shown(render_table(record([row("loop", 2.0), row("sum", 1.0, baseline="loop")])))
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    assert rows[0] == "| Variant | Median ± spread | Speedup | CPU time |"
    assert rows[1].startswith("| loop") and "| 1.00× |" in rows[1]
    assert rows[2].startswith("| sum") and "| 2.00× |" in rows[2]
    assert "Quick profile, n=1; each variant run once, as a reader runs the script." in table
    assert "Test CPU, 2 usable of 4 logical cores, 8 GiB, Linux x86_64" in table
    assert "Python 3.13.0 (free-threaded, the GIL off); commit abc1234, 2026-01-01." in table


def test_bound_and_efficiency_columns_appear_when_an_example_asks():
    one = row("one", 2.0, 0.5, bound=1.0, workers=1)
    two = row("two", 1.0, 0.5, baseline="one", bound=0.25, workers=2, runs=[0.9, 1.0, 1.2])
    table = shown(render_table(record([one, two], table=Table(efficiency=True))))
    main, every = table.split("??? note")
    assert "| CPU time | Speedup ÷ workers | Median ÷ bound |" in main
    # The second variant's floor (0.25 s) is below the baseline's CPU time (0.5 s): the GIL wins.
    assert "| two | 1.00 s ± 8 % | 2.00× | 500 ms | 1.00 | 2.00 |" in main
    # Every column, on demand: the bound itself, runs, the fastest run and peak memory.
    assert "| Bound | Median ÷ bound | Samples | Fastest sample | Peak memory |" in every
    assert "| 500 ms | 2.00 | 3 | 900 ms | 1 MiB |" in every


PINNED = Placement(True, "seen", 1.0, "CPU 1.0× wall, no threads or processes started")


def paired_record(rounds=10):
    """Three rows timed in the same rounds: one 5 % faster than its baseline but noisy,
    one twice as fast, steadily; and an A/A check of the baseline."""
    base = [1.0, 1.1, 0.9, 1.0, 1.05, 0.95, 1.0, 1.1, 0.9, 1.0][:rounds]
    wobble = [1.2, 0.8, 1.1, 0.9, 1.15, 0.85, 1.0, 1.2, 0.8, 1.0][:rounds]
    rows = [
        row("base", runs=base, placement=PINNED),
        row("same", runs=[b / 1.05 * w for b, w in zip(base, wobble, strict=True)], baseline="base",
            placement=PINNED),
        row("faster", runs=[b / 2 for b in base], baseline="base", placement=PINNED),
    ]  # fmt: skip
    again = Reference("base", tuple(b * 1.01 for b in base))
    return record(rows, rounds=rounds, reference=again)


def test_each_speedup_shows_its_own_interval_and_one_that_includes_1_is_marked():
    table = page_part(render_table(paired_record()))
    same = next(line for line in table.splitlines() if line.startswith("| same"))
    assert "1.06× ± " in same and "*(n.s.)*" in same
    assert "*n.s.*: not significant here, the interval includes 1" in shown(
        render_table(paired_record())
    )
    faster = next(line for line in table.splitlines() if line.startswith("| faster"))
    assert "| 2.00× ± 0.0 % |" in faster and "n.s." not in faster
    assert "| base | 1.00 s" in table and "| 1.00× |" in table  # the baseline: no interval


def test_the_footer_says_how_it_was_timed_and_what_the_a_a_check_found():
    footer = shown(render_table(paired_record())).split("<small>")[-1]
    assert "10 paired rounds, each variant in an interpreter of its own" in footer
    assert "A/A check: 'base' against itself in a second interpreter, 0.990× ± 0.0 %" in footer
    assert "its interval excludes 1, so this table's intervals are too narrow" in footer
    honest = paired_record()
    honest = record(
        [(v, honest.of(v)) for v in honest.variants],
        rounds=10,
        reference=Reference("base", honest.of(honest.variants[0]).samples),
    )
    assert "as it should be." in shown(render_table(honest))  # fmt: skip
    placed = shown(render_table(honest)).split("??? note")[1]
    assert "| Timed on |" in placed and "| one core, seen |" in placed


def test_the_reading_guide_cites_an_a_a_check_that_held_never_one_that_failed():
    from harness.reporting.provenance import render_reference_checks

    failed = paired_record()  # its A/A check is 0.990× ± 0.0 %: narrow, and wrong
    honest = paired_record()
    honest = record(
        [(v, honest.of(v)) for v in honest.variants], rounds=10, id="honest",
        reference=Reference("base", tuple(b * w for b, w in zip(
            honest.of(honest.variants[0]).samples, [1.02, 0.98] * 5, strict=True))),
    )  # fmt: skip
    said = render_reference_checks([failed, honest])
    assert said.startswith("On the machine that measured these pages, 1 of 2 A/A checks held")
    assert "narrowest of those that held: in `honest`" in said
    assert "narrowest" not in render_reference_checks([failed])


def test_a_record_whose_a_a_check_failed_is_measured_again():
    from harness.core.profiles import PROFILES
    from harness.measuring.example import is_fresh

    failed = paired_record()
    key, quick = failed.fingerprint, PROFILES["quick"]
    assert not is_fresh(failed, key, quick)
    held = record([(v, failed.of(v)) for v in failed.variants], rounds=10,
                  reference=Reference("base", failed.of(failed.variants[0]).samples))  # fmt: skip
    assert is_fresh(held, key, quick)
    assert not is_fresh(held, "another fingerprint", quick)


def test_a_variant_this_machine_cannot_run_gets_a_row_that_says_why():
    rows = [row("NumPy", 1.0), row("CuPy", missing=("needs an NVIDIA GPU",), baseline="NumPy")]
    table = shown(render_table(record(rows)))
    assert "| CuPy | not measured here: needs an NVIDIA GPU | – | – |" in table


def test_cost_columns_price_the_cores_a_variant_uses():
    rows = [
        row("loop", 2.0, workers=1),
        row("2 processes", 1.25, 2.4, baseline="loop", workers=2),
        row("Polars", 0.5, baseline="loop", cores=2),  # no workers, every core busy
    ]
    main = page_part(render_table(record(rows, table=Table(cost=True))))
    assert "| CPU-seconds per 1,000 runs | Cost per 1,000 runs |" in main
    made = record(rows, table=Table(cost=True))
    vcpu = derived.machine_for(made, 1)
    two = derived.machine_for(made, 2)
    loop_cost = 1000 * 2.0 * vcpu["hourly"] / 3600
    pool_cost = 1000 * 1.25 * two["hourly"] / 3600
    assert f"| 2,000 | ${loop_cost:.3f} ({vcpu['name']}) |" in main
    assert f"| 2,400 | ${pool_cost:.3f} ({two['name']}) |" in main
    polars = next(line for line in main.splitlines() if line.startswith("| Polars"))
    assert f"({two['name']})" in polars  # priced on the two cores it declares


def test_a_variant_on_workers_that_outlive_its_calls_has_no_cpu_time_the_others_keep_theirs():
    rows = [
        row("sequential", 2.0, 1.9),
        row("pool started in the call", 1.1, 2.2, baseline="sequential", workers=2),
        row("running cluster", 1.0, 0.01, baseline="sequential", workers=2, cpu_time=False),
    ]
    main = page_part(render_table(record(rows, table=Table(cost=True))))
    assert "| pool started in the call | 1.10 s ± 0.0 % | 1.82× | 2,200 |" in main
    # The client's 10 ms is not what the cluster spent: shown as unknown, not as 10.
    assert "| running cluster | 1.00 s ± 0.0 % | 2.00× | – | $" in main
    assert "| 1.00× | 1,900 |" in main  # the baseline keeps its CPU-seconds
    # The page shows CPU-seconds instead of the same figure in ms; the full table both.
    assert "CPU time" not in main
    full = shown(render_table(record(rows, table=Table(cost=True)))).split("??? note")[1]
    assert "| 1.00× | 1.90 s | 1,900 |" in full


def test_peak_memory_joins_the_pages_table_when_an_example_is_about_memory():
    rows = [row("pickled", 2.0, peak_rss=3 * 2**30), row("shared", 0.5, baseline="pickled")]
    plain = page_part(render_table(record(rows)))
    about_memory = page_part(render_table(record(rows, table=Table(memory=True))))
    assert "Peak memory" not in plain
    assert "| Variant | Median ± spread | Speedup | CPU time | Peak memory |" in about_memory
    assert "| 3.00 GiB |" in about_memory and "| 1 MiB |" in about_memory


def test_the_sizes_of_the_files_the_variants_read_are_given_under_the_table():
    rows = [row("read it all", 1.0, peak_rss=3 * 2**30)]
    table = shown(render_table(record(rows, input_bytes={"CSV": 2 * 2**30, "Parquet": 2**29})))
    assert "**Files read:** CSV, 2.00 GiB; Parquet, 512 MiB (0.25× the CSV)." in table


def test_crossover_names_the_first_group_where_each_variant_reaches_the_efficiency():
    def group(name, pool_seconds, cluster_seconds):
        base = f"{name}: sequential"
        return [
            row(base, 1.0, group=name),
            row(f"{name}: pool", pool_seconds, group=name, baseline=base, workers=2),
            row(f"{name}: cluster", cluster_seconds, group=name, baseline=base, workers=2),
        ]

    rows = group("1 ms tasks", 0.8, 4.0) + group("10 ms tasks", 0.54, 0.7)
    rows += group("100 ms tasks", 0.52, 0.6)  # the cluster: 0.83, still short of 0.9
    table = render_table(record(rows, table=Table(efficiency=True, crossover=0.9)))
    line = page_part(table).strip().splitlines()[-1]
    assert line == (
        "**Where speedup ÷ workers first reaches 0.9:** pool: 10 ms tasks; "
        "cluster: not in any group measured here."
    )


def test_a_scaling_table_shows_the_law_and_the_implied_serial_fraction():
    rows = [
        row("loop", 10.0),
        row("1 worker", 10.0, baseline="loop", workers=1),
        row("2 workers", 6.0, baseline="loop", workers=2),
    ]
    table = render_table(record(rows, table=Table(law="amdahl", serial_fraction=0.1)))
    last = next(line for line in table.splitlines() if line.startswith("| 2 workers"))
    # Measured 10 s / 6 s = 1.67×; Amdahl with s = 0.1 allows 1.82×; 1.67× implies s = 0.2.
    assert "| 1.67× | 1.82× | 0.200 |" in last


def test_weak_scaling_counts_the_work_each_variant_did():
    rows = [
        row("1 worker", 1.0, workers=1, work=1.0),
        row("2 workers", 1.05, baseline="1 worker", workers=2, work=2.0),
    ]
    table = render_table(record(rows, table=Table(law="gustafson", serial_fraction=0.1)))
    assert "| Scaled speedup | Gustafson, s = 0.10 |" in table
    assert "| 1.90× | 1.90× |" in table  # 2× the work in 1.05× the time; the law: 0.1 + 0.9 × 2


def test_the_bound_counts_the_cpu_work_a_cheaper_library_needs_not_the_baselines():
    def bound_of(cpu, bound):
        rows = [row("requests", 5.0, 0.4), row("v", 1.0, cpu, baseline="requests", bound=bound)]
        made = record(rows)
        return derived.effective_bound(made, made.variants[1])

    # aiohttp spends less CPU than requests did: its own CPU time is the floor.
    assert bound_of(cpu=0.25, bound=0.05) == 0.25
    # A busy thread pool spends more than the work needs: the baseline's is the floor.
    assert bound_of(cpu=0.6, bound=0.05) == 0.4
    # Enough waiting left: the waiting is the floor.
    assert bound_of(cpu=0.25, bound=1.0) == 1.0


def test_the_plot_has_a_light_and_a_dark_version_and_says_when_nothing_was_measured():
    plot = render_plot(record([row("loop", 2.0), row("sum", 1.0, baseline="loop")]))
    assert "#only-light)" in plot and "#only-dark)" in plot
    nothing = render_plot(record([row("CuPy", missing=("needs an NVIDIA GPU",))]))
    assert "no variant could be measured on this machine" in nothing


def test_amdahl_and_gustafson_at_their_limits():
    assert laws.amdahl(1.0, 64) == 1  # all serial: no speedup, not zero
    assert laws.amdahl(0.0, 8) == 8  # all parallel: the number of workers
    assert math.isclose(laws.amdahl(0.1, 10**9), 10, rel_tol=1e-6)  # never past 1 / s
    assert laws.gustafson(0.1, 4) == pytest.approx(3.7)


def test_karp_flatt_recovers_the_serial_fraction_of_an_amdahl_speedup():
    for serial in (0.02, 0.1, 0.5):
        for workers in (2, 4, 16):
            measured = laws.amdahl(serial, workers)
            assert laws.karp_flatt(measured, workers) == pytest.approx(serial)
    assert laws.karp_flatt(1.0, 1) is None


def interpreters_results():
    """One example measured by the harness's own Python and by two others: a
    free-threaded 3.14t with the GIL off, and one where an import turned it back on."""
    from harness.core.records import PythonBuild
    from harness.core.results import Results

    rows = [row("one thread", 2.0), row("2 threads", 1.0, baseline="one thread")]
    own = record(rows)
    own = dataclasses.replace(
        own, environment=dataclasses.replace(own.environment, python=PythonBuild("3.12.8"))
    )

    def other(label, gil_enabled):
        made = record(rows, interpreter=label)
        python = PythonBuild("3.14.0", free_threaded=True, gil_enabled=gil_enabled)
        return dataclasses.replace(
            made, environment=dataclasses.replace(made.environment, python=python)
        )

    return Results(
        examples={"x": own, "x@3.14t": other("3.14t", False), "x@3.15t": other("3.15t", True)}
    )


def test_an_example_measured_by_several_interpreters_gets_a_tab_each_own_first(tmp_path):
    from harness.reporting.render import render_all

    render_all(interpreters_results(), tmp_path)
    table = (tmp_path / "tables" / "x.md").read_text()
    tabs = [line for line in table.splitlines() if line.startswith("=== ")]
    assert tabs == ['=== "Python 3.12"', '=== "Python 3.14t (GIL off)"',
                    '=== "Python 3.15t (GIL back on)"']  # fmt: skip
    assert table.startswith("Measured 3 ways, a tab each: Python 3.12, Python 3.14t "
                            "(GIL off), Python 3.15t (GIL back on).")  # fmt: skip
    # Each tab is a whole table with its own footer, indented under its tab.
    assert table.count("\n    | 2 threads | 1.00") == 3  # and its full table, deeper
    assert table.count("\n        | 2 threads | 1.00") == 3
    assert table.count("Measured with Python 3.14t (") == 1
    assert "Measured with Python 3.12" not in table  # the harness's own says nothing
    assert "free-threaded, the GIL off" in table
    assert "an import turned the GIL back on: threads ran one at a time" in table
    assert not (tmp_path / "tables" / "x@3.14t.md").exists()


def test_an_example_measured_by_one_interpreter_has_no_tabs(tmp_path):
    from harness.core.results import Results
    from harness.reporting.render import render_all

    render_all(Results(examples={"x": record([row("a", 1.0)])}), tmp_path)
    assert "===" not in (tmp_path / "tables" / "x.md").read_text()


def test_a_larger_machines_records_get_a_tab_named_for_its_cores(tmp_path):
    from harness.core.results import Results
    from harness.reporting.render import render_all

    rows = [row("one worker", 2.0), row("16 workers", 0.2, baseline="one worker")]
    own = record(rows)
    large = record(rows, interpreter="16-cores")
    hardware = dataclasses.replace(large.environment.hardware, usable_cores=16)
    large = dataclasses.replace(
        large, environment=dataclasses.replace(large.environment, hardware=hardware)
    )
    render_all(Results(examples={"x": own, "x@16-cores": large}), tmp_path)
    table = (tmp_path / "tables" / "x.md").read_text()
    assert '=== "Python 3.13 on 16 cores (GIL off)"' in table
    assert "Measured on another machine (16-cores), beside the site's own." in table


def test_cpythons_jit_is_named_in_its_tab_and_footer():
    from harness.core.records import PythonBuild
    from harness.reporting.render import per_interpreter

    rows = [row("loop", 2.0), row("sum", 1.0, baseline="loop")]
    jit = record(rows, interpreter="3.14+jit")
    python = PythonBuild("3.14.0", jit=True)
    jit = dataclasses.replace(jit, environment=dataclasses.replace(jit.environment, python=python))
    table = per_interpreter([record(rows), jit])
    assert '=== "Python 3.14 (JIT on)"' in table
    assert "Python 3.14.0 (with the GIL, CPython's JIT on)" in table


def transcript_of(output: str):
    from harness.core.records import Transcript

    command = "python examples/x.py --show picture --size quick"
    return record([row("one", 1.0)], transcripts={"picture": Transcript(command, output)})


def test_a_transcript_that_ends_in_an_svg_is_shown_as_the_picture_under_its_text():
    import base64

    from harness.reporting.transcripts import render_transcript

    svg = '<svg xmlns="http://www.w3.org/2000/svg"><text>a box</text></svg>'
    page = render_transcript(transcript_of(f"20,000 sales, no <svg yet\n{svg}\n"), "picture")
    text, picture = page.split("![What `python examples/x.py --show picture --size quick` drew]")
    assert "20,000 sales, no <svg yet" in text and "<svg xmlns" not in text
    data = picture.split("(data:image/svg+xml;base64,")[1].split(")")[0]
    assert base64.b64decode(data).decode() == svg
    assert "Drawn on Test CPU" in shown(picture)


def test_a_transcript_that_only_mentions_svg_stays_text():
    from harness.reporting.transcripts import render_transcript

    page = render_transcript(transcript_of("wrote <svg> to peak.svg\ndone\n"), "picture")
    assert "data:image" not in page
    assert "wrote <svg> to peak.svg\ndone\n```" in page and "Printed on Test CPU" in shown(page)
