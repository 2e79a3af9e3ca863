"""Render one example's record as a Markdown table with a footer saying where it ran."""


def duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.3g} ms"
    return f"{seconds:.2f} s"


def memory(nbytes: int) -> str:
    return f"{nbytes / 2**20:.0f} MiB" if nbytes else "–"


def effective_bound(variant: dict, baseline: dict) -> float | None:
    """The example's floor for this variant, but never below the baseline's CPU time.

    The floor is the waiting a variant cannot avoid (say requests × latency ÷
    workers); the baseline's CPU time is work that runs one thread at a time
    under the GIL, so no number of threads makes it shorter.
    """
    if variant.get("bound") is None:
        return None
    return max(variant["bound"], baseline["cpu"]["median"])


def footer(record: dict) -> str:
    env = record["environment"]
    hw, py = env["hardware"], env["python"]
    build = "free-threaded" if py["free_threaded"] else "with the GIL"
    runs = sorted({v["wall"]["runs"] for v in record["variants"]})
    counted = f"{runs[0]}" if len(runs) == 1 else f"{runs[0]} to {runs[-1]}"
    size = ", ".join(f"{k}={v}" for k, v in record["size"].items())
    return (
        f"<small>{record['profile'].capitalize()} profile, {size}; median of "
        f"{counted} runs per variant. {hw['cpu']}, "
        f"{hw['usable_cores']} usable of {hw['logical_cores']} logical cores, "
        f"{hw['memory_bytes'] / 2**30:.0f} GiB, {hw['os']}; Python {py['version']} ({build}); "
        f"commit {env['commit']}, {env['date'][:10]}.</small>"
    )


def render_table(record: dict) -> str:
    """The table a page includes: one row per variant, speedups against the first.

    Examples that set ``BENCHMARK["efficiency"]`` (CPU-bound work) also get
    speedup ÷ usable cores; examples with a ``bound`` get it and how close
    each variant came.
    """
    efficiency = record.get("efficiency", False)
    variants = record["variants"]
    baseline = variants[0]
    base = baseline["wall"]["median"]
    cores = record["environment"]["hardware"]["usable_cores"]
    has_bound = any(v.get("bound") is not None for v in variants)
    head = ["Variant", "Median", "Spread (IQR)", "Speedup", "CPU time", "Peak memory"]
    if efficiency:
        head.append(f"Speedup ÷ {cores} cores")
    if has_bound:
        head += ["Bound", "Median ÷ bound"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" + "---:|" * (len(head) - 1)]
    for v in variants:
        median = v["wall"]["median"]
        name = v["name"] + "".join(f" ⚠ *{flag}*" for flag in v["flags"])
        cells = [
            name,
            duration(median),
            f"± {duration(v['wall']['iqr'] / 2)}",
            f"{base / median:.2f}×",
            duration(v["cpu"]["median"]),
            memory(v["peak_rss"]),
        ]
        if efficiency:
            cells.append(f"{base / median / cores:.2f}")
        if has_bound:
            bound = effective_bound(v, baseline)
            cells += ["–", "–"] if bound is None else [duration(bound), f"{median / bound:.2f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n\n" + footer(record) + "\n"
