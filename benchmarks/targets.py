"""The performance targets of the "Making it fast" issue, checked against results.

All ratios are same-run medians with 1 BLAS thread. Each target is judged on the
wall-clock medians and, separately, on CPU-time medians (less sensitive to other
processes on a shared machine).
"""

RATIO_LIMITS = [
    # (ratio, dtype or None for both, sizes, limit)
    ("fused/torch", "float32", ("medium", "large"), 1.0),
    ("fused/torch", "float32", ("small",), 1.5),
    ("fused/torch", "float64", ("medium", "large"), 0.6),
    ("fused/teaching", None, ("tiny", "small"), 0.5),
    ("fused/teaching", None, ("medium", "large"), 0.8),
]
GEMM_FRACTION = ("lstm", "large", 0.7)  # the fused LSTM reaches 70% of the GEMM rate
MEMORY_SIZE = "medium"  # fused peak memory <= teaching peak memory


def _row(target, result, wall, cpu, limit, at_most=True, floor=(None, None)):
    """One target's values; ``floor`` is the best value the products alone would allow."""
    judge = (lambda v: v <= limit) if at_most else (lambda v: v >= limit)
    return {
        "target": target, "model": result["model"], "size": result["size"],
        "dtype": result["dtype"], "threads": result["threads"], "limit": limit,
        "value_wall": wall, "value_cpu": cpu,
        "met_wall": None if wall is None else judge(wall),
        "met_cpu": None if cpu is None else judge(cpu),
        "floor_wall": floor[0], "floor_cpu": floor[1],
    }


def _floor(result, ratio):
    """The fused ratio if its element-wise work were free: its products alone, same divisor.

    ``products/torch`` for ``fused/torch``; None for other ratios or older results.
    """
    key = ratio.replace("fused/", "products/")
    if key == ratio or key not in result["ratios_wall"]:
        return (None, None)
    return (result["ratios_wall"][key], result["ratios_cpu"][key])


def evaluate(results):
    """One row per (target, model, size, dtype) found among ``results``."""
    rows = []
    for r in (r for r in results if r["threads"] == 1):
        for ratio, dtype, sizes, limit in RATIO_LIMITS:
            if r["size"] in sizes and dtype in (None, r["dtype"]) and ratio in r["ratios_wall"]:
                rows.append(_row(f"{ratio} <= {limit}", r, r["ratios_wall"][ratio],
                                 r["ratios_cpu"][ratio], limit, floor=_floor(r, ratio)))
        model, size, fraction = GEMM_FRACTION
        if (r["model"], r["size"]) == (model, size):
            rows.append(_row(f"fused GEMM fraction >= {fraction}", r,
                             r["fused_fraction_of_gemm_wall"], r["fused_fraction_of_gemm_cpu"],
                             fraction, at_most=False))
        if r["size"] == MEMORY_SIZE:
            memory = r["peak_memory_bytes"]
            rows.append(_row("fused peak memory / teaching <= 1", r,
                             memory["fused"] / memory["teaching"], None, 1.0))
    return rows


def format_rows(rows):
    lines = []
    for row in rows:
        def show(value, met):
            return "  n/a " if value is None else f"{value:6.2f} {'ok ' if met else 'MISS'}"
        floor = row.get("floor_wall")
        lines.append(f"{row['target']:<36} {row['model']:<4} {row['size']:<6} {row['dtype']:<7} "
                     f"wall {show(row['value_wall'], row['met_wall'])}  "
                     f"cpu {show(row['value_cpu'], row['met_cpu'])}"
                     + ("" if floor is None else f"  products alone {floor:5.2f}"))
    return "\n".join(lines)
