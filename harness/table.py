"""Render one example's record as a Markdown table with a footer saying where it ran."""

from harness import laws


def duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.3g} ms"
    return f"{seconds:.2f} s"


def memory(nbytes: int) -> str:
    return f"{nbytes / 2**20:.0f} MiB" if nbytes else "–"


def effective_bound(variant: dict, baseline: dict) -> float | None:
    """The example's floor for this variant, but never below the CPU work it must do.

    The floor is the waiting a variant cannot avoid (say requests × latency ÷
    workers). The CPU work runs one thread at a time under the GIL, so no
    number of threads makes it shorter: it is the smaller of this variant's
    CPU time and the baseline's (a pool of threads may spend more CPU than
    the work needs; another library, such as aiohttp, may need less).
    """
    if variant.get("bound") is None:
        return None
    return max(variant["bound"], min(variant["cpu"]["median"], baseline["cpu"]["median"]))


def group_baselines(record: dict) -> list[dict]:
    """For each variant, the row it is compared with: the first of its group."""
    first = {}
    for v in record["variants"]:
        first.setdefault(v.get("group"), v)
    return [first[v.get("group")] for v in record["variants"]]


def speedup(variant: dict, baseline: dict) -> float:
    """How many times faster than the baseline; scaled by the work done, when it grows."""
    work = variant.get("work", 1) / baseline.get("work", 1)
    return work * baseline["wall"]["median"] / variant["wall"]["median"]


def where(record: dict) -> str:
    """The machine, the Python build, the commit and the date of a record."""
    env = record["environment"]
    hw, py = env["hardware"], env["python"]
    build = "free-threaded" if py["free_threaded"] else "with the GIL"
    return (
        f"{hw['cpu']}, {hw['usable_cores']} usable of {hw['logical_cores']} logical cores, "
        f"{hw['memory_bytes'] / 2**30:.0f} GiB, {hw['os']}; Python {py['version']} ({build}); "
        f"commit {env['commit']}, {env['date'][:10]}."
    )


def footer(record: dict) -> str:
    runs = sorted({v["wall"]["runs"] for v in record["variants"]})
    counted = f"{runs[0]}" if len(runs) == 1 else f"{runs[0]} to {runs[-1]}"
    size = ", ".join(f"{k}={v}" for k, v in record["size"].items())
    return (
        f"<small>{record['profile'].capitalize()} profile, {size}; median of "
        f"{counted} runs per variant. {where(record)}</small>"
    )


def render_table(record: dict) -> str:
    """The table a page includes: one row per variant, speedups against the first.

    Examples that set ``BENCHMARK["efficiency"]`` (CPU-bound work) also get
    speedup ÷ usable cores, or ÷ the variant's workers where the example
    counts them (``BENCHMARK["workers"]``, "–" for one). Examples with a
    ``bound`` get it and how close each variant came.
    """
    if record.get("scaling"):
        return render_scaling_table(record)
    efficiency = record.get("efficiency", False)
    variants = record["variants"]
    cores = record["environment"]["hardware"]["usable_cores"]
    has_bound = any(v.get("bound") is not None for v in variants)
    head = ["Variant", "Median", "Spread (IQR)", "Speedup", "CPU time", "Peak memory"]
    counted = any("workers" in v for v in variants)
    if efficiency:
        head.append("Speedup ÷ workers" if counted else f"Speedup ÷ {cores} cores")
    if has_bound:
        head += ["Bound", "Median ÷ bound"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" + "---:|" * (len(head) - 1)]
    for v, baseline in zip(variants, group_baselines(record), strict=True):
        median = v["wall"]["median"]
        cells = [
            shown_name(v),
            duration(median),
            f"± {duration(v['wall']['iqr'] / 2)}",
            f"{speedup(v, baseline):.2f}×",
            duration(v["cpu"]["median"]) if record.get("cpu_time", True) else "–",
            memory(v["peak_rss"]),
        ]
        if efficiency:
            workers = v.get("workers", 1) if counted else cores
            cells.append("–" if workers < 2 else f"{speedup(v, baseline) / workers:.2f}")
        if has_bound:
            bound = effective_bound(v, baseline)
            cells += ["–", "–"] if bound is None else [duration(bound), f"{median / bound:.2f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n\n" + footer(record) + "\n"


def shown_name(variant: dict) -> str:
    return variant["name"] + "".join(f" ⚠ *{flag}*" for flag in variant["flags"])


def render_scaling_table(record: dict) -> str:
    """One row per worker count: measured speedup beside the law's, and what it implies.

    Amdahl (a fixed problem): the Karp–Flatt column is the serial fraction
    the measured speedup implies. Gustafson (the problem grows with the
    workers): the speedup counts work done per second.
    """
    law = record["scaling"]["law"]
    serial = record["scaling"]["serial_fraction"]
    predicted = laws.amdahl if law == "amdahl" else laws.gustafson
    baseline = record["variants"][0]
    head = ["Variant", "Workers", "Median", "Spread (IQR)", "CPU time"]
    if law == "amdahl":
        head += ["Speedup", f"Amdahl, s = {serial:.2f}", "Karp–Flatt serial fraction"]
    else:
        head += ["Work", "Scaled speedup", f"Gustafson, s = {serial:.2f}"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" + "---:|" * (len(head) - 1)]
    for v in record["variants"]:
        n, measured = v["workers"], speedup(v, baseline)
        cells = [
            shown_name(v),
            str(n),
            duration(v["wall"]["median"]),
            f"± {duration(v['wall']['iqr'] / 2)}",
            duration(v["cpu"]["median"]),
        ]
        if law == "amdahl":
            implied = laws.karp_flatt(measured, n)
            cells += [
                f"{measured:.2f}×",
                f"{predicted(serial, n):.2f}×",
                "–" if implied is None else f"{implied:.3f}",
            ]
        else:
            cells += [
                f"{v['work'] / baseline['work']:.2g}×",
                f"{measured:.2f}×",
                f"{predicted(serial, n):.2f}×",
            ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n\n" + footer(record) + "\n"


def render_transcript(record: dict, transcript: dict) -> str:
    """What the example printed when the harness ran it, as a page includes it."""
    return (
        f'```text title="{transcript["command"]}"\n{transcript["output"].rstrip()}\n```\n\n'
        + f"<small>Printed on {where(record)}</small>\n"
    )
