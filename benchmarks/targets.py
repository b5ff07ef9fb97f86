"""The performance targets of the fused version, checked against benchmark results.

All ratios are same-run medians with 1 BLAS thread. Each target is judged on the
wall-clock medians and, separately, on CPU-time medians (less sensitive to other
processes on a shared machine).

Run on its own, it checks the results already in a results file again, against the
targets below, and writes the verdicts back into the file's ``targets``::

    .venv/bin/python benchmarks/targets.py benchmarks/results.json
"""

import json
import sys

RATIO_LIMITS = [
    # (ratio, dtype or None for both, sizes, limit)
    ("fused/torch", "float32", ("medium", "large"), 1.0),
    ("fused/torch", "float32", ("small",), 1.5),
    # The package is numpy only: no compiled kernel can remove the fused version's
    # separate element-wise passes, so it is held to its own products-alone floor.
    ("fused/products", None, ("medium", "large"), 1.25),
    ("fused/teaching", None, ("tiny", "small"), 0.5),
    ("fused/teaching", None, ("medium", "large"), 0.8),
]
GEMM_FRACTION = ("lstm", "large", 0.7)  # the fused LSTM reaches 70% of the GEMM rate
MEMORY_SIZE = "medium"  # fused peak memory <= teaching peak memory


def ratio(result, name, clock):
    """``"fused/torch"``-style ratio of two medians of ``result`` (``clock`` "wall" or "cpu").

    None when either implementation was not measured (torch not installed).
    """
    mine, other = name.split("/")
    median = result[f"median_{clock}_s"]
    if mine not in median or other not in median:
        return None
    return median[mine] / median[other]


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


def _floor(result, name):
    """The fused/torch ratio if the fused version's element-wise work were free.

    ``products/torch``: its products alone, same divisor. None for other ratios.
    """
    if name != "fused/torch":
        return (None, None)
    return (ratio(result, "products/torch", "wall"), ratio(result, "products/torch", "cpu"))


def evaluate(results):
    """One row per (target, model, size, dtype) found among ``results``."""
    rows = []
    for r in (r for r in results if r["threads"] == 1):
        for name, dtype, sizes, limit in RATIO_LIMITS:
            wall, cpu = ratio(r, name, "wall"), ratio(r, name, "cpu")
            if r["size"] in sizes and dtype in (None, r["dtype"]) and wall is not None:
                rows.append(_row(f"{name} <= {limit}", r, wall, cpu, limit,
                                 floor=_floor(r, name)))
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


def reevaluate(path):
    """Judge the results in the JSON file ``path`` again; write the rows back; return them."""
    with open(path, encoding="utf-8") as file:
        data = json.load(file)
    data["targets"] = evaluate(data["results"])
    with open(path, "w", encoding="utf-8") as file:
        json.dump(data, file, indent=1)
    return data["targets"]


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python benchmarks/targets.py RESULTS.json")
    print(format_rows(reevaluate(sys.argv[1])))
