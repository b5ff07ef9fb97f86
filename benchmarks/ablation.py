"""The LSTM variants of rnnbook.ablation timed side by side, at any benchmark size.

The book's "Making it fast" chapter runs the same measurement at small sizes while
it is built; this script runs it on demand, at any size of ``rnnbook.ablation.SIZES``::

    .venv/bin/python benchmarks/ablation.py tiny small medium

It prints one line per size and variant: the median CPU time of one forward and one
backward pass (1 BLAS thread), and the speed-up over the teaching version and over
the variant before.
"""

import contextlib
import statistics
import sys

import numpy as np

from rnnbook.ablation import (
    SIZES,
    VARIANTS,
    interleaved_times,
    largest_difference,
    make_problem,
    runner,
)


def blas_threads(threads):
    """Limit numpy's BLAS to ``threads`` threads (a no-op without threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=threads, user_api="blas")


def ablation_table(sizes=("tiny", "small"), repeats=7, dtype=np.float64, threads=1):
    """One row per (size, variant): median CPU seconds, speed-ups, and the check."""
    rows = []
    for size in sizes:
        problem = make_problem("lstm", size, dtype)
        runners = {v.name: runner(v.forward, v.backward, problem) for v in VARIANTS}
        with blas_threads(threads):
            results = {name: run() for name, run in runners.items()}  # warm-up and check
            times = interleaved_times(runners, repeats)
        median = {name: statistics.median(t["cpu"]) for name, t in times.items()}
        previous = median["teaching"]
        for name in runners:
            rows.append({"size": size, "variant": name, "median_s": median[name],
                         "speedup": median["teaching"] / median[name],
                         "step_speedup": previous / median[name],
                         "max_relative_difference":
                             largest_difference(results[name], results["teaching"])})
            previous = median[name]
    return rows


def format_table(rows):
    """The rows as aligned text, one line per variant."""
    lines = [f"{'size':<7}{'variant':<30}{'time':>12}{'vs teaching':>13}{'vs previous':>13}"]
    for row in rows:
        lines.append(f"{row['size']:<7}{row['variant']:<30}{row['median_s'] * 1e3:9.2f} ms"
                     f"{row['speedup']:12.2f}x{row['step_speedup']:12.2f}x")
    return "\n".join(lines)


if __name__ == "__main__":
    chosen = sys.argv[1:] or ["tiny", "small"]
    unknown = [size for size in chosen if size not in SIZES]
    if unknown:
        sys.exit(f"unknown sizes {unknown}; choose from {list(SIZES)}")
    print(format_table(ablation_table(sizes=chosen)))
